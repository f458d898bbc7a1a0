import { All, Controller, Inject, Next, Req, Res, UseFilters } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { InvalidClientMetadataError } from '../errors/oauth-error.js';
import { OAuthExceptionFilter } from '../errors/oauth-exception.filter.js';
import { applyCorsHeaders } from '../http/cors.js';
import { applyNoStore } from '../http/no-store.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';
import { assertBodyWithinLimit } from '../http/body-limit.js';
import { ClientRegistrationService, renderClientInformation } from '../services/client-registration.service.js';
import { isConfiguredEndpoint } from '../services/endpoint-routing.js';
import { answerPreflightOrRefuseMethod } from '../http/http-method.js';
import { OAuthRateLimiter } from '../services/rate-limiter.service.js';
import { Public } from '../decorators/public.decorator.js';

/**
 * The dynamic client registration endpoint (RFC 7591 §3): JSON POST, 201 with
 * the client information and the secret shown once; `no-store` (S31), CORS (S32).
 */
@Controller()
@Public()
@UseFilters(OAuthExceptionFilter)
export class RegistrationController {
  constructor(
    @Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig,
    private readonly registration: ClientRegistrationService,
    private readonly rateLimiter: OAuthRateLimiter,
  ) {}

  /** `POST <issuer>/register`. */
  @All(['register', '*prefix/register'])
  async register(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): Promise<void> {
    if (!isConfiguredEndpoint(req, this.config, 'registration')) return next();
    applyCorsHeaders(res, ['POST', 'OPTIONS']);
    applyNoStore(res);
    if (answerPreflightOrRefuseMethod(req, res, ['POST'])) return;
    await this.rateLimiter.consume('register', req);
    assertBodyWithinLimit(req, this.config.bodyLimitBytes);
    if (!req.is('application/json')) throw new InvalidClientMetadataError('The request body must be application/json');
    const client = await this.registration.register(req.body, { ip: req.ip, headers: req.headers });
    res.status(201).json(renderClientInformation(client));
  }
}

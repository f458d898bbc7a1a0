import { All, Controller, Inject, Next, Req, Res, UseFilters } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { OAuthExceptionFilter } from '../errors/oauth-exception.filter.js';
import { applyCorsHeaders } from '../http/cors.js';
import { applyNoStore } from '../http/no-store.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';
import { assertFormRequest } from '../http/form-request.js';
import { ClientAuthenticator } from '../services/client-authentication.service.js';
import { isConfiguredEndpoint } from '../services/endpoint-routing.js';
import { answerPreflightOrRefuseMethod } from '../http/http-method.js';
import { OAuthRateLimiter, claimedClientId } from '../services/rate-limiter.service.js';
import { OAuthError } from '../errors/oauth-error.js';
import { TooManyRequestsError } from '../errors/http-status-errors.js';
import { TokenGrantService, renderTokenResponse } from '../services/token-grant.service.js';
import { Public } from '../decorators/public.decorator.js';

/**
 * The token endpoint (RFC 6749 §3.2, §5): form POST, client authentication
 * (S37), `no-store` on every response (S31), CORS (S32). Counted per client
 * and address; failed requests count on their own, tighter limit (S62).
 */
@Controller()
@Public()
@UseFilters(OAuthExceptionFilter)
export class TokenController {
  constructor(
    @Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig,
    private readonly clients: ClientAuthenticator,
    private readonly grants: TokenGrantService,
    private readonly rateLimiter: OAuthRateLimiter,
  ) {}

  /** `POST <issuer>/token`. */
  @All(['token', '*prefix/token'])
  async token(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): Promise<void> {
    if (!isConfiguredEndpoint(req, this.config, 'token')) return next();
    applyCorsHeaders(res, ['POST', 'OPTIONS']);
    applyNoStore(res);
    if (answerPreflightOrRefuseMethod(req, res, ['POST'])) return;
    const claimedClient = claimedClientId(req);
    const clientKey = this.rateLimiter.clientKey(req, claimedClient);
    this.rateLimiter.assertNotBlocked('tokenFailures', clientKey);
    await this.rateLimiter.consume('token', req, claimedClient);
    try {
      assertFormRequest(req, this.config.bodyLimitBytes);
      const client = await this.clients.authenticate(req);
      const token = await this.grants.exchange(client, req.body);
      res.status(200).json(renderTokenResponse(token));
    } catch (error) {
      if (error instanceof OAuthError && error.getStatus() < 500 && !(error instanceof TooManyRequestsError)) {
        const blockedSeconds = await this.rateLimiter.recordFailure('tokenFailures', clientKey);
        if (blockedSeconds > 0) throw new TooManyRequestsError(blockedSeconds);
      }
      throw error;
    }
  }
}

import { All, Controller, Inject, Next, Req, Res, UseFilters } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { OAuthExceptionFilter } from '../errors/oauth-exception.filter.js';
import { InvalidRequestError } from '../errors/oauth-error.js';
import { applyCorsHeaders } from '../http/cors.js';
import { applyNoStore } from '../http/no-store.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';
import { ClientAuthenticator } from '../services/client-authentication.service.js';
import { isConfiguredEndpoint } from '../services/endpoint-routing.js';
import { assertFormRequest } from '../http/form-request.js';
import { answerPreflightOrRefuseMethod } from '../http/http-method.js';
import { OAuthRateLimiter, claimedClientId } from '../services/rate-limiter.service.js';
import { readParameters } from '../rules/request-parameters.js';
import { findToken } from '../rules/token-lookup.js';
import { Public } from '../decorators/public.decorator.js';

/**
 * The revocation endpoint (RFC 7009): client-authenticated form POST. Only
 * tokens of the authenticated client are revoked; an unknown token or another
 * client's token answers 200 and stays as it was (RFC 7009 §2.2, S43).
 */
@Controller()
@Public()
@UseFilters(OAuthExceptionFilter)
export class RevocationController {
  constructor(
    @Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig,
    private readonly clients: ClientAuthenticator,
    private readonly rateLimiter: OAuthRateLimiter,
  ) {}

  /** `POST <issuer>/revoke`. */
  @All(['revoke', '*prefix/revoke'])
  async revoke(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): Promise<void> {
    if (!isConfiguredEndpoint(req, this.config, 'revocation')) return next();
    applyCorsHeaders(res, ['POST', 'OPTIONS']);
    applyNoStore(res);
    if (answerPreflightOrRefuseMethod(req, res, ['POST'])) return;
    await this.rateLimiter.consume('revoke', req, claimedClientId(req));
    assertFormRequest(req, this.config.bodyLimitBytes);
    const client = await this.clients.authenticate(req);
    const params = readParameters(req.body, ['token', 'token_type_hint']);
    if (params.token === undefined) throw new InvalidRequestError('The token parameter is required');
    const found = await findToken(this.config.provider!, client, params.token, params.token_type_hint);
    if (found && found.token.clientId === client.clientId) await this.config.provider!.revokeToken(found.token);
    res.status(200).end();
  }
}

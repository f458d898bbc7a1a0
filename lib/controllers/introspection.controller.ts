import { All, Controller, Inject, Next, Req, Res, UseFilters } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { OAuthExceptionFilter } from '../errors/oauth-exception.filter.js';
import { InvalidClientError, InvalidRequestError } from '../errors/oauth-error.js';
import { applyNoStore } from '../http/no-store.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import type { OAuthClientInformation } from '../interfaces/oauth-models.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';
import { ClientAuthenticator } from '../services/client-authentication.service.js';
import { isConfiguredEndpoint } from '../services/endpoint-routing.js';
import { assertFormRequest } from '../http/form-request.js';
import { answerPreflightOrRefuseMethod } from '../http/http-method.js';
import { OAUTH_CLOCK, type OAuthClock, epochSeconds } from '../rules/clock.js';
import { OAuthRateLimiter, claimedClientId } from '../services/rate-limiter.service.js';
import { readParameters } from '../rules/request-parameters.js';
import { type FoundToken, findToken } from '../rules/token-lookup.js';
import { Public } from '../decorators/public.decorator.js';

/**
 * The introspection endpoint (RFC 7662): form POST authenticated by a
 * confidential client (RFC 7662 §2.1, S59); a public client gets 401
 * `invalid_client`. Unknown, expired and revoked tokens, and tokens of other
 * clients unless the caller is a configured resource server
 * (`introspection.resourceServers`), are `{ "active": false }` (RFC 7662 §2.2).
 * No CORS: it is for servers.
 */
@Controller()
@Public()
@UseFilters(OAuthExceptionFilter)
export class IntrospectionController {
  constructor(
    @Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig,
    private readonly clients: ClientAuthenticator,
    @Inject(OAUTH_CLOCK) private readonly clock: OAuthClock,
    private readonly rateLimiter: OAuthRateLimiter,
  ) {}

  /** `POST <issuer>/introspect`. */
  @All(['introspect', '*prefix/introspect'])
  async introspect(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): Promise<void> {
    if (!isConfiguredEndpoint(req, this.config, 'introspection')) return next();
    applyNoStore(res);
    if (answerPreflightOrRefuseMethod(req, res, ['POST'])) return;
    await this.rateLimiter.consume('introspect', req, claimedClientId(req));
    assertFormRequest(req, this.config.bodyLimitBytes);
    const client = await this.clients.authenticate(req);
    if ((client.tokenEndpointAuthMethod ?? 'client_secret_basic') === 'none') {
      throw new InvalidClientError('Introspection requires a confidential client or a resource-server credential');
    }
    const params = readParameters(req.body, ['token', 'token_type_hint']);
    if (params.token === undefined) throw new InvalidRequestError('The token parameter is required');
    const found = await findToken(this.config.provider!, client, params.token, params.token_type_hint);
    res.status(200).json(this.describe(found, client));
  }

  private describe(found: FoundToken | undefined, client: OAuthClientInformation): Record<string, unknown> {
    const now = epochSeconds(this.clock);
    if (!found || (found.token.expiresAt !== undefined && found.token.expiresAt <= now)) return { active: false };
    const resourceServer = this.config.introspection.resourceServers.includes(client.clientId);
    if (found.token.clientId !== client.clientId && (found.type === 'refresh_token' || !resourceServer)) {
      return { active: false };
    }
    const token = found.token;
    const body: Record<string, unknown> = {
      active: true,
      scope: token.scopes.join(' '),
      client_id: token.clientId,
      token_type: found.type === 'access_token' ? 'Bearer' : 'refresh_token',
      iss: this.config.issuer,
    };
    if (token.subject !== undefined) body.sub = token.subject;
    if (token.resource !== undefined) body.aud = token.resource;
    if (token.expiresAt !== undefined) body.exp = token.expiresAt;
    const iat = found.type === 'access_token' ? found.token.claims?.iat : undefined;
    if (typeof iat === 'number') body.iat = iat;
    return body;
  }
}

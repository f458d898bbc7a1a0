import { Inject, Injectable } from '@nestjs/common';
import { InvalidRequestError } from '../errors/oauth-error.js';
import type { EndpointRequest } from '../http/endpoint-request.js';
import { type EndpointResult, emptyResult } from '../http/endpoint-result.js';
import type { AuthorizationServerConfig, McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { AUTHORIZATION_SERVER_CONFIG } from '../mcp-auth.constants.js';
import { ClientAuthenticator } from '../services/client-authentication.service.js';
import { claimedClientId } from '../services/rate-limiter.service.js';
import { readParameters } from '../rules/request-parameters.js';
import { findToken } from '../rules/token-lookup.js';
import type { ProtocolEndpoint } from './endpoint.js';
import { authorizationServerPath } from './endpoint-paths.js';
import { FORM_BODY } from './form-body.js';

/**
 * Token revocation (RFC 7009): client-authenticated form POST. Only tokens of
 * the authenticated client are revoked; an unknown token or another client's
 * token answers 200 and stays as it was (RFC 7009 §2.2, S43).
 */
@Injectable()
export class RevocationEndpoint implements ProtocolEndpoint {
  readonly kind = 'protocol';
  readonly name = 'revocation';
  readonly methods = ['POST'] as const;
  readonly cors = true;
  readonly noStore = true;
  readonly preflight = true;
  readonly errors = 'json';
  readonly rateLimit = { limit: 'revoke', clientId: claimedClientId } as const;
  readonly body = FORM_BODY;

  constructor(
    @Inject(AUTHORIZATION_SERVER_CONFIG) private readonly config: AuthorizationServerConfig,
    private readonly clients: ClientAuthenticator,
  ) {}

  paths(config: McpAuthConfig): string[] {
    return authorizationServerPath(config, 'revocation', (c) => c.revocation.enabled);
  }

  async handle(req: EndpointRequest): Promise<EndpointResult> {
    const client = await this.clients.authenticate(req);
    const params = readParameters(req.body, ['token', 'token_type_hint']);
    if (params.token === undefined) throw new InvalidRequestError('The token parameter is required');
    const found = await findToken(this.config.provider, client, params.token, params.token_type_hint);
    if (found && found.token.clientId === client.clientId) await this.config.provider.revokeToken(found.token);
    return emptyResult(200);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { InvalidClientError, InvalidRequestError } from '../errors/oauth-error.js';
import type { EndpointRequest } from '../http/endpoint-request.js';
import { type EndpointResult, jsonResult } from '../http/endpoint-result.js';
import type { AuthorizationServerConfig, McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import type { OAuthClientInformation } from '../interfaces/oauth-models.js';
import { AUTHORIZATION_SERVER_CONFIG } from '../mcp-auth.constants.js';
import { ClientAuthenticator } from '../services/client-authentication.service.js';
import { OAUTH_CLOCK, type Clock, epochSeconds } from '../rules/clock.js';
import { claimedClientId } from '../services/rate-limiter.service.js';
import { readParameters } from '../rules/request-parameters.js';
import { type FoundToken, findToken } from '../rules/token-lookup.js';
import type { ProtocolEndpoint } from './endpoint.js';
import { authorizationServerPath } from './endpoint-paths.js';
import { FORM_BODY } from './form-body.js';

/**
 * Token introspection (RFC 7662): form POST authenticated by a confidential
 * client (RFC 7662 §2.1, S59); a public client gets 401 `invalid_client`.
 * Unknown, expired and revoked tokens, and tokens of other clients unless the
 * caller is a configured resource server (`introspection.resourceServers`),
 * are `{ "active": false }` (RFC 7662 §2.2). No CORS: it is for servers.
 */
@Injectable()
export class IntrospectionEndpoint implements ProtocolEndpoint {
  readonly kind = 'protocol';
  readonly name = 'introspection';
  readonly methods = ['POST'] as const;
  readonly cors = false;
  readonly noStore = true;
  readonly preflight = true;
  readonly errors = 'json';
  readonly rateLimit = { limit: 'introspect', clientId: claimedClientId } as const;
  readonly body = FORM_BODY;

  constructor(
    @Inject(AUTHORIZATION_SERVER_CONFIG) private readonly config: AuthorizationServerConfig,
    private readonly clients: ClientAuthenticator,
    @Inject(OAUTH_CLOCK) private readonly clock: Clock,
  ) {}

  paths(config: McpAuthConfig): string[] {
    return authorizationServerPath(config, 'introspection', (c) => c.introspection.enabled);
  }

  async handle(req: EndpointRequest): Promise<EndpointResult> {
    const client = await this.clients.authenticate(req);
    if ((client.tokenEndpointAuthMethod ?? 'client_secret_basic') === 'none') {
      throw new InvalidClientError('Introspection requires a confidential client or a resource-server credential');
    }
    const params = readParameters(req.body, ['token', 'token_type_hint']);
    if (params.token === undefined) throw new InvalidRequestError('The token parameter is required');
    const found = await findToken(this.config.provider, client, params.token, params.token_type_hint);
    return jsonResult(200, this.describe(found, client));
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
    const jkt = found.type === 'access_token' ? found.token.cnf?.jkt : undefined;
    if (jkt !== undefined) Object.assign(body, { token_type: 'DPoP', cnf: { jkt } });
    if (token.subject !== undefined) body.sub = token.subject;
    const subjectType = (token as { subjectType?: unknown }).subjectType;
    if (subjectType === 'machine') body.subject_type = subjectType;
    if (token.resource !== undefined) body.aud = token.resource;
    if (token.expiresAt !== undefined) body.exp = token.expiresAt;
    const iat = found.type === 'access_token' ? found.token.claims?.iat : undefined;
    if (typeof iat === 'number') body.iat = iat;
    return body;
  }
}

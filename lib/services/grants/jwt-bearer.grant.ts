import { Inject, Injectable } from '@nestjs/common';
import { InvalidGrantError, InvalidRequestError } from '../../errors/oauth-error.js';
import type { AuthorizationServerConfig } from '../../interfaces/mcp-auth-config.interface.js';
import type { OAuthClientInformation, OAuthToken } from '../../interfaces/oauth-models.js';
import { AUTHORIZATION_SERVER_CONFIG } from '../../mcp-auth.constants.js';
import { assertConfidentialClient } from '../../rules/client-credentials-rules.js';
import { OAUTH_CLOCK, type Clock, epochSeconds } from '../../rules/clock.js';
import { JWT_BEARER_GRANT_TYPE } from '../../rules/grant-types.js';
import { resolveAssertionScopes, verifyIdentityAssertionGrant } from '../../rules/identity-assertion-grant.js';
import { readParameter } from '../../rules/request-parameters.js';
import { parseScope } from '../../rules/scope-rules.js';
import { withoutRefreshToken } from './client-credentials.grant.js';
import type { TokenGrantHandler, TokenGrantRequest } from './token-grant-handler.js';

/** Longest `assertion` accepted, in characters. */
const MAX_ASSERTION_LENGTH = 16_384;

/**
 * The JWT bearer grant (RFC 7523 §2.1) with an Identity Assertion JWT
 * Authorization Grant (MCP ext-auth "Enterprise-Managed Authorization",
 * draft-ietf-oauth-identity-assertion-authz-grant, S68). A confidential client
 * registered for the grant presents an ID-JAG from a trusted identity provider;
 * every check of {@link verifyIdentityAssertionGrant} must pass (anything else is
 * `invalid_grant`), the subject is mapped to a local user, and an access token
 * for this MCP server is issued without a refresh token (the client gets a new
 * ID-JAG from the IdP instead, so the IdP's policy applies again).
 */
@Injectable()
export class JwtBearerGrant implements TokenGrantHandler {
  readonly grantType = JWT_BEARER_GRANT_TYPE;

  constructor(
    @Inject(AUTHORIZATION_SERVER_CONFIG) private readonly config: AuthorizationServerConfig,
    @Inject(OAUTH_CLOCK) private readonly clock: Clock,
  ) {}

  async exchange(client: OAuthClientInformation, request: TokenGrantRequest): Promise<OAuthToken> {
    assertConfidentialClient(client, this.grantType);
    const settings = this.config.enterpriseManagedAuthorization!;
    const provider = this.config.provider;
    const assertion = readParameter(request.body, 'assertion');
    if (assertion === undefined) throw new InvalidRequestError('The assertion parameter is required');
    if (assertion.length > MAX_ASSERTION_LENGTH) throw new InvalidGrantError('The identity assertion is too large');
    const verified = await verifyIdentityAssertionGrant(assertion, {
      identityProvider: (issuer) => settings.identityProviders.get(issuer),
      audience: this.config.issuer,
      resource: this.config.resource,
      clientId: client.clientId,
      algorithms: settings.signingAlgorithms,
      maxLifetimeSeconds: settings.maxAssertionLifetimeSeconds,
      clockSkewSeconds: this.config.clockSkewSeconds,
      nowSeconds: epochSeconds(this.clock),
      markUsedOnce: (namespace, id, expiresAtMs) => provider.markUsedOnce!(namespace, id, expiresAtMs),
    });
    const subject = await settings.mapSubject({
      issuer: verified.issuer,
      subject: verified.subject,
      clientId: verified.clientId,
      claims: verified.claims,
    });
    if (typeof subject !== 'string' || subject === '') {
      throw new InvalidGrantError('The identity assertion names no user of this server');
    }
    const scopes = resolveAssertionScopes(verified.scopes, request.scope, {
      scopesSupported: this.config.scopesSupported,
      defaultScopes: this.config.defaultScopes,
      scopeHierarchy: this.config.scopeHierarchy,
      registeredScopes: this.config.enforceRegisteredClientScope ? (parseScope(client.scope) ?? []) : undefined,
    });
    const token = await provider.issueTokenForSubject!(client, {
      grantType: this.grantType,
      subject,
      subjectType: 'user',
      scopes,
      resource: this.config.resource,
      assertionIssuer: verified.issuer,
    });
    return withoutRefreshToken(token);
  }
}

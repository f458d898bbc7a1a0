import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  InvalidGrantError,
  InvalidRequestError,
  InvalidTargetError,
  UnauthorizedClientError,
  UnsupportedGrantTypeError,
} from '../errors/oauth-error.js';
import type { AuthorizationServerConfig } from '../interfaces/mcp-auth-config.interface.js';
import type { OAuthClientInformation, OAuthToken, TokenBinding } from '../interfaces/oauth-models.js';
import { AUTHORIZATION_SERVER_CONFIG } from '../mcp-auth.constants.js';
import { OAUTH_CLOCK, type Clock, epochSeconds } from '../rules/clock.js';
import { OAuthRateLimiter } from './rate-limiter.service.js';
import { verifyS256 } from '../rules/pkce.js';
import { readParameters } from '../rules/request-parameters.js';
import { readResourceParameter, sameResource } from '../rules/resource-indicators.js';
import { resolveRefreshScopes } from '../rules/scope-rules.js';
import { DEFAULT_CLIENT_GRANT_TYPES, supportedGrantTypes } from '../rules/grant-types.js';
import { TOKEN_GRANT_HANDLERS, type TokenGrantHandler } from './grants/token-grant-handler.js';
import { assertRefreshTokenBinding } from './dpop-token-proofs.service.js';

/** Grant types the token endpoint always serves (OAuth 2.1 §3.2.2); more come from {@link TOKEN_GRANT_HANDLERS}. */
export const SUPPORTED_GRANT_TYPES = ['authorization_code', 'refresh_token'] as const;

const TOKEN_REQUEST_PARAMETERS = [
  'grant_type',
  'code',
  'redirect_uri',
  'code_verifier',
  'refresh_token',
  'scope',
] as const;

/**
 * Runs the grants of the token endpoint for an authenticated client: the
 * authorization code grant (RFC 6749 §4.1.3, RFC 7636 §4.6: S13, S14, S16,
 * S25) and the refresh token grant (RFC 6749 §6: S23, S24, S25). Further
 * grant types (client credentials S67, jwt-bearer S68) are pluggable
 * {@link TokenGrantHandler}s, dispatched by `grant_type`. The provider issues
 * the tokens.
 */
@Injectable()
export class TokenGrantService {
  constructor(
    @Inject(AUTHORIZATION_SERVER_CONFIG) private readonly config: AuthorizationServerConfig,
    @Inject(OAUTH_CLOCK) private readonly clock: Clock,
    private readonly rateLimiter: OAuthRateLimiter,
    @Optional() @Inject(TOKEN_GRANT_HANDLERS) private readonly handlers: readonly TokenGrantHandler[] = [],
  ) {}

  /** Exchanges the grant in `body` for tokens, bound to the DPoP key of `binding` (RFC 9449 §5). */
  async exchange(client: OAuthClientInformation, body: unknown, binding: TokenBinding = {}): Promise<OAuthToken> {
    const params = readParameters(body, TOKEN_REQUEST_PARAMETERS);
    const grantType = params.grant_type;
    if (grantType === undefined) throw new InvalidRequestError('The grant_type parameter is required');
    const supported = supportedGrantTypes(this.config);
    if (!supported.includes(grantType)) {
      throw new UnsupportedGrantTypeError(`Supported grant types: ${supported.join(', ')}`);
    }
    const registered = client.grantTypes ?? DEFAULT_CLIENT_GRANT_TYPES;
    if (!registered.includes(grantType))
      throw new UnauthorizedClientError('The client is not registered for this grant type');
    const resource = readResourceParameter(body, this.config.resource);
    const handler = this.handlers?.find((candidate) => candidate.grantType === grantType);
    if (handler) return handler.exchange(client, { body, scope: params.scope, resource });
    return grantType === 'authorization_code'
      ? this.authorizationCode(client, params, resource, binding)
      : this.refreshToken(client, params, resource, binding);
  }

  private async authorizationCode(
    client: OAuthClientInformation,
    params: Partial<Record<(typeof TOKEN_REQUEST_PARAMETERS)[number], string>>,
    resource: string | undefined,
    binding: TokenBinding,
  ): Promise<OAuthToken> {
    if (params.code === undefined) throw new InvalidRequestError('The code parameter is required');
    const provider = this.config.provider;
    const code = await provider.loadAuthorizationCode(client, params.code);
    if (!code || code.clientId !== client.clientId) throw new InvalidGrantError('The authorization code is invalid');
    if (code.expiresAt <= epochSeconds(this.clock)) throw new InvalidGrantError('The authorization code has expired');
    if (code.redirectUriProvidedExplicitly || params.redirect_uri !== undefined) {
      if (params.redirect_uri !== code.redirectUri) {
        throw new InvalidGrantError('redirect_uri does not match the one of the authorization request');
      }
    }
    if (!verifyS256(params.code_verifier, code.codeChallenge))
      throw new InvalidGrantError('The code_verifier is invalid');
    this.assertResourceGranted(resource, code.resource);
    return provider.exchangeAuthorizationCode(client, code, binding);
  }

  private async refreshToken(
    client: OAuthClientInformation,
    params: Partial<Record<(typeof TOKEN_REQUEST_PARAMETERS)[number], string>>,
    resource: string | undefined,
    binding: TokenBinding,
  ): Promise<OAuthToken> {
    if (params.refresh_token === undefined) throw new InvalidRequestError('The refresh_token parameter is required');
    const provider = this.config.provider;
    const token = await provider.loadRefreshToken(client, params.refresh_token);
    if (!token || token.clientId !== client.clientId) throw new InvalidGrantError('The refresh token is invalid');
    assertRefreshTokenBinding(token, binding);
    const grantId = (token as { grantId?: unknown }).grantId;
    await this.rateLimiter.consumeGrant(typeof grantId === 'string' ? grantId : params.refresh_token);
    if (token.expiresAt !== undefined && token.expiresAt <= epochSeconds(this.clock)) {
      throw new InvalidGrantError('The refresh token has expired');
    }
    const scopes = resolveRefreshScopes(token.scopes, params.scope, this.config.scopeHierarchy);
    this.assertResourceGranted(resource, token.resource);
    return provider.exchangeRefreshToken(client, token, scopes, resource ?? token.resource, binding);
  }

  private assertResourceGranted(requested: string | undefined, granted: string | undefined): void {
    if (requested !== undefined && granted !== undefined && !sameResource(requested, granted)) {
      throw new InvalidTargetError('The resource was not authorized for this grant');
    }
  }
}

/** The RFC 6749 §5.1 token response body. */
export function renderTokenResponse(token: OAuthToken): Record<string, unknown> {
  const body: Record<string, unknown> = {
    access_token: token.accessToken,
    token_type: token.tokenType === 'DPoP' ? 'DPoP' : 'Bearer',
  };
  if (token.expiresIn !== undefined) body.expires_in = token.expiresIn;
  if (token.scope !== undefined) body.scope = token.scope;
  if (token.refreshToken !== undefined) body.refresh_token = token.refreshToken;
  return body;
}

import type { AccessToken } from '../interfaces/oauth-models.js';
import type { OAuthAuthorizationServerProvider } from '../interfaces/oauth-provider.interface.js';
import type { TokenVerifier } from '../interfaces/token-verifier.interface.js';

/**
 * A {@link TokenVerifier} backed by the provider's `loadAccessToken`, as the
 * Python SDK's `ProviderTokenVerifier`. Used automatically in
 * authorization-server mode.
 */
export class ProviderTokenVerifier implements TokenVerifier {
  constructor(
    private readonly provider: Pick<OAuthAuthorizationServerProvider, 'loadAccessToken' | 'onInsufficientScope'>,
  ) {}

  verifyToken(token: string): Promise<AccessToken | undefined> {
    return this.provider.loadAccessToken(token);
  }

  /** Passes the guard's 403 `insufficient_scope` on to the provider (S63), when it listens. */
  async onInsufficientScope(accessToken: AccessToken, requiredScopes: string[]): Promise<void> {
    await this.provider.onInsufficientScope?.(accessToken, requiredScopes);
  }
}

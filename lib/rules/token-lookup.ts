import type { AccessToken, OAuthClientInformation, RefreshToken } from '../interfaces/oauth-models.js';
import type { OAuthAuthorizationServerProvider } from '../interfaces/oauth-provider.interface.js';

/** A token found for revocation or introspection. */
export type FoundToken = { type: 'access_token'; token: AccessToken } | { type: 'refresh_token'; token: RefreshToken };

/**
 * Looks a presented token up as an access token and as a refresh token of
 * `client`, trying the `token_type_hint` first (RFC 7009 §2.1, RFC 7662 §2.1).
 * Unknown hints are ignored.
 */
export async function findToken(
  provider: OAuthAuthorizationServerProvider<any, any, any>,
  client: OAuthClientInformation,
  value: string,
  hint: string | undefined,
): Promise<FoundToken | undefined> {
  const asAccess = async (): Promise<FoundToken | undefined> => {
    const token = await provider.loadAccessToken(value);
    return token ? { type: 'access_token', token } : undefined;
  };
  const asRefresh = async (): Promise<FoundToken | undefined> => {
    const token = await provider.loadRefreshToken(client, value);
    return token ? { type: 'refresh_token', token } : undefined;
  };
  const order = hint === 'refresh_token' ? [asRefresh, asAccess] : [asAccess, asRefresh];
  for (const lookup of order) {
    const found = await lookup();
    if (found) return found;
  }
  return undefined;
}

import type { AccessToken, AuthorizationCode, RefreshToken } from '../interfaces/oauth-models.js';

/** An authorization code of {@link DefaultOAuthProvider}: bound to the grant it starts (S11). */
export interface DefaultAuthorizationCode extends AuthorizationCode {
  grantId: string;
  subject: string;
}

/** A refresh token of {@link DefaultOAuthProvider}. `scopes` are the grant's scopes (the ceiling of a refresh). */
export interface DefaultRefreshToken extends RefreshToken {
  grantId: string;
  subject: string;
}

/** A verified access token of {@link DefaultOAuthProvider} (RFC 9068 claims in `claims`). */
export interface DefaultAccessToken extends AccessToken {
  jti: string;
  grantId: string;
  claims: Record<string, unknown>;
}

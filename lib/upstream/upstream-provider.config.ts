/** The identity an upstream provider vouched for, before it is mapped to our subject. */
export interface UpstreamProfile {
  /** The upstream's stable user id (OIDC `sub`, GitHub numeric `id`). */
  sub: string;
  name?: string;
  email?: string;
  /** Every claim the upstream returned (ID token claims, userinfo or profile JSON). */
  claims: Record<string, unknown>;
}

/** Tokens issued by an upstream provider; kept server-side only, never given to MCP clients. */
export interface UpstreamTokenSet {
  accessToken: string;
  tokenType?: string;
  refreshToken?: string;
  /** Epoch ms; absent when the upstream gave no `expires_in`. */
  expiresAtMs?: number;
  scope?: string;
}

/** Reads the signed-in user from a plain OAuth 2.0 upstream (which has no ID token). */
export type UpstreamProfileLoader = (context: {
  accessToken: string;
  /** GET a JSON resource with the upstream access token (bounded by the login's timeout). */
  fetchJson: (url: string) => Promise<unknown>;
}) => Promise<UpstreamProfile>;

/** What every upstream configuration has. */
interface UpstreamBaseConfig {
  /** Button label on the login page. @default the configured name */
  displayName?: string;
  /** Client id registered at the upstream. */
  clientId: string;
  /** Client secret registered at the upstream (confidential client). */
  clientSecret?: string;
  /**
   * Client authentication at the upstream token endpoint (RFC 6749 §2.3).
   * @default 'client_secret_post' with a secret, 'none' without
   */
  tokenEndpointAuthMethod?: 'client_secret_post' | 'client_secret_basic' | 'none';
  /** Scopes requested upstream. */
  scopes: string[];
  /** Extra authorization request parameters (for example `{ prompt: 'select_account' }`). */
  authorizationParams?: Record<string, string>;
}

/**
 * An OpenID Connect provider found through discovery (OpenID Connect
 * Discovery 1.0, RFC 8414) at `issuer`. The user comes from the ID token,
 * whose `nonce` is checked.
 */
export interface OidcUpstreamConfig extends UpstreamBaseConfig {
  type: 'oidc';
  /** Issuer identifier URL (https, or http on loopback for development). */
  issuer: string;
  /** Also read the userinfo endpoint (OIDC Core §5.3) and merge its claims. @default false */
  fetchUserInfo?: boolean;
}

/** A plain OAuth 2.0 provider (for example GitHub): explicit endpoints and a profile loader. */
export interface OAuth2UpstreamConfig extends UpstreamBaseConfig {
  type: 'oauth2';
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** The upstream's issuer identifier, when it has one (checked as RFC 9207 `iss` if it sends it). */
  issuer?: string;
  profile: UpstreamProfileLoader;
}

/** One upstream identity provider. */
export type UpstreamProviderConfig = OidcUpstreamConfig | OAuth2UpstreamConfig;

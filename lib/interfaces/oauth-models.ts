/**
 * Data models shared by the provider protocol, the endpoints and the guard.
 *
 * TypeScript names are camelCase; the wire names (snake_case, as the RFCs spell
 * them) are produced only by the controllers that render responses.
 */

/** How a client authenticates at the token, revocation and introspection endpoints (RFC 7591 §2, RFC 7523 §2.2). */
export type TokenEndpointAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/** A JSON Web Key Set (RFC 7517 §5) of PUBLIC keys, as a client registers it in `jwks`. */
export interface ClientJsonWebKeySet {
  keys: Record<string, unknown>[];
}

/**
 * Client metadata as registered (RFC 7591 §2), camelCase.
 * Unknown wire fields are dropped by the registration endpoint.
 */
export interface OAuthClientMetadata {
  /** Exact redirect URIs (RFC 6749 §3.1.2). At least one. */
  redirectUris: string[];
  /** @default 'client_secret_basic' per RFC 7591, but MCP clients normally register 'none'. */
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** @default ['authorization_code', 'refresh_token'] */
  grantTypes: string[];
  /** @default ['code'] */
  responseTypes: string[];
  /** Space-separated scopes the client asked for at registration. */
  scope?: string;
  clientName?: string;
  clientUri?: string;
  logoUri?: string;
  contacts?: string[];
  tosUri?: string;
  policyUri?: string;
  /** URL of the client's public key set (RFC 7591 §2), for `private_key_jwt` (RFC 7523 §2.2). Not with `jwks`. */
  jwksUri?: string;
  /** The client's public key set by value (RFC 7591 §2). Not with `jwksUri`. */
  jwks?: ClientJsonWebKeySet;
  /** The one JWS `alg` the client signs its assertions with (OpenID Connect Registration §2). */
  tokenEndpointAuthSigningAlg?: string;
  softwareId?: string;
  softwareVersion?: string;
  /** RFC 7591 / OIDC Registration: 'web' (default) or 'native'. Native clients may use loopback http redirects. */
  applicationType?: 'web' | 'native';
  /**
   * Set by the operator on a client it registered itself (never by `/register`
   * or a Client ID Metadata Document): its redirect URIs are trusted, so an
   * authorization request refused before the user signed in is answered with
   * an immediate error redirect (RFC 6749 §4.1.2.1, S20). Without it the error
   * is shown on a page and nobody is sent to the client's site before signing
   * in (RFC 9700 §4.11.2, S52).
   * @default false
   */
  trustedRedirectUris?: boolean;
}

/**
 * A registered client (RFC 7591 §3.2.1).
 *
 * `clientSecret` is what the provider keeps: the built-in provider keeps a hash
 * (never the plain secret) and exposes verification through
 * {@link OAuthAuthorizationServerProvider.verifyClientSecret}.
 */
export interface OAuthClientInformation extends OAuthClientMetadata {
  clientId: string;
  /** Plain secret (only at registration time, to return it once) or a stored hash, provider-defined. */
  clientSecret?: string;
  /** Seconds since epoch. */
  clientIdIssuedAt?: number;
  /** Seconds since epoch; 0 means the secret never expires (RFC 7591 §3.2.1). */
  clientSecretExpiresAt?: number;
}

/** What `/authorize` validated and hands to {@link OAuthAuthorizationServerProvider.authorize}. */
export interface AuthorizationParams {
  /** Opaque client value, returned unchanged (RFC 6749 §4.1.1). */
  state?: string;
  /** Requested scopes after the scope policy was applied. */
  scopes: string[];
  /** PKCE S256 challenge (RFC 7636 §4.2). */
  codeChallenge: string;
  /** The redirect URI the response goes to. */
  redirectUri: string;
  /** Whether the request carried `redirect_uri` (it must then be repeated at `/token`, RFC 6749 §4.1.3). */
  redirectUriProvidedExplicitly: boolean;
  /** RFC 8707 resource indicator (the canonical MCP URI). */
  resource?: string;
}

/** An authorization code as the provider stores it (RFC 6749 §4.1.2). */
export interface AuthorizationCode {
  code: string;
  scopes: string[];
  /** Seconds since epoch. */
  expiresAt: number;
  clientId: string;
  codeChallenge: string;
  redirectUri: string;
  redirectUriProvidedExplicitly: boolean;
  resource?: string;
  /** The resource owner who approved. */
  subject?: string;
}

/** A refresh token as the provider stores it. */
export interface RefreshToken {
  token: string;
  clientId: string;
  scopes: string[];
  /** Seconds since epoch; undefined means no expiry. */
  expiresAt?: number;
  resource?: string;
  subject?: string;
}

/** A verified access token: who is calling, for which client and resource, with which scopes. */
export interface AccessToken {
  /** The bearer token itself. Never logged, never forwarded. */
  token: string;
  clientId: string;
  scopes: string[];
  /** Seconds since epoch; undefined means no expiry. */
  expiresAt?: number;
  /** Audience (RFC 8707 / RFC 9068 `aud`). */
  resource?: string | string[];
  /** End user (`sub`); for a machine caller, the client itself (RFC 9068 §2.2). */
  subject?: string;
  /**
   * Whether `subject` is a user or a machine (the client itself, client
   * credentials grant, S67). Tokens of the built-in server carry it in the
   * `subject_type` claim (`"user"` or `"machine"`); JWT and introspection
   * verifiers read the same claim. `undefined` when the token does not say.
   */
  subjectType?: SubjectType;
  /** Issuer (`iss`) when known. */
  issuer?: string;
  /** Every claim of the token (JWT) or introspection response. */
  claims?: Record<string, unknown>;
  /**
   * Reads the upstream identity provider's access token stored server-side
   * for this token's grant (refreshed when expired); set by
   * `DefaultOAuthProvider` when its `UpstreamLogin` stores tokens.
   */
  upstreamToken?: (upstreamName: string) => Promise<string | undefined>;
}

/** Who an access token speaks for: a user, or a machine (the client itself, S67). */
export type SubjectType = 'user' | 'machine';

/**
 * A token request the endpoint fully checked for a grant without a prior
 * authorization (client credentials, S67; jwt-bearer with an ID-JAG, S68),
 * handed to {@link OAuthAuthorizationServerProvider.issueTokenForSubject}.
 */
export interface SubjectTokenRequest {
  /** The grant type (`client_credentials` or `urn:ietf:params:oauth:grant-type:jwt-bearer`). */
  grantType: string;
  /** The token's `sub`: the client id for a machine, the mapped local user for an ID-JAG. */
  subject: string;
  subjectType: SubjectType;
  /** The granted scopes (already checked against the client's allowed set). */
  scopes: string[];
  /** The audience: the canonical MCP URI (RFC 8707). */
  resource: string;
  /** For jwt-bearer: the identity provider that issued the assertion (`iss`). */
  assertionIssuer?: string;
}

/** A successful token response (RFC 6749 §5.1), camelCase. */
export interface OAuthToken {
  accessToken: string;
  tokenType: 'Bearer';
  /** Lifetime of the access token in seconds. */
  expiresIn?: number;
  /** Space-separated granted scopes. */
  scope?: string;
  refreshToken?: string;
}

import type { McpAuthSettings } from './mcp-auth-settings.interface.js';
import type {
  AccessToken,
  AuthorizationCode,
  AuthorizationParams,
  OAuthClientInformation,
  OAuthToken,
  RefreshToken,
  SubjectTokenRequest,
  TokenBinding,
} from './oauth-models.js';

/** How a client reached {@link OAuthAuthorizationServerProvider.registerClient}. */
export interface ClientRegistrationContext {
  /** Registered through the dynamic registration endpoint (RFC 7591), not by the operator. */
  dynamic?: boolean;
}

/**
 * The authorization-server provider protocol, the TypeScript form of the MCP
 * Python SDK's `OAuthAuthorizationServerProvider`.
 *
 * The endpoints do every protocol check (input validation, PKCE, redirect-URI
 * and client binding, scope policy, client authentication); the provider owns
 * storage and issuance. Methods may throw an `OAuthError` (for example
 * `InvalidGrantError`) which is rendered as is; any other exception becomes
 * `server_error` without leaking its message.
 *
 * @typeParam TCode - the stored authorization-code type
 * @typeParam TRefresh - the stored refresh-token type
 * @typeParam TAccess - the verified access-token type
 */
export interface OAuthAuthorizationServerProvider<
  TCode extends AuthorizationCode = AuthorizationCode,
  TRefresh extends RefreshToken = RefreshToken,
  TAccess extends AccessToken = AccessToken,
> {
  /**
   * Called once at startup with the resolved configuration (issuer, resource,
   * endpoint URLs), so the provider need not repeat them in its own options.
   * An implementation may declare its parameter as `McpAuthConfig`: that is
   * what it receives.
   */
  initialize?(config: McpAuthSettings): void | Promise<void>;

  /** Looks a client up by id; `undefined` when unknown. */
  getClient(clientId: string): Promise<OAuthClientInformation | undefined>;

  /**
   * Stores a newly registered client (RFC 7591). `client.clientSecret`, when
   * present, is the plain secret to be returned once; the provider should
   * store only a hash of it. `context.dynamic` is true when the client came
   * through the registration endpoint (anyone may have sent it): such a
   * client should expire unless it completes an authorization (S57).
   */
  registerClient(client: OAuthClientInformation, context?: ClientRegistrationContext): Promise<void>;

  /**
   * Verifies a presented client secret (RFC 6749 §2.3.1) in constant time.
   * Optional: when absent, the endpoints compare against `client.clientSecret`
   * in constant time (plain secrets at rest: discouraged).
   */
  verifyClientSecret?(client: OAuthClientInformation, presentedSecret: string): Promise<boolean>;

  /**
   * Remembers a one-time identifier (the `jti` of a `private_key_jwt` client
   * assertion, RFC 7523 §3 item 7): `true` the first time `namespace` + `id` is
   * seen, `false` while remembered (until `expiresAtMs`). Implement it on a store
   * shared by every instance. Optional: when absent, the endpoints remember
   * identifiers in process memory (one instance only).
   */
  markUsedOnce?(namespace: string, id: string, expiresAtMs: number): Promise<boolean>;

  /**
   * Starts the user-facing part of an authorization request after `/authorize`
   * validated it. Returns the URL the user agent is sent to (a login or consent
   * page, or directly the client's redirect URI with a code).
   */
  authorize(client: OAuthClientInformation, params: AuthorizationParams): Promise<string>;

  /** Loads a code issued to `client`; `undefined` when unknown, expired or issued to another client. */
  loadAuthorizationCode(client: OAuthClientInformation, authorizationCode: string): Promise<TCode | undefined>;

  /**
   * Redeems a code. MUST consume it atomically (RFC 6749 §4.1.2: single use):
   * of concurrent calls with one code, exactly one succeeds; the others throw
   * `InvalidGrantError`. With `binding.dpopJkt` (RFC 9449 §5), bind the access
   * token (`cnf.jkt`, `tokenType: 'DPoP'`) and, for a public client, the refresh
   * token (returned as `dpopJkt` by {@link loadRefreshToken}).
   */
  exchangeAuthorizationCode(
    client: OAuthClientInformation,
    authorizationCode: TCode,
    binding?: TokenBinding,
  ): Promise<OAuthToken>;

  /** Loads a refresh token issued to `client`; `undefined` when unknown, expired or revoked. */
  loadRefreshToken(client: OAuthClientInformation, refreshToken: string): Promise<TRefresh | undefined>;

  /**
   * Exchanges a refresh token (RFC 6749 §6) for new tokens with `scopes`
   * (a subset of the granted scopes, already checked). Should rotate the
   * refresh token atomically (OAuth 2.1 §4.3.1). A bound refresh token
   * (`dpopJkt`) was already checked against `binding.dpopJkt`; bind the new
   * tokens as {@link exchangeAuthorizationCode} does (RFC 9449 §5).
   */
  exchangeRefreshToken(
    client: OAuthClientInformation,
    refreshToken: TRefresh,
    scopes: string[],
    resource?: string,
    binding?: TokenBinding,
  ): Promise<OAuthToken>;

  /**
   * Issues an access token for a grant that has no prior authorization: the
   * client credentials grant (RFC 6749 §4.4, S67: the subject is the client,
   * `subjectType` `machine`) and the jwt-bearer grant with an ID-JAG (RFC 7523
   * §2.1, S68: the subject is the mapped user). The endpoint has checked the
   * client, the grant and the scopes; the token must carry `request.resource`
   * as its audience and `request.subjectType` so verifiers can tell (see
   * `AccessToken.subjectType`). MUST NOT return a refresh token. Optional:
   * without it neither grant can be switched on.
   */
  issueTokenForSubject?(client: OAuthClientInformation, request: SubjectTokenRequest): Promise<OAuthToken>;

  /** Resolves a bearer token; `undefined` when unknown, revoked or invalid. */
  loadAccessToken(token: string): Promise<TAccess | undefined>;

  /**
   * Optional: the resource server answered 403 `insufficient_scope` for
   * `accessToken` (RFC 6750 §3.1). A provider may then refuse refreshes of its
   * grant for a while, so that clients which refresh instead of re-authorizing
   * ask the user for the wider scope (S63).
   */
  onInsufficientScope?(accessToken: TAccess, requiredScopes: string[]): Promise<void>;

  /** Revokes a token (RFC 7009); revoking a refresh token should revoke its grant's access tokens. */
  revokeToken(token: TAccess | TRefresh): Promise<void>;

  /**
   * The public keys that verify this provider's JWT access tokens (RFC 7517).
   * When present, the module serves them at the JWKS endpoint and advertises
   * `jwks_uri` in the authorization-server metadata.
   */
  getJsonWebKeySet?(): Promise<{ keys: Record<string, unknown>[] }>;
}

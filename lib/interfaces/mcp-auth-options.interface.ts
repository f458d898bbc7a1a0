import type { PageBrandingOptions } from '../services/page-appearance-options.js';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { McpAuthEventListener } from '../events/mcp-auth-events.js';
import type { OAuthAuthorizationServerProvider } from './oauth-provider.interface.js';
import type { TokenVerifier } from './token-verifier.interface.js';
import type { ClientIdMetadataDocumentOptions } from '../cimd/index.js';
import type { ScopeHierarchyDeclaration } from '../rules/scope-rules.js';
import type { ClientRegistrationPolicy } from './client-registration-policy.interface.js';
import type { PrivateKeyJwtOptions } from '../services/private-key-jwt-options.js';
import type { ClientCredentialsOptions } from '../services/client-credentials-options.js';
import type { EnterpriseManagedAuthorizationOptions } from '../services/enterprise-authorization-options.js';
import type { DpopOptions } from '../services/dpop-options.js';

/** One rate limit: at most `limit` requests per `ttlSeconds` window per counted key (see {@link RateLimitOptions}). */
export interface RateLimit {
  limit: number;
  ttlSeconds: number;
}

/**
 * Rate limits of the OAuth endpoints and the login form (S36, S55, S62), each
 * `false` to switch it off; `rateLimits: false` switches every one off. Limits
 * count per client (the `client_id` of the request) AND client address, so the
 * users of one hosted client behind a few egress addresses do not lock each
 * other out, and a stranger cannot spend a client's budget from elsewhere; the
 * address alone is only a coarse outer bound (`perAddress`). The address is
 * `req.ip`: set Express's `trust proxy` behind a proxy. See docs/hosted-clients.md
 * for why the defaults are what they are.
 */
export interface RateLimitOptions {
  /** Every OAuth endpoint and the login form together, per address (coarse outer bound). @default 20000 / 15 min */
  perAddress?: RateLimit | false;
  /** `/authorize` per client and address. @default 3000 / 15 min */
  authorize?: RateLimit | false;
  /** `/token` per client and address. @default 6000 / 15 min */
  token?: RateLimit | false;
  /**
   * FAILED `/token` requests (any 4xx answer) per client and address; over it,
   * the client's token requests from that address get 429 until the window ends.
   * @default 100 / 15 min
   */
  tokenFailures?: RateLimit | false;
  /** Refresh-token grants per grant (one user's sign-in). @default 60 / 15 min */
  refreshPerGrant?: RateLimit | false;
  /** `/register` per address (a hosted client registers each of its users). @default 2000 / h */
  register?: RateLimit | false;
  /** `/register` over all addresses together (a cap on stored clients per hour). @default 20000 / h */
  registerGlobal?: RateLimit | false;
  /** `/revoke` per client and address. @default 1000 / 15 min */
  revoke?: RateLimit | false;
  /** `/introspect` per client and address. @default 6000 / 15 min */
  introspect?: RateLimit | false;
  /**
   * Failed password logins per account (S55): over it, 429 with `Retry-After`
   * for that username until the window ends, the same for unknown users.
   * @default 10 / 15 min
   */
  loginFailuresPerAccount?: RateLimit | false;
  /** Failed password logins per address (S55). @default 100 / 15 min */
  loginFailuresPerAddress?: RateLimit | false;
}

/**
 * Dynamic client registration (RFC 7591). MCP authorization 2026-07-28 deprecates it (MAY, kept
 * for clients and servers without Client ID Metadata Documents, which are the SHOULD path).
 */
export interface ClientRegistrationOptions {
  /**
   * `false` turns registration off: no `registration_endpoint` in the metadata and `/register`
   * answers 404. Client ID Metadata Documents and pre-registered clients keep working.
   * @default true when a provider is configured
   */
  enabled?: boolean;
  /**
   * Decides on each registration (allow, refuse with a reason, or adjust the metadata before it is
   * stored), after the built-in checks. @default every valid registration is allowed
   */
  policy?: ClientRegistrationPolicy;
  /** Scopes a client may register; anything else is `invalid_client_metadata`. @default scopesSupported */
  validScopes?: string[];
  /** Scope stored when the client registers none. */
  defaultScopes?: string[];
  /** Lifetime of issued client secrets; undefined means they never expire. */
  clientSecretExpirySeconds?: number;
}

/**
 * Size limits on what a client sends (S57), so that no request can make the
 * server keep much memory: an authorization request is held as a pending
 * interaction for minutes, a registered client for up to a day before its
 * first authorization. Over a limit: `invalid_request` at `/authorize`
 * (shown on a page unless the client's redirect URIs are trusted, S52) and
 * `invalid_client_metadata` / `invalid_redirect_uri` at `/register`.
 */
export interface InputLimitOptions {
  /**
   * Longest `state` at `/authorize`, in UTF-8 bytes. Clients send a random
   * value (SDKs: 32–64 characters) or a small encoded object; 1 KiB leaves
   * room for that and caps a pending interaction's size. @default 1024
   */
  stateBytes?: number;
  /** Longest `scope` at `/authorize`, in bytes. @default 1024 */
  scopeBytes?: number;
  /** Longest `resource` at `/authorize`, in bytes (RFC 8707). @default 2048 */
  resourceBytes?: number;
  /**
   * Longest of every other authorization parameter (`client_id`,
   * `redirect_uri`, `code_challenge`, `nonce`, `login_hint`, `prompt`, …), in
   * bytes. @default 2048
   */
  otherAuthorizationParameterBytes?: number;
  /** Most `redirect_uris` in a registration. @default 20 */
  registrationRedirectUris?: number;
  /** Most `contacts` in a registration. @default 10 */
  registrationContacts?: number;
  /**
   * Longest string anywhere in a registration (each redirect URI, contact,
   * URL, name), in bytes; the DTO keeps tighter limits where it has them
   * (`client_name` 200). @default 2048
   */
  registrationStringBytes?: number;
  /** Largest registration document (its JSON), in bytes. @default 16384 */
  registrationDocumentBytes?: number;
}

/**
 * Token introspection (RFC 7662 §2.1, S59). Callers authenticate as a
 * confidential client (a public client, auth method `none`, gets 401
 * `invalid_client`). A client learns only about tokens issued to itself,
 * except the resource servers listed here, which may introspect any token.
 */
export interface IntrospectionOptions {
  /** @default true when a provider is configured */
  enabled?: boolean;
  /**
   * Client ids of confidential clients that act as resource servers (RFC 7662
   * §2.1 "protected resource"): they may introspect tokens of every client.
   * Register them with a secret (`client_secret_basic` / `client_secret_post`).
   * @default [] (every client sees only its own tokens)
   */
  resourceServers?: string[];
}

/**
 * Options of {@link McpAuthModule}.
 *
 * Two modes: give a `provider` (authorization server + resource server) or a
 * `tokenVerifier` with `authorizationServers` (resource server only). Giving
 * both fails at startup.
 */
export interface McpAuthModuleOptions {
  /**
   * The authorization server's issuer identifier (RFC 8414 §2): https, or
   * http on a loopback host for development (S48). No query or fragment. Its
   * path, if any, prefixes every endpoint. Required with `provider`.
   */
  issuerUrl?: string;
  /**
   * The canonical URI of the MCP server (RFC 8707 §2, RFC 9728 §1.2), for
   * example `https://host/mcp`. Kept exactly as given: it is the token
   * audience and the `resource` of the protected-resource metadata.
   */
  resourceServerUrl: string;
  /** The authorization-server provider (authorization-server mode). */
  provider?: OAuthAuthorizationServerProvider<any, any, any>;
  /** Verifies tokens issued elsewhere (resource-server-only mode). */
  tokenVerifier?: TokenVerifier;
  /** Issuers listed in the protected-resource metadata. @default [issuerUrl] */
  authorizationServers?: string[];
  /** Scopes the server knows (`scopes_supported`). Requests for others get `invalid_scope`. */
  scopesSupported?: string[];
  /**
   * Scope hierarchy (MCP authorization 2026-07-28: servers account for scope hierarchies, S64):
   * each key is a broader scope that satisfies the scopes it lists, transitively, e.g.
   * `{ notes: ['notes:read', 'notes:write'], admin: ['*'] }` (`'*'` = every scope of
   * `scopesSupported`; nothing may imply such a scope). Applies to the guard, per-tool scopes,
   * `@RequireScopes`, `AuthContext.hasScope`, refresh down-scoping and the consent page; 403
   * challenges still name the minimal scopes an operation needs. Every name must be in
   * `scopesSupported`; unknown names and cycles fail at startup. @default none (exact match)
   */
  scopeHierarchy?: ScopeHierarchyDeclaration;
  /** Scopes every guarded route needs, in addition to `@RequireScopes`. @default [] */
  requiredScopes?: string[];
  /** Scopes granted when an authorization request names none. @default requiredScopes, else scopesSupported */
  defaultScopes?: string[];
  /** Cap authorization requests by the client's registered `scope`. @default false (MCP clients step up later) */
  enforceRegisteredClientScope?: boolean;
  /** Dynamic client registration. */
  clientRegistration?: ClientRegistrationOptions;
  /**
   * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document): an https URL
   * as `client_id`, whose JSON document describes the client (S40–S42). @default { enabled: false }
   */
  clientIdMetadataDocuments?: ClientIdMetadataDocumentOptions;
  /**
   * `private_key_jwt` client authentication (RFC 7523 §2.2, S65) at the token, revocation
   * and introspection endpoints. @default { enabled: true } with a provider
   */
  privateKeyJwt?: PrivateKeyJwtOptions;
  /**
   * The client credentials grant for machine clients the application registers (S67).
   * Needs a provider implementing `issueTokenForSubject` (`DefaultOAuthProvider` does).
   * @default { enabled: false }
   */
  clientCredentials?: ClientCredentialsOptions;
  /**
   * Enterprise-managed authorization (S68): ID-JAGs from trusted identity providers
   * exchanged with the jwt-bearer grant (RFC 7523 §2.1). Needs a provider implementing
   * `issueTokenForSubject`. @default off
   */
  enterpriseManagedAuthorization?: EnterpriseManagedAuthorizationOptions;
  /**
   * DPoP sender-constrained tokens (RFC 9449, S69): binding at the token endpoint,
   * the `DPoP` scheme at the guard, optional server nonces. @default { enabled: true }
   */
  dpop?: DpopOptions;
  /** Token revocation endpoint (RFC 7009). @default { enabled: true } with a provider */
  revocation?: { enabled?: boolean };
  /** Token introspection endpoint (RFC 7662). @default { enabled: true } with a provider */
  introspection?: IntrospectionOptions;
  /** Size limits on authorization parameters and registration metadata (S57). */
  inputLimits?: InputLimitOptions;
  /** Rate limits per client, address, grant and account (S36, S55, S62), or `false` for none. */
  rateLimits?: RateLimitOptions | false;
  /**
   * Where rate-limit counters live: any `@nestjs/throttler` `ThrottlerStorage`.
   * Give a `RedisThrottlerStorage` so several instances share one count per
   * client, address, grant and account (S36, S62). @default an in-memory storage per instance
   */
  rateLimitStorage?: ThrottlerStorage;
  /** Leeway for `exp`/`nbf`/`iat` checks, in seconds (S3). @default 5 */
  clockSkewSeconds?: number;
  /** Largest request body accepted on OAuth endpoints, in bytes (S38). @default 65536 */
  bodyLimitBytes?: number;
  /**
   * Deepest nesting of arrays/objects accepted in a JSON request body, on the
   * OAuth endpoints and in the MCP request body the guard reads; deeper is 400
   * `invalid_request` (S58). @default 32
   */
  jsonMaxDepth?: number;
  /**
   * Largest MCP request body the guard reads itself when no body parser read it
   * (a `Content-Type` the parser skipped, or no parser mounted), in bytes; larger is
   * 413 (S51). Bodies a parser read are bounded by that parser. @default 4194304
   * (the MCP SDK transport's own limit)
   */
  mcpBodyLimitBytes?: number;
  /**
   * Human-readable name of the protected resource (RFC 9728 `resource_name`);
   * also the server name on the built-in login and consent pages (default: the issuer's host).
   */
  resourceName?: string;
  /**
   * One sentence per scope, shown with the raw scope name on the consent page,
   * e.g. `{ 'notes:read': 'Read your notes' }`. Every key must be in
   * `scopesSupported` (checked at startup).
   */
  scopeDescriptions?: Record<string, string>;
  /**
   * Optional branding of the built-in pages: an https `logoUrl` (only its origin
   * is added to the CSP `img-src`) and a `primaryColor` as a CSS hex colour.
   */
  branding?: PageBrandingOptions;
  /** `service_documentation` in the metadata documents. */
  serviceDocumentationUrl?: string;
  /**
   * Publish the verified identity in AsyncLocalStorage for `getAccessToken()`,
   * `AuthContext.current()` and the call-time check of `@RequireScopes` on service
   * methods. On Node 20 the first AsyncLocalStorage use turns on async hooks for
   * the whole process, which costs throughput on every request (see
   * BENCHMARKS.md); set `false` when you read the identity only through the
   * request-scoped `AuthContext`, `@CurrentAuth()` or `req.auth`. Then the
   * call-time checks are skipped (the guard still enforces per-tool scopes
   * before a tool runs) and `getAccessToken()` returns `undefined`.
   * @default true
   */
  asyncContext?: boolean;
  /** Realm in `WWW-Authenticate` challenges. Omitted by default. */
  realm?: string;
  /**
   * Receives typed events: client registered, consent given, tokens issued,
   * refresh reuse detected, grant revoked, login failed, step-up challenged
   * (`McpAuthEvent`). Events never carry a token, code or secret (S46);
   * a listener that throws never breaks a request. With `@nestjs/event-emitter`:
   * `onEvent: (event) => eventEmitter.emit(event.type, event)` (in `forRootAsync`,
   * inject `EventEmitter2`).
   */
  onEvent?: McpAuthEventListener;
}

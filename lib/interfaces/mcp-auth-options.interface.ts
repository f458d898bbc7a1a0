import type { ThrottlerStorage } from '@nestjs/throttler';
import type { McpAuthEventListener } from '../events/mcp-auth-events.js';
import type { OAuthAuthorizationServerProvider } from './oauth-provider.interface.js';
import type { TokenVerifier } from './token-verifier.interface.js';
import type { ClientIdMetadataDocumentOptions } from '../cimd/index.js';
import type { PrivateKeyJwtOptions } from '../services/private-key-jwt-options.js';

/** One rate limit: at most `limit` requests per `ttlSeconds` window per client address. */
export interface RateLimit {
  limit: number;
  ttlSeconds: number;
}

/**
 * Per-endpoint rate limits (S36). `false` switches every limit off.
 * @default authorize 100/15 min, token 50/15 min, register 20/h, revoke 50/15 min
 */
export interface RateLimitOptions {
  authorize?: RateLimit | false;
  token?: RateLimit | false;
  register?: RateLimit | false;
  revoke?: RateLimit | false;
}

/** Dynamic client registration (RFC 7591). */
export interface ClientRegistrationOptions {
  /** @default true when a provider is configured */
  enabled?: boolean;
  /** Scopes a client may register; anything else is `invalid_client_metadata`. @default scopesSupported */
  validScopes?: string[];
  /** Scope stored when the client registers none. */
  defaultScopes?: string[];
  /** Lifetime of issued client secrets; undefined means they never expire. */
  clientSecretExpirySeconds?: number;
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
  /** Token revocation endpoint (RFC 7009). @default { enabled: true } with a provider */
  revocation?: { enabled?: boolean };
  /** Token introspection endpoint (RFC 7662), client-authenticated. @default { enabled: true } with a provider */
  introspection?: { enabled?: boolean };
  /** Rate limits per endpoint, or `false` for none. */
  rateLimits?: RateLimitOptions | false;
  /**
   * Where rate-limit counters live: any `@nestjs/throttler` `ThrottlerStorage`.
   * Give a `RedisThrottlerStorage` so several instances share one count per
   * client address (S36). @default an in-memory storage per instance
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
  /** Human-readable name of the protected resource (RFC 9728 `resource_name`). */
  resourceName?: string;
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

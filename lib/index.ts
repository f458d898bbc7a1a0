/**
 * The public API of `nestjs-mcp-auth`: what applications import. Everything
 * else is internal and may change in any release. The list is pinned by
 * `test/architecture/public-api.spec.ts` and listed in docs/public-api.md.
 */

// Module and configuration.
export { McpAuthModule } from './mcp-auth.module.js';
export type { McpAuthModuleExtras } from './mcp-auth.module-definition.js';
export { MCP_AUTH_CONFIG } from './mcp-auth.constants.js';
export { resolveMcpAuthConfig } from './services/mcp-auth-config.factory.js';
export { McpAuthConfigurationError } from './errors/mcp-auth-configuration-error.js';
export type {
  McpAuthModuleOptions,
  ClientRegistrationOptions,
  IntrospectionOptions,
} from './interfaces/mcp-auth-options.interface.js';
export type { RateLimit, RateLimitOptions, InputLimitOptions } from './interfaces/limit-options.interface.js';
export type {
  McpAuthConfig,
  AuthorizationServerConfig,
  ResourceServerConfig,
} from './interfaces/mcp-auth-config.interface.js';
export type {
  ClientRegistrationPolicy,
  ClientRegistrationMetadata,
  ClientRegistrationRequestContext,
  ClientRegistrationDecision,
} from './interfaces/client-registration-policy.interface.js';
export type { PrivateKeyJwtOptions } from './interfaces/private-key-jwt-options.interface.js';
export type { ScopeHierarchyDeclaration } from './rules/scope-rules.js';
export type { PageBrandingOptions } from './interfaces/page-options.interface.js';
export {
  AUTHORIZATION_SERVER_METADATA_EXTENSIONS,
  type AuthorizationServerMetadataExtension,
} from './rules/authorization-server-metadata.js';

// Guard, decorators and the caller's identity.
export { BearerAuthGuard } from './guards/bearer-auth.guard.js';
export { RequireScopes } from './decorators/require-scopes.decorator.js';
export { Public } from './decorators/public.decorator.js';
export { NotMcpEndpoint } from './decorators/not-mcp-endpoint.decorator.js';
export { McpToolName } from './decorators/mcp-tool-name.decorator.js';
export { CurrentAuth } from './decorators/current-auth.decorator.js';
export { AuthContext } from './context/auth-context.js';
export { getAccessToken } from './context/auth-storage.js';

// Per-tool scopes.
export { ToolScopeRegistry } from './services/tool-scope-registry.js';
export { filterToolsByScopes, type ToolScopeLookup } from './rules/filter-tools-by-scopes.js';

// Resource URIs (RFC 8707, S60).
export { canonicalResourceUri, sameResource } from './rules/resource-uri.js';

// The provider protocol and its models.
export type {
  OAuthAuthorizationServerProvider,
  ClientRegistrationContext,
} from './interfaces/oauth-provider.interface.js';
export type {
  TokenEndpointAuthMethod,
  ClientJsonWebKeySet,
  OAuthClientMetadata,
  OAuthClientInformation,
  AuthorizationParams,
  AuthorizationCode,
  RefreshToken,
  AccessToken,
  OAuthToken,
  SubjectType,
  SubjectTokenRequest,
  AccessTokenConfirmation,
  TokenBinding,
} from './interfaces/oauth-models.js';

// The built-in authorization server.
export { DefaultOAuthProvider } from './provider/default-oauth-provider.js';
export type {
  DefaultAuthorizationCode,
  DefaultRefreshToken,
  DefaultAccessToken,
} from './provider/default-oauth-provider.models.js';
export type { DefaultOAuthProviderOptions, ProviderLifetimes } from './provider/default-oauth-provider.options.js';
export type {
  AuthenticatedUser,
  AuthenticateHook,
  PasswordCheck,
  StaticUsers,
} from './provider/user-authentication.js';
export type { SigningAlgorithm, KeyMaterial, SigningKeyInput } from './provider/signing-keys.js';
export type { Clock } from './rules/clock.js';

// Stores: the contract, its errors, memory, Redis, PostgreSQL.
export type {
  OAuthStore,
  StoredClient,
  InteractionRecord,
  UpstreamLoginRecord,
  UpstreamFlowRecord,
  UpstreamFlowLookup,
  UpstreamTokenRecord,
  AuthorizationCodeRecord,
  AuthorizationCodeLookup,
  GrantRecord,
  RefreshTokenRecord,
  RefreshTokenLookup,
  RotatedRefreshToken,
  ConsentRecord,
  SessionRecord,
} from './stores/oauth-store.interface.js';
export { StorageUnavailableError } from './errors/storage-errors.js';
export { MemoryOAuthStore, type MemoryOAuthStoreOptions } from './stores/memory-oauth-store.js';
export { RedisOAuthStore, type RedisOAuthStoreOptions } from './stores/redis/redis-oauth-store.js';
export { RedisThrottlerStorage, type RedisThrottlerStorageOptions } from './stores/redis/redis-throttler-storage.js';
export { REDIS_FAIL_FAST_OPTIONS } from './stores/redis/redis-availability.js';
export {
  PostgresOAuthStore,
  type PostgresOAuthStoreOptions,
  type PostgresOAuthStoreOpenOptions,
} from './stores/postgres/postgres-oauth-store.js';
export { migrate, PostgresSchemaVersionError, type MigrationResult } from './stores/postgres/postgres-migrate.js';
export { POSTGRES_FAIL_FAST_OPTIONS } from './stores/postgres/postgres-availability.js';

// Operations and events.
export { McpAuthOperations } from './operations/mcp-auth-operations.service.js';
export type * from './events/mcp-auth-events.js';

// Token verifiers (resource-server-only mode).
export type { TokenVerifier } from './interfaces/token-verifier.interface.js';
export { JwksTokenVerifier, type JwksTokenVerifierOptions } from './verifiers/jwks-token-verifier.js';
export {
  IntrospectionTokenVerifier,
  type IntrospectionTokenVerifierOptions,
} from './verifiers/introspection-token-verifier.js';

// OAuth errors (RFC 6749 §5.2, RFC 6750 §3.1, RFC 7591 §3.2.2, RFC 8707).
export {
  type OAuthErrorCode,
  type OAuthErrorBody,
  OAuthError,
  InvalidRequestError,
  InvalidClientError,
  InvalidGrantError,
  UnauthorizedClientError,
  UnsupportedGrantTypeError,
  UnsupportedResponseTypeError,
  UnsupportedTokenTypeError,
  InvalidScopeError,
  InvalidTargetError,
  InvalidTokenError,
  InsufficientScopeError,
  InvalidClientMetadataError,
  InvalidRedirectUriError,
  AccessDeniedError,
  TemporarilyUnavailableError,
  ServerError,
} from './errors/oauth-error.js';

// Client ID Metadata Documents.
export { ClientIdMetadataDocumentResolver } from './cimd/client-id-metadata-document.resolver.js';
export type {
  ClientIdMetadataDocumentOptions,
  MetadataDocumentAuthMethod,
} from './cimd/client-id-metadata-document.options.js';
export {
  MetadataDocumentFetchError,
  type MetadataDocumentFetcher,
  type MetadataDocumentFetchRequest,
  type MetadataDocumentFetchResponse,
} from './cimd/metadata-document-fetcher.js';
export {
  createHttpsMetadataFetcher,
  type HttpsMetadataFetcherOptions,
  type HostResolver,
} from './cimd/https-metadata-fetcher.js';
export {
  isMetadataDocumentClient,
  type MetadataDocumentClient,
  type MetadataDocumentSource,
} from './cimd/metadata-document-client.js';

// Sign-in at upstream identity providers.
export { UpstreamLogin } from './upstream/upstream-login.js';
export type { UpstreamLoginOptions, UpstreamIdentity, UpstreamUserMapper } from './upstream/upstream-login.options.js';
export type * from './upstream/upstream-provider.config.js';
export {
  githubUpstream,
  googleUpstream,
  entraUpstream,
  type UpstreamPresetOptions,
  type EntraUpstreamOptions,
} from './upstream/upstream-presets.js';

// Authorization extensions: client credentials (S67) and enterprise-managed authorization with ID-JAGs (S68).
export type { ClientCredentialsOptions } from './interfaces/client-credentials-options.interface.js';
export type {
  EnterpriseManagedAuthorizationOptions,
  IdentityAssertionSubject,
  IdentityAssertionSubjectMapper,
  TrustedIdentityProvider,
} from './interfaces/enterprise-authorization-options.interface.js';
export { CLIENT_CREDENTIALS_GRANT_TYPE, JWT_BEARER_GRANT_TYPE } from './rules/grant-types.js';
export { ID_JAG_TYPE } from './rules/identity-assertion-grant.js';

// DPoP (S69).
export type { DpopOptions, DpopNonceOptions } from './interfaces/dpop-options.interface.js';

export * from './errors/index.js';
export type * from './interfaces/oauth-models.js';
export type * from './interfaces/oauth-provider.interface.js';
export type * from './interfaces/token-verifier.interface.js';
export type * from './interfaces/mcp-auth-options.interface.js';
export type * from './interfaces/mcp-auth-config.interface.js';
export type * from './interfaces/client-registration-policy.interface.js';
export {
  MCP_AUTH_CONFIG,
  MCP_AUTH_TOKEN_VERIFIER,
  REQUIRED_SCOPES_METADATA,
  PUBLIC_ROUTE_METADATA,
} from './mcp-auth.constants.js';
export { McpAuthModule } from './mcp-auth.module.js';
export { MCP_AUTH_MODULE_OPTIONS, type McpAuthModuleExtras } from './mcp-auth.module-definition.js';
export { McpAuthConfigurationError, resolveMcpAuthConfig } from './services/mcp-auth-config.factory.js';
export { ProviderTokenVerifier } from './verifiers/provider-token-verifier.js';
export * from './cimd/index.js';
export { REQUEST_AUTH_PROPERTY, MCP_TOOL_NAME_METADATA } from './mcp-auth.constants.js';
export { BearerAuthGuard, DEFAULT_VERIFIER_RETRY_AFTER_SECONDS } from './guards/bearer-auth.guard.js';
export { RequireScopes, RequiredScopes } from './decorators/require-scopes.decorator.js';
export { Public, PublicRoute } from './decorators/public.decorator.js';
export { NotMcpEndpoint } from './decorators/not-mcp-endpoint.decorator.js';
export { McpToolName } from './decorators/mcp-tool-name.decorator.js';
export { CurrentAuth } from './decorators/current-auth.decorator.js';
export { AuthContext } from './context/auth-context.js';
export { AuthContextMiddleware } from './context/auth-context.middleware.js';
export { getAccessToken, runWithAuthHolder, type AuthHolder } from './context/auth-storage.js';
export { ToolScopeRegistry } from './services/tool-scope-registry.js';
export { filterToolsByScopes } from './rules/filter-tools-by-scopes.js';
export { ScopeHierarchy, EVERY_SCOPE, type ScopeHierarchyDeclaration } from './rules/scope-rules.js';
export { toolNamesFromJsonRpcBody, TOOLS_CALL_METHOD } from './rules/json-rpc-tool-calls.js';
export { REKOG_MCP_TOOL_METADATA } from './services/tool-name-adapter.js';
export { audienceIncludes, AudienceMatcher } from './rules/resource-indicators.js';
export { canonicalResourceUri, sameResource } from './rules/resource-uri.js';
export { parseBearerAuthorizationHeader, type BearerHeaderParseResult } from './rules/bearer-token.js';
export {
  buildProtectedResourceMetadata,
  PROTECTED_RESOURCE_METADATA_MAX_AGE_SECONDS,
  type ProtectedResourceMetadataDocument,
} from './endpoints/protected-resource-metadata.endpoint.js';
export { DefaultOAuthProvider, type ProviderSettings } from './provider/default-oauth-provider.js';
export type * from './provider/default-oauth-provider.models.js';
export type * from './provider/default-oauth-provider.options.js';
export {
  type SigningAlgorithm,
  type KeyMaterial,
  type SigningKeyInput,
  SigningKeyError,
} from './provider/signing-keys.js';
export { hashClientSecret } from './provider/client-secret-hash.js';
export { MemoryOAuthStore, type MemoryOAuthStoreOptions } from './stores/memory-oauth-store.js';
export type * from './stores/oauth-store.interface.js';
export type { Clock } from './rules/clock.js';
export { OAuthExceptionFilter } from './errors/oauth-exception.filter.js';
export { ClientRegistrationDto } from './dto/client-registration.dto.js';
export {
  AUTHORIZATION_SERVER_METADATA_EXTENSIONS,
  type AuthorizationServerMetadataExtension,
  buildAuthorizationServerMetadata,
} from './rules/authorization-server-metadata.js';
export { OAuthClientResolver } from './services/client-resolver.service.js';
export { SUPPORTED_CLIENT_AUTH_METHODS } from './rules/client-authentication-methods.js';
export {
  ClientAuthenticator,
  type ClientAuthenticationMethod,
  type PresentedClientCredentials,
} from './services/client-authentication.service.js';
export {
  verifyClientAssertion,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  CLIENT_ASSERTION_REPLAY_NAMESPACE,
  type ClientAssertionCheck,
} from './rules/client-assertion-verifier.js';
export {
  DEFAULT_CLIENT_ASSERTION_ALGORITHMS,
  type PrivateKeyJwtOptions,
  type ResolvedPrivateKeyJwt,
} from './services/private-key-jwt-options.js';
export { clientJwksProblem, MAX_CLIENT_JWKS_KEYS } from './rules/client-public-keys.js';
export { type DpopOptions, type DpopNonceOptions, type ResolvedDpop } from './services/dpop-options.js';
export {
  verifyDpopProof,
  accessTokenHash,
  normalizeHtu,
  DpopProofError,
  DPOP_PROOF_TYPE,
  DPOP_PROOF_REPLAY_NAMESPACE,
  type DpopProofCheck,
  type VerifiedDpopProof,
} from './rules/dpop-proof.js';
export { DpopNonces } from './rules/dpop-nonce.js';
export { OAUTH_CLOCK, type OAuthClock } from './rules/clock.js';
export { OAUTH_RATE_LIMIT_STORAGE, OAuthRateLimiter } from './services/rate-limiter.service.js';
export { computeS256Challenge } from './rules/pkce.js';
export * from './stores/redis/index.js';
export * from './stores/postgres/index.js';
export { McpAuthOperations } from './operations/mcp-auth-operations.service.js';
export type * from './events/mcp-auth-events.js';
export {
  JwksTokenVerifier,
  DEFAULT_JWT_ALGORITHMS,
  type JwksTokenVerifierOptions,
} from './verifiers/jwks-token-verifier.js';
export {
  IntrospectionTokenVerifier,
  MAX_INTROSPECTION_CACHE_MS,
  type IntrospectionTokenVerifierOptions,
} from './verifiers/introspection-token-verifier.js';
export { accessTokenFromClaims } from './verifiers/access-token-claims.js';
export * from './upstream/index.js';

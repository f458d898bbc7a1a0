export * from './errors/index.js';
export type * from './interfaces/oauth-models.js';
export type * from './interfaces/oauth-provider.interface.js';
export type * from './interfaces/token-verifier.interface.js';
export type * from './interfaces/mcp-auth-options.interface.js';
export type * from './interfaces/mcp-auth-config.interface.js';
export { MCP_AUTH_CONFIG, MCP_AUTH_TOKEN_VERIFIER, REQUIRED_SCOPES_METADATA, PUBLIC_ROUTE_METADATA } from './mcp-auth.constants.js';
export { McpAuthModule } from './mcp-auth.module.js';
export { MCP_AUTH_MODULE_OPTIONS, type McpAuthModuleExtras } from './mcp-auth.module-definition.js';
export { McpAuthConfigurationError, resolveMcpAuthConfig } from './services/mcp-auth-config.factory.js';
export { ProviderTokenVerifier } from './verifiers/provider-token-verifier.js';
export { OAuthExceptionFilter } from './errors/oauth-exception.filter.js';
export { AuthorizationServerMetadataController } from './controllers/authorization-server-metadata.controller.js';
export { AuthorizationController } from './controllers/authorization.controller.js';
export { TokenController } from './controllers/token.controller.js';
export { RegistrationController } from './controllers/registration.controller.js';
export { RevocationController } from './controllers/revocation.controller.js';
export { IntrospectionController } from './controllers/introspection.controller.js';
export { ClientRegistrationDto } from './dto/client-registration.dto.js';
export {
  AUTHORIZATION_SERVER_METADATA_EXTENSIONS,
  type AuthorizationServerMetadataExtension,
  buildAuthorizationServerMetadata,
} from './services/authorization-server-metadata.js';
export { OAuthClientResolver } from './services/client-resolver.service.js';
export { ClientAuthenticator, SUPPORTED_CLIENT_AUTH_METHODS } from './services/client-authentication.service.js';
export { OAUTH_CLOCK, type OAuthClock } from './services/oauth-clock.js';
export { OAUTH_RATE_LIMIT_STORAGE, OAuthRateLimiter } from './services/rate-limiter.service.js';
export { computeS256Challenge } from './services/pkce.js';

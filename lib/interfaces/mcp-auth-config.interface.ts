import type { OAuthAuthorizationServerProvider } from './oauth-provider.interface.js';
import type { AuthorizationServerSettings, ResourceServerSettings } from './mcp-auth-settings.interface.js';

/** The configuration when the module runs the authorization server (a `provider` is given). */
export interface AuthorizationServerConfig extends AuthorizationServerSettings {
  provider: OAuthAuthorizationServerProvider<any, any, any>;
}

/** The configuration of a resource server only: tokens come from an external authorization server. */
export interface ResourceServerConfig extends ResourceServerSettings {
  provider?: undefined;
}

/**
 * The validated configuration every part of the library reads (injected with
 * {@link MCP_AUTH_CONFIG}): one of the two modes, so the compiler knows when a
 * provider and the authorization-server endpoints exist.
 */
export type McpAuthConfig = AuthorizationServerConfig | ResourceServerConfig;

import type { AuthorizationServerConfig, McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import type { AuthorizationServerEndpoints } from '../interfaces/mcp-auth-settings.interface.js';
import { DefaultOAuthProvider } from '../provider/default-oauth-provider.js';

/** The path of one authorization-server endpoint, or none in resource-server-only mode. */
export function authorizationServerPath(
  config: McpAuthConfig,
  endpoint: keyof AuthorizationServerEndpoints,
  enabled: (config: AuthorizationServerConfig) => boolean = () => true,
): string[] {
  return config.mode === 'authorization-server' && enabled(config) ? [config.endpoints[endpoint].path] : [];
}

/** The built-in provider when it is the configured one (its pages are served), else `undefined`. */
export function builtInProvider(config: McpAuthConfig): DefaultOAuthProvider | undefined {
  return config.mode === 'authorization-server' && config.provider instanceof DefaultOAuthProvider
    ? config.provider
    : undefined;
}

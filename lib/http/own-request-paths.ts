import type { Request } from 'express';
import type { AuthorizationServerEndpoints, McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { DefaultOAuthProvider } from '../provider/default-oauth-provider.js';
import { isConfiguredEndpoint, requestPath } from '../services/endpoint-routing.js';

/**
 * A predicate true for requests to a path this module serves: the enabled
 * authorization-server endpoints, the built-in login page, the
 * protected-resource metadata (RFC 9728 §3.1) and the MCP resource itself.
 */
export function ownRequestMatcher(config: McpAuthConfig): (req: Request) => boolean {
  const exactPaths = new Set([config.protectedResourceMetadata.path, new URL(config.resource).pathname]);
  if (config.provider instanceof DefaultOAuthProvider) exactPaths.add(config.provider.settings.loginPath);
  const endpoints = Object.keys(config.endpoints ?? {}) as Array<keyof AuthorizationServerEndpoints>;
  return (req) =>
    exactPaths.has(requestPath(req)) || endpoints.some((endpoint) => isConfiguredEndpoint(req, config, endpoint));
}

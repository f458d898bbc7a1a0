import type { Request } from 'express';
import type { AuthorizationServerEndpoints, McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';

/** An authorization-server endpoint the library serves. */
export type ServedEndpoint = keyof AuthorizationServerEndpoints;

/**
 * True when this request is for `endpoint` as configured. Routes are declared
 * statically with prefix wildcards (the issuer path is known only at runtime),
 * so each handler checks the exact path and whether the endpoint is on.
 */
export function isConfiguredEndpoint(req: Request, config: McpAuthConfig, endpoint: ServedEndpoint): boolean {
  if (!isAuthorizationServer(config) || !endpointEnabled(config, endpoint)) return false;
  return requestPath(req) === config.endpoints![endpoint].path;
}

/** True when the module runs an authorization server (a provider is configured). */
export function isAuthorizationServer(config: McpAuthConfig): boolean {
  return config.mode === 'authorization-server' && Boolean(config.provider) && Boolean(config.endpoints);
}

function endpointEnabled(config: McpAuthConfig, endpoint: ServedEndpoint): boolean {
  switch (endpoint) {
    case 'registration':
      return config.clientRegistration.enabled;
    case 'revocation':
      return config.revocation.enabled;
    case 'introspection':
      return config.introspection.enabled;
    default:
      return true;
  }
}

/** The request's path without query, as received (not decoded). */
export function requestPath(req: Request): string {
  const url = req.originalUrl ?? req.url;
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

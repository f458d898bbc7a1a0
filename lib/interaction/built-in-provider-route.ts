import type { Request } from 'express';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { DefaultOAuthProvider } from '../provider/default-oauth-provider.js';

/**
 * The built-in provider when it is the configured one and `req.path` is
 * exactly `path(provider)`; otherwise `undefined` and the route passes the
 * request on. Routes are static patterns (options may come from
 * `forRootAsync`), so the exact path is checked here.
 */
export function builtInProviderFor(
  config: McpAuthConfig,
  req: Request,
  path: (provider: DefaultOAuthProvider) => string,
): DefaultOAuthProvider | undefined {
  const provider = config.provider;
  if (!(provider instanceof DefaultOAuthProvider)) return undefined;
  return req.path === path(provider) ? provider : undefined;
}

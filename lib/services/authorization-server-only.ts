import type { AuthorizationServerConfig, McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';

/** The fields only an authorization-server configuration has. */
const AUTHORIZATION_SERVER_FIELDS = new Set<PropertyKey>([
  'issuer',
  'endpoints',
  'provider',
  'clientIdMetadataDocuments',
  'privateKeyJwt',
  'clientCredentials',
  'enterpriseManagedAuthorization',
]);

/**
 * The configuration narrowed to authorization-server mode. In
 * resource-server-only mode the authorization-server parts are constructed
 * (Nest builds every provider) but never mounted; this returns a view whose
 * authorization-server fields throw when read, so a wrong use fails loudly
 * instead of reading `undefined`.
 */
export function authorizationServerOnly(config: McpAuthConfig): AuthorizationServerConfig {
  if (config.mode === 'authorization-server') return config;
  return new Proxy(config, {
    get(target, property, receiver) {
      if (AUTHORIZATION_SERVER_FIELDS.has(property)) {
        throw new Error(`McpAuthModule: ${String(property)} was read in resource-server-only mode`);
      }
      return Reflect.get(target, property, receiver);
    },
  }) as unknown as AuthorizationServerConfig;
}

import type { AuthorizationServerConfig } from '../interfaces/mcp-auth-config.interface.js';

/** The authorization code grant (RFC 6749 §4.1). */
export const AUTHORIZATION_CODE_GRANT_TYPE = 'authorization_code';
/** The refresh token grant (RFC 6749 §6). */
export const REFRESH_TOKEN_GRANT_TYPE = 'refresh_token';
/** The client credentials grant (RFC 6749 §4.4, OAuth 2.1 §4.2; MCP ext-auth "OAuth Client Credentials"). */
export const CLIENT_CREDENTIALS_GRANT_TYPE = 'client_credentials';
/** The JWT bearer authorization grant (RFC 7523 §2.1), used for ID-JAGs (MCP ext-auth "Enterprise-Managed Authorization"). */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Grant types a client gets when it registers none (RFC 7591 §2). */
export const DEFAULT_CLIENT_GRANT_TYPES: readonly string[] = Object.freeze([
  AUTHORIZATION_CODE_GRANT_TYPE,
  REFRESH_TOKEN_GRANT_TYPE,
]);

/**
 * The grant types the token endpoint serves in this configuration (RFC 8414
 * `grant_types_supported`): authorization code and refresh always, client
 * credentials (S67) and jwt-bearer (S68) when switched on.
 */
export function supportedGrantTypes(config: AuthorizationServerConfig): string[] {
  const grantTypes = [AUTHORIZATION_CODE_GRANT_TYPE, REFRESH_TOKEN_GRANT_TYPE];
  if (config.clientCredentials) grantTypes.push(CLIENT_CREDENTIALS_GRANT_TYPE);
  if (config.enterpriseManagedAuthorization) grantTypes.push(JWT_BEARER_GRANT_TYPE);
  return grantTypes;
}

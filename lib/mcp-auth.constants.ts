/** Injection token of the resolved, validated configuration ({@link McpAuthConfig}). */
export const MCP_AUTH_CONFIG = Symbol('MCP_AUTH_CONFIG');

/** Injection token of the active {@link TokenVerifier}. */
export const MCP_AUTH_TOKEN_VERIFIER = Symbol('MCP_AUTH_TOKEN_VERIFIER');

/** Metadata key of `@RequireScopes()`. */
export const REQUIRED_SCOPES_METADATA = 'mcp_auth:scopes';

/** Metadata key of `@Public()`. */
export const PUBLIC_ROUTE_METADATA = 'mcp_auth:public';
/** Metadata key of `@NotMcpEndpoint()`: the guard does not read POST bodies there (S51). */
export const NOT_MCP_ENDPOINT_METADATA = 'mcp_auth:not_mcp_endpoint';

/** Metadata key of `@McpToolName()`: the MCP tool a method implements. */
export const MCP_TOOL_NAME_METADATA = 'mcp_auth:tool_name';

/** Where the verified token is attached on the HTTP request object. */
export const REQUEST_AUTH_PROPERTY = 'auth';

/** Default endpoint paths, appended to the issuer's path (RFC 8414 §3 leaves them to the server). */
export const DEFAULT_ENDPOINT_PATHS = {
  authorization: '/authorize',
  token: '/token',
  registration: '/register',
  revocation: '/revoke',
  introspection: '/introspect',
  jwks: '/jwks',
  consent: '/consent',
} as const;

/** RFC 8414 §3 and OIDC Discovery well-known suffixes. */
export const WELL_KNOWN = {
  authorizationServer: '/.well-known/oauth-authorization-server',
  openidConfiguration: '/.well-known/openid-configuration',
  protectedResource: '/.well-known/oauth-protected-resource',
} as const;

/**
 * Injection token of the configuration narrowed to authorization-server mode,
 * for the parts that exist only there (endpoints, grants, client
 * authentication). In resource-server-only mode none of them is mounted, and
 * any read of this value throws.
 */
export const AUTHORIZATION_SERVER_CONFIG = Symbol('AUTHORIZATION_SERVER_CONFIG');

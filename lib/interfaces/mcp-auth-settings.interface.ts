import type { ResolvedPageOptions } from './page-options.interface.js';
import type { ClientIdMetadataDocumentResolver } from '../cimd/client-id-metadata-document.resolver.js';
import type { ScopeHierarchy } from '../rules/scope-rules.js';
import type { ClientRegistrationPolicy } from './client-registration-policy.interface.js';
import type { McpAuthEventListener } from '../events/mcp-auth-events.js';
import type { ResolvedPrivateKeyJwt } from './private-key-jwt-options.interface.js';
import type { ResolvedClientCredentials } from './client-credentials-options.interface.js';
import type { ResolvedEnterpriseManagedAuthorization } from './enterprise-authorization-options.interface.js';
import type { ResolvedDpop } from './dpop-options.interface.js';
import type { InputLimitOptions, RateLimit } from './limit-options.interface.js';
import type { TokenVerifier } from './token-verifier.interface.js';

/** Absolute URLs and request paths of one endpoint. */
export interface EndpointLocation {
  /** Absolute URL, as advertised in metadata. */
  url: string;
  /** Path the route is served at (the URL's pathname). */
  path: string;
}

/** Endpoint locations of the authorization server, derived from the issuer (path included). */
export interface AuthorizationServerEndpoints {
  metadata: EndpointLocation;
  openidConfiguration: EndpointLocation;
  authorization: EndpointLocation;
  token: EndpointLocation;
  registration: EndpointLocation;
  revocation: EndpointLocation;
  introspection: EndpointLocation;
  jwks: EndpointLocation;
  consent: EndpointLocation;
}

/** Rate limits after defaults were applied; `false` = off (see `RateLimitOptions`). */
export type ResolvedRateLimits = Record<RateLimitName, RateLimit | false>;

/** The names of the rate limits (S36, S55, S62). */
export type RateLimitName =
  | 'perAddress'
  | 'authorize'
  | 'token'
  | 'tokenFailures'
  | 'refreshPerGrant'
  | 'register'
  | 'registerGlobal'
  | 'revoke'
  | 'introspect'
  | 'loginFailuresPerAccount'
  | 'loginFailuresPerAddress';

/** What both modes' configurations have. */
export interface McpAuthSettingsBase {
  /** The canonical MCP URI exactly as configured. */
  resource: string;
  /** Path-inserted protected-resource metadata location (RFC 9728 §3.1). */
  protectedResourceMetadata: EndpointLocation;
  authorizationServers: string[];
  tokenVerifier: TokenVerifier;
  scopesSupported: string[];
  requiredScopes: string[];
  defaultScopes: string[];
  /** Which scope implies which, closure computed at boot (S64); flat when not configured. */
  scopeHierarchy: ScopeHierarchy;
  enforceRegisteredClientScope: boolean;
  clientRegistration: {
    enabled: boolean;
    validScopes?: string[];
    defaultScopes?: string[];
    clientSecretExpirySeconds?: number;
    policy?: ClientRegistrationPolicy;
  };
  revocation: { enabled: boolean };
  /** Introspection (S59): `resourceServers` may introspect any client's tokens. */
  introspection: { enabled: boolean; resourceServers: string[] };
  rateLimits: ResolvedRateLimits;
  /** Size limits after defaults (S57). */
  inputLimits: Required<InputLimitOptions>;
  clockSkewSeconds: number;
  /** Whether the identity is published in AsyncLocalStorage (`asyncContext` option). */
  asyncContext: boolean;
  bodyLimitBytes: number;
  /** Deepest JSON nesting accepted in request bodies (S58). */
  jsonMaxDepth: number;
  /** Largest MCP request body the guard reads from the stream itself (S51). */
  mcpBodyLimitBytes: number;
  resourceName?: string;
  /** What the built-in login, consent and error pages show: server name, branding, scope sentences. */
  pages: ResolvedPageOptions;
  serviceDocumentationUrl?: string;
  realm?: string;
  /** The `onEvent` option: receives every `McpAuthEvent`. */
  onEvent?: McpAuthEventListener;
  /** DPoP settings (RFC 9449, S69), present when DPoP is on. */
  dpop?: ResolvedDpop;
}

/** The authorization-server configuration apart from its provider (see `AuthorizationServerConfig`). */
export interface AuthorizationServerSettings extends McpAuthSettingsBase {
  mode: 'authorization-server';
  /** Issuer exactly as configured. */
  issuer: string;
  endpoints: AuthorizationServerEndpoints;
  /** Resolver of Client ID Metadata Documents (`client_id` as an https URL), present when the feature is on. */
  clientIdMetadataDocuments?: ClientIdMetadataDocumentResolver;
  /** `private_key_jwt` settings (S65), present when the method is on. */
  privateKeyJwt?: ResolvedPrivateKeyJwt;
  /** The client credentials grant (S67), present when it is on. */
  clientCredentials?: ResolvedClientCredentials;
  /** Enterprise-managed authorization: the jwt-bearer grant with ID-JAGs (S68), present when configured. */
  enterpriseManagedAuthorization?: ResolvedEnterpriseManagedAuthorization;
}

/** The resource-server-only configuration apart from its (absent) provider (see `ResourceServerConfig`). */
export interface ResourceServerSettings extends McpAuthSettingsBase {
  mode: 'resource-server';
  issuer?: undefined;
  endpoints?: undefined;
  clientIdMetadataDocuments?: undefined;
  privateKeyJwt?: undefined;
  clientCredentials?: undefined;
  enterpriseManagedAuthorization?: undefined;
}

/**
 * The resolved configuration without the authorization-server provider: what
 * `OAuthAuthorizationServerProvider.initialize` receives (every `McpAuthConfig`
 * is one). Kept apart from `McpAuthConfig` so that the provider protocol and the
 * configuration do not refer to each other.
 */
export type McpAuthSettings = AuthorizationServerSettings | ResourceServerSettings;

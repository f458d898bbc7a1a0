import { ClientIdMetadataDocumentResolver } from '../cimd/client-id-metadata-document.resolver.js';
import { DEFAULT_ENDPOINT_PATHS, WELL_KNOWN } from '../mcp-auth.constants.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import type {
  AuthorizationServerEndpoints,
  EndpointLocation,
  ResolvedRateLimits,
} from '../interfaces/mcp-auth-settings.interface.js';
import type { ClientRegistrationPolicy } from '../interfaces/client-registration-policy.interface.js';
import type { InputLimitOptions, RateLimit } from '../interfaces/limit-options.interface.js';
import type { McpAuthModuleOptions } from '../interfaces/mcp-auth-options.interface.js';
import { ProviderTokenVerifier } from '../verifiers/provider-token-verifier.js';
import { ScopeHierarchy, isScopeToken } from '../rules/scope-rules.js';
import { resolvePrivateKeyJwt } from './private-key-jwt-options.js';
import { resolveClientCredentials } from './client-credentials-options.js';
import { resolveEnterpriseManagedAuthorization } from './enterprise-authorization-options.js';
import { resolveDpop } from './dpop-options.js';
import { resolvePageOptions } from './page-appearance-options.js';
import { DEFAULT_JSON_MAX_DEPTH } from '../http/json-depth.js';
import { isLoopbackHost, parseAbsoluteUrl, pathWithoutTrailingSlash } from '../rules/url-rules.js';
import { McpAuthConfigurationError } from '../errors/mcp-auth-configuration-error.js';

export { McpAuthConfigurationError };

/** Default `mcpBodyLimitBytes`: the MCP SDK transport's own request-body limit (4 MiB). */
export const DEFAULT_MCP_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * S36/S55/S62 defaults, justified in docs/hosted-clients.md: 1000 users
 * of one hosted client behind one address connect within an hour with room to
 * spare, while failures (token, login) are bounded tightly.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<keyof ResolvedRateLimits, RateLimit>> = {
  perAddress: { limit: 20_000, ttlSeconds: 900 },
  authorize: { limit: 3000, ttlSeconds: 900 },
  token: { limit: 6000, ttlSeconds: 900 },
  tokenFailures: { limit: 100, ttlSeconds: 900 },
  refreshPerGrant: { limit: 60, ttlSeconds: 900 },
  register: { limit: 2000, ttlSeconds: 3600 },
  registerGlobal: { limit: 20_000, ttlSeconds: 3600 },
  revoke: { limit: 1000, ttlSeconds: 900 },
  introspect: { limit: 6000, ttlSeconds: 900 },
  loginFailuresPerAccount: { limit: 10, ttlSeconds: 900 },
  loginFailuresPerAddress: { limit: 100, ttlSeconds: 900 },
};

/** S57 defaults of `inputLimits`. */
export const DEFAULT_INPUT_LIMITS: Readonly<Required<InputLimitOptions>> = {
  stateBytes: 1024,
  scopeBytes: 1024,
  resourceBytes: 2048,
  otherAuthorizationParameterBytes: 2048,
  registrationRedirectUris: 20,
  registrationContacts: 10,
  registrationStringBytes: 2048,
  registrationDocumentBytes: 16384,
};

/**
 * Validates module options and derives every URL the library serves or
 * advertises. Fails fast with a {@link McpAuthConfigurationError}.
 */
export function resolveMcpAuthConfig(options: McpAuthModuleOptions): McpAuthConfig {
  if (!options || typeof options !== 'object') throw new McpAuthConfigurationError('options are required');
  if (options.provider && options.tokenVerifier) {
    throw new McpAuthConfigurationError(
      'give either `provider` (authorization server) or `tokenVerifier` (resource server only), not both',
    );
  }
  if (!options.provider && !options.tokenVerifier) {
    throw new McpAuthConfigurationError('give a `provider` or a `tokenVerifier`');
  }
  const resourceUrl = requireResourceUrl(options.resourceServerUrl);
  const issuer = options.provider ? requireIssuer(options.issuerUrl) : undefined;
  const authorizationServers = options.authorizationServers ?? (issuer ? [issuer] : []);
  if (!authorizationServers.length) {
    throw new McpAuthConfigurationError('`authorizationServers` must list at least one issuer in resource-server mode');
  }
  authorizationServers.forEach((server) => requireIssuer(server, 'authorizationServers entry'));

  const scopesSupported = uniqueScopes(options.scopesSupported ?? [], 'scopesSupported');
  const requiredScopes = uniqueScopes(options.requiredScopes ?? [], 'requiredScopes');
  const defaultScopes = uniqueScopes(
    options.defaultScopes ?? (requiredScopes.length ? requiredScopes : scopesSupported),
    'defaultScopes',
  );
  if (scopesSupported.length) {
    const unknown = [...requiredScopes, ...defaultScopes].filter((scope) => !scopesSupported.includes(scope));
    if (unknown.length) {
      throw new McpAuthConfigurationError(`scopes not in scopesSupported: ${unknown.join(' ')}`);
    }
  }
  const scopeHierarchy = ScopeHierarchy.build(options.scopeHierarchy, scopesSupported);
  if (!(scopeHierarchy instanceof ScopeHierarchy)) {
    throw new McpAuthConfigurationError(`scopeHierarchy ${scopeHierarchy.problem}`);
  }
  const clockSkewSeconds = nonNegativeNumber(options.clockSkewSeconds, 5, 'clockSkewSeconds');
  const bodyLimitBytes = nonNegativeNumber(options.bodyLimitBytes, 65536, 'bodyLimitBytes');
  const jsonMaxDepth = nonNegativeNumber(options.jsonMaxDepth, DEFAULT_JSON_MAX_DEPTH, 'jsonMaxDepth');
  const mcpBodyLimitBytes = nonNegativeNumber(
    options.mcpBodyLimitBytes,
    DEFAULT_MCP_BODY_LIMIT_BYTES,
    'mcpBodyLimitBytes',
  );
  const hasProvider = Boolean(options.provider);

  const common = {
    resource: options.resourceServerUrl,
    protectedResourceMetadata: wellKnownLocation(resourceUrl, WELL_KNOWN.protectedResource),
    authorizationServers,
    tokenVerifier: options.tokenVerifier ?? new ProviderTokenVerifier(options.provider!),
    scopesSupported,
    requiredScopes,
    defaultScopes,
    scopeHierarchy,
    enforceRegisteredClientScope: options.enforceRegisteredClientScope ?? false,
    clientRegistration: {
      enabled: hasProvider && (options.clientRegistration?.enabled ?? true),
      validScopes: options.clientRegistration?.validScopes,
      defaultScopes: options.clientRegistration?.defaultScopes,
      clientSecretExpirySeconds: options.clientRegistration?.clientSecretExpirySeconds,
      policy: registrationPolicy(options.clientRegistration?.policy),
    },
    revocation: { enabled: hasProvider && (options.revocation?.enabled ?? true) },
    introspection: {
      enabled: hasProvider && (options.introspection?.enabled ?? true),
      resourceServers: introspectionResourceServers(options.introspection?.resourceServers),
    },
    rateLimits: resolveRateLimits(options.rateLimits),
    inputLimits: resolveInputLimits(options.inputLimits),
    clockSkewSeconds,
    asyncContext: options.asyncContext ?? true,
    bodyLimitBytes,
    jsonMaxDepth,
    mcpBodyLimitBytes,
    resourceName: options.resourceName,
    pages: resolvePageOptions(options, issuer, scopesSupported, (message) => {
      throw new McpAuthConfigurationError(message);
    }),
    serviceDocumentationUrl: options.serviceDocumentationUrl,
    realm: options.realm,
    onEvent: options.onEvent,
    dpop: resolveDpop(options.dpop, (message) => {
      throw new McpAuthConfigurationError(message);
    }),
  };
  if (!options.provider || !issuer) return { ...common, mode: 'resource-server' };
  return {
    ...common,
    mode: 'authorization-server',
    issuer,
    endpoints: authorizationServerEndpoints(new URL(issuer)),
    provider: options.provider,
    clientIdMetadataDocuments: options.clientIdMetadataDocuments?.enabled
      ? new ClientIdMetadataDocumentResolver({
          supportedAuthMethods: options.privateKeyJwt?.enabled === false ? ['none'] : undefined,
          ...options.clientIdMetadataDocuments,
        })
      : undefined,
    privateKeyJwt: resolvePrivateKeyJwt(options.privateKeyJwt, options.clientIdMetadataDocuments, (message) => {
      throw new McpAuthConfigurationError(message);
    }),
    ...subjectTokenGrants(options),
  };
}

/** The client credentials (S67) and jwt-bearer (S68) grants; both need `provider.issueTokenForSubject`. */
function subjectTokenGrants(options: McpAuthModuleOptions) {
  const fail = (message: string): never => {
    throw new McpAuthConfigurationError(message);
  };
  const clientCredentials = resolveClientCredentials(options.clientCredentials);
  const enterpriseManagedAuthorization = resolveEnterpriseManagedAuthorization(
    options.enterpriseManagedAuthorization,
    fail,
  );
  if ((clientCredentials || enterpriseManagedAuthorization) && !options.provider?.issueTokenForSubject) {
    fail('clientCredentials and enterpriseManagedAuthorization need a provider that implements issueTokenForSubject');
  }
  if (enterpriseManagedAuthorization && !options.provider?.markUsedOnce) {
    fail('enterpriseManagedAuthorization needs a provider that implements markUsedOnce (the shared replay cache)');
  }
  return { clientCredentials, enterpriseManagedAuthorization };
}

function requireResourceUrl(value: string): URL {
  const url = parseAbsoluteUrl(value);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new McpAuthConfigurationError('`resourceServerUrl` must be an absolute http(s) URL, e.g. https://host/mcp');
  }
  if (url.hash || value.includes('#'))
    throw new McpAuthConfigurationError('`resourceServerUrl` must not have a fragment');
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new McpAuthConfigurationError('`resourceServerUrl` must use https unless its host is loopback');
  }
  return url;
}

/** S48: https, or http on loopback; no query, no fragment (RFC 8414 §2). */
function requireIssuer(value: string | undefined, name = '`issuerUrl`'): string {
  const url = value === undefined ? undefined : parseAbsoluteUrl(value);
  if (!url) throw new McpAuthConfigurationError(`${name} must be an absolute URL, e.g. https://auth.example.com`);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new McpAuthConfigurationError(`${name} must use https (http is allowed only on loopback): ${value}`);
  }
  if (url.search || url.hash || value!.includes('?') || value!.includes('#')) {
    throw new McpAuthConfigurationError(`${name} must not have a query or fragment: ${value}`);
  }
  if (url.username || url.password) throw new McpAuthConfigurationError(`${name} must not contain credentials`);
  return value!;
}

function authorizationServerEndpoints(issuer: URL): AuthorizationServerEndpoints {
  const base = pathWithoutTrailingSlash(issuer.pathname);
  const at = (suffix: string): EndpointLocation => ({
    url: `${issuer.origin}${base}${suffix}`,
    path: `${base}${suffix}`,
  });
  return {
    metadata: wellKnownLocation(issuer, WELL_KNOWN.authorizationServer),
    openidConfiguration: wellKnownLocation(issuer, WELL_KNOWN.openidConfiguration),
    authorization: at(DEFAULT_ENDPOINT_PATHS.authorization),
    token: at(DEFAULT_ENDPOINT_PATHS.token),
    registration: at(DEFAULT_ENDPOINT_PATHS.registration),
    revocation: at(DEFAULT_ENDPOINT_PATHS.revocation),
    introspection: at(DEFAULT_ENDPOINT_PATHS.introspection),
    jwks: at(DEFAULT_ENDPOINT_PATHS.jwks),
    consent: at(DEFAULT_ENDPOINT_PATHS.consent),
  };
}

/** Path-inserted well-known location (RFC 8414 §3.1, RFC 9728 §3.1): `/.well-known/<suffix><path>`. */
export function wellKnownLocation(base: URL, wellKnownSuffix: string): EndpointLocation {
  const path = `${wellKnownSuffix}${pathWithoutTrailingSlash(base.pathname)}`;
  return { url: `${base.origin}${path}`, path };
}

function resolveRateLimits(option: McpAuthModuleOptions['rateLimits']): ResolvedRateLimits {
  const names = Object.keys(DEFAULT_RATE_LIMITS) as (keyof ResolvedRateLimits)[];
  if (option === false) return Object.fromEntries(names.map((name) => [name, false])) as ResolvedRateLimits;
  const pick = (name: keyof ResolvedRateLimits): RateLimit | false => {
    const value = option?.[name];
    if (value === false) return false;
    if (value === undefined) return DEFAULT_RATE_LIMITS[name];
    if (!(value.limit > 0) || !(value.ttlSeconds > 0)) {
      throw new McpAuthConfigurationError(`rateLimits.${name} needs a positive limit and ttlSeconds`);
    }
    return value;
  };
  return Object.fromEntries(names.map((name) => [name, pick(name)])) as ResolvedRateLimits;
}

function resolveInputLimits(option: InputLimitOptions | undefined): Required<InputLimitOptions> {
  const limits = { ...DEFAULT_INPUT_LIMITS };
  for (const name of Object.keys(DEFAULT_INPUT_LIMITS) as (keyof InputLimitOptions)[]) {
    const value = option?.[name];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) {
      throw new McpAuthConfigurationError(`inputLimits.${name} must be a positive integer`);
    }
    limits[name] = value;
  }
  return limits;
}

function introspectionResourceServers(value: string[] | undefined): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((id) => typeof id !== 'string' || !id)) {
    throw new McpAuthConfigurationError('introspection.resourceServers must be an array of client ids');
  }
  return [...new Set(value)];
}

function uniqueScopes(scopes: string[], name: string): string[] {
  if (!Array.isArray(scopes)) throw new McpAuthConfigurationError(`${name} must be an array of scope strings`);
  for (const scope of scopes) {
    if (!isScopeToken(scope)) {
      throw new McpAuthConfigurationError(`${name} has an invalid scope token (RFC 6749 §3.3): ${String(scope)}`);
    }
  }
  return [...new Set(scopes)];
}

function registrationPolicy(policy: unknown): ClientRegistrationPolicy | undefined {
  if (policy === undefined || typeof policy === 'function') return policy as ClientRegistrationPolicy | undefined;
  throw new McpAuthConfigurationError('clientRegistration.policy must be a function');
}

function nonNegativeNumber(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new McpAuthConfigurationError(`${name} must be a non-negative number`);
  }
  return value;
}

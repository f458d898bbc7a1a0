import { createHttpsMetadataFetcher } from '../cimd/https-metadata-fetcher.js';
import { RemoteJwksCache, assertJwksUrl } from '../cimd/remote-jwks-cache.js';
import { CIMD_DEFAULTS } from '../cimd/resolve-options.js';
import { InvalidClientError } from '../errors/oauth-error.js';
import { ASYMMETRIC_JWS_ALGORITHMS } from '../rules/asymmetric-jws-algorithms.js';
import type { IdentityAssertionIssuer } from '../rules/identity-assertion-grant.js';
import { isLoopbackHost, parseAbsoluteUrl } from '../rules/url-rules.js';
import type {
  EnterpriseManagedAuthorizationOptions,
  ResolvedEnterpriseManagedAuthorization,
} from '../interfaces/enterprise-authorization-options.interface.js';

const ASYMMETRIC_ALGORITHM = /^(?:RS|PS|ES)(?:256|384|512)$|^ES256K$|^EdDSA$|^Ed25519$|^Ed448$/;

/**
 * Applies defaults to {@link EnterpriseManagedAuthorizationOptions}; `undefined` when not configured.
 * @param fail reports a bad option (fails boot)
 */
export function resolveEnterpriseManagedAuthorization(
  options: EnterpriseManagedAuthorizationOptions | undefined,
  fail: (message: string) => never,
): ResolvedEnterpriseManagedAuthorization | undefined {
  if (options === undefined) return undefined;
  const name = 'enterpriseManagedAuthorization';
  if (!Array.isArray(options.identityProviders) || options.identityProviders.length === 0)
    fail(`${name}.identityProviders must list at least one identity provider`);
  const signingAlgorithms = [...(options.signingAlgorithms ?? ASYMMETRIC_JWS_ALGORITHMS)];
  const symmetric = signingAlgorithms.filter((alg) => !ASYMMETRIC_ALGORITHM.test(alg));
  if (!signingAlgorithms.length || symmetric.length)
    fail(`${name}.signingAlgorithms must list asymmetric JWS algorithms only`);
  const maxLifetime = options.maxAssertionLifetimeSeconds ?? 300;
  if (!Number.isSafeInteger(maxLifetime) || maxLifetime < 1 || maxLifetime > 3600)
    fail(`${name}.maxAssertionLifetimeSeconds must be an integer from 1 to 3600`);
  const remote = (allowPrivateNetworks: boolean) =>
    new RemoteJwksCache({
      fetch: options.fetch ?? createHttpsMetadataFetcher(),
      timeoutMs: options.timeoutMs ?? CIMD_DEFAULTS.timeoutMs,
      allowPrivateNetworks,
      maxBytes: 65_536,
      minCacheSeconds: CIMD_DEFAULTS.minCacheSeconds,
      maxCacheSeconds: 3600,
      defaultCacheSeconds: CIMD_DEFAULTS.defaultCacheSeconds,
      refetchCooldownSeconds: 60,
      maxEntries: 100,
      now: Date.now,
      label: 'identity provider JWKS',
      assertUrl: (url) => identityProviderJwksUrl(url, allowPrivateNetworks),
    });
  const identityProviders = new Map<string, IdentityAssertionIssuer>();
  for (const [index, idp] of options.identityProviders.entries()) {
    const where = `${name}.identityProviders[${index}]`;
    if (typeof idp?.issuer !== 'string' || !parseAbsoluteUrl(idp.issuer))
      fail(`${where}.issuer must be an absolute URL`);
    if (identityProviders.has(idp.issuer)) fail(`${where}.issuer is listed twice`);
    const jwksUrl = parseAbsoluteUrl(idp.jwksUrl);
    const loopbackHttp = jwksUrl?.protocol === 'http:' && isLoopbackHost(jwksUrl.hostname);
    if (!jwksUrl || (jwksUrl.protocol !== 'https:' && !loopbackHttp))
      fail(`${where}.jwksUrl must be an https URL (or http on a loopback host for development)`);
    if (idp.allowedClients !== undefined && !Array.isArray(idp.allowedClients))
      fail(`${where}.allowedClients must be an array of client ids`);
    const cache = remote(loopbackHttp || (options.allowPrivateNetworks ?? false));
    identityProviders.set(idp.issuer, {
      issuer: idp.issuer,
      allowedClients: idp.allowedClients ? [...idp.allowedClients] : undefined,
      keySet: (refresh) => cache.keySet(idp.jwksUrl, { refresh }),
    });
  }
  return {
    identityProviders,
    mapSubject: options.mapSubject ?? ((assertion) => assertion.subject),
    maxAssertionLifetimeSeconds: maxLifetime,
    signingAlgorithms,
  };
}

/** An IdP JWKS URL: loopback http (development) as is, anything else by the `jwks_uri` rules. */
function identityProviderJwksUrl(url: string, allowPrivateNetworks: boolean): URL {
  const parsed = parseAbsoluteUrl(url);
  if (parsed?.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return parsed;
  try {
    return assertJwksUrl(url, allowPrivateNetworks);
  } catch (error) {
    if (error instanceof InvalidClientError) throw new InvalidClientError('identity provider JWKS URL refused');
    throw error;
  }
}

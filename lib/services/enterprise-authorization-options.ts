import { createHttpsMetadataFetcher } from '../cimd/https-metadata-fetcher.js';
import type { MetadataDocumentFetcher } from '../cimd/metadata-document-fetcher.js';
import { RemoteJwksCache, assertJwksUrl } from '../cimd/remote-jwks-cache.js';
import { CIMD_DEFAULTS } from '../cimd/resolve-options.js';
import { InvalidClientError } from '../errors/oauth-error.js';
import { ASYMMETRIC_JWS_ALGORITHMS } from '../rules/asymmetric-jws-algorithms.js';
import type { IdentityAssertionIssuer } from '../rules/identity-assertion-grant.js';
import { isLoopbackHost, parseAbsoluteUrl } from '../rules/url-rules.js';

/** An enterprise identity provider whose ID-JAGs this server accepts (S68). */
export interface TrustedIdentityProvider {
  /** The IdP's issuer identifier, compared exactly with the assertion's `iss`. */
  issuer: string;
  /**
   * The IdP's JWKS URL (RFC 7517): https, or http on a loopback host for
   * development. Fetched through the SSRF-guarded fetcher, cached per
   * `Cache-Control` (clamped), refetched on an unknown `kid` at most once a minute.
   */
  jwksUrl: string;
  /**
   * Client ids that may present this IdP's assertions (the assertion's
   * `client_id` must also be the authenticated client). @default any client
   * registered for the jwt-bearer grant
   */
  allowedClients?: string[];
}

/** The verified assertion {@link EnterpriseManagedAuthorizationOptions.mapSubject} maps to a local user. */
export interface IdentityAssertionSubject {
  /** The IdP (`iss`). */
  issuer: string;
  /** The user at the IdP (`sub`). */
  subject: string;
  /** The client the assertion was issued to (`client_id`). */
  clientId: string;
  /** Every claim of the assertion (e.g. `email`). */
  claims: Readonly<Record<string, unknown>>;
}

/**
 * Maps a verified assertion to the local user id that becomes the access
 * token's `sub`; `undefined` (no such user) refuses the request with `invalid_grant`.
 */
export type IdentityAssertionSubjectMapper = (
  assertion: IdentityAssertionSubject,
) => string | undefined | Promise<string | undefined>;

/**
 * Enterprise-managed authorization (MCP ext-auth "Enterprise-Managed
 * Authorization", draft-ietf-oauth-identity-assertion-authz-grant, S68): the
 * token endpoint accepts `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`
 * with an Identity Assertion JWT Authorization Grant (ID-JAG) issued by one of
 * `identityProviders` to a confidential client registered for that grant type.
 */
export interface EnterpriseManagedAuthorizationOptions {
  /** The trusted identity providers. At least one. */
  identityProviders: TrustedIdentityProvider[];
  /**
   * Maps the assertion to a local user id. @default the assertion's `sub` unchanged
   * (with several IdPs, map to ids that cannot collide, e.g. `${issuer}|${sub}`)
   */
  mapSubject?: IdentityAssertionSubjectMapper;
  /** Longest accepted assertion lifetime (`exp` − now and `exp` − `iat`), seconds. @default 300 */
  maxAssertionLifetimeSeconds?: number;
  /** Accepted JWS algorithms; asymmetric only. @default RS/PS/ES 256–512 and EdDSA */
  signingAlgorithms?: string[];
  /**
   * Fetch https JWKS URLs whose host resolves to a private or special-use
   * address (an IdP inside your network). Loopback http URLs are always allowed. @default false
   */
  allowPrivateNetworks?: boolean;
  /** The fetcher of JWKS documents (tests inject one). @default the SSRF-guarded Node fetcher */
  fetch?: MetadataDocumentFetcher;
  /** Bound on one JWKS fetch, ms. @default 5000 */
  timeoutMs?: number;
}

/** {@link EnterpriseManagedAuthorizationOptions} after defaults, as the token endpoint uses them. */
export interface ResolvedEnterpriseManagedAuthorization {
  /** The trusted IdPs by issuer. */
  identityProviders: ReadonlyMap<string, IdentityAssertionIssuer>;
  mapSubject: IdentityAssertionSubjectMapper;
  maxAssertionLifetimeSeconds: number;
  signingAlgorithms: string[];
}

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

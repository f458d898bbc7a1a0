import type { PrivateKeyJwtOptions, ResolvedPrivateKeyJwt } from '../interfaces/private-key-jwt-options.interface.js';
import { createHttpsMetadataFetcher } from '../cimd/https-metadata-fetcher.js';
import { RemoteJwksCache } from '../cimd/remote-jwks-cache.js';
import { CIMD_DEFAULTS } from '../cimd/resolve-options.js';
import { ASYMMETRIC_JWS_ALGORITHMS } from '../rules/asymmetric-jws-algorithms.js';
import type { ClientIdMetadataDocumentOptions } from '../cimd/client-id-metadata-document.options.js';

/** JWS algorithms a client assertion may use by default: asymmetric only (RFC 7518 §3.1, RFC 8037 §3.1). */
export const DEFAULT_CLIENT_ASSERTION_ALGORITHMS: readonly string[] = ASYMMETRIC_JWS_ALGORITHMS;

const ASYMMETRIC_ALGORITHM = /^(?:RS|PS|ES)(?:256|384|512)$|^ES256K$|^EdDSA$|^Ed25519$|^Ed448$/;

/**
 * Applies defaults to {@link PrivateKeyJwtOptions}; `undefined` when switched off.
 * @param fail reports a bad option (fails boot)
 */
export function resolvePrivateKeyJwt(
  options: PrivateKeyJwtOptions | undefined,
  documents: ClientIdMetadataDocumentOptions | undefined,
  fail: (message: string) => never,
): ResolvedPrivateKeyJwt | undefined {
  if (options?.enabled === false) return undefined;
  const signingAlgorithms = [...(options?.signingAlgorithms ?? DEFAULT_CLIENT_ASSERTION_ALGORITHMS)];
  if (signingAlgorithms.length === 0) fail('privateKeyJwt.signingAlgorithms must not be empty');
  const symmetric = signingAlgorithms.filter((alg) => !ASYMMETRIC_ALGORITHM.test(alg));
  if (symmetric.length)
    fail(`privateKeyJwt.signingAlgorithms: ${symmetric.join(', ')} is not an asymmetric JWS algorithm`);
  const positive = (value: number | undefined, fallback: number, name: string) => {
    const resolved = value ?? fallback;
    if (!Number.isSafeInteger(resolved) || resolved < 1) fail(`privateKeyJwt.${name} must be a positive integer`);
    return resolved;
  };
  const cooldown = options?.jwksRefetchCooldownSeconds ?? 60;
  if (!Number.isSafeInteger(cooldown) || cooldown < 0)
    fail('privateKeyJwt.jwksRefetchCooldownSeconds must be a non-negative integer');
  return {
    signingAlgorithms,
    maxAssertionLifetimeSeconds: positive(options?.maxAssertionLifetimeSeconds, 300, 'maxAssertionLifetimeSeconds'),
    remoteKeySets: new RemoteJwksCache({
      fetch: documents?.fetch ?? createHttpsMetadataFetcher(),
      timeoutMs: documents?.timeoutMs ?? CIMD_DEFAULTS.timeoutMs,
      allowPrivateNetworks: documents?.allowPrivateNetworks ?? false,
      maxBytes: positive(options?.jwksMaxBytes, 16_384, 'jwksMaxBytes'),
      minCacheSeconds: documents?.minCacheSeconds ?? CIMD_DEFAULTS.minCacheSeconds,
      maxCacheSeconds: documents?.maxCacheSeconds ?? CIMD_DEFAULTS.maxCacheSeconds,
      defaultCacheSeconds: documents?.defaultCacheSeconds ?? CIMD_DEFAULTS.defaultCacheSeconds,
      refetchCooldownSeconds: cooldown,
      maxEntries: documents?.maxCacheEntries ?? CIMD_DEFAULTS.maxCacheEntries,
      now: documents?.now ?? Date.now,
    }),
  };
}

import type { DpopOptions, DpopNonceOptions, ResolvedDpop } from '../interfaces/dpop-options.interface.js';
import { randomBytes } from 'node:crypto';
import { ASYMMETRIC_JWS_ALGORITHMS } from '../rules/asymmetric-jws-algorithms.js';
import { DpopNonces } from '../rules/dpop-nonce.js';

const ASYMMETRIC_ALGORITHM = /^(?:RS|PS|ES)(?:256|384|512)$|^ES256K$|^EdDSA$|^Ed25519$|^Ed448$/;

/**
 * Applies defaults to {@link DpopOptions}; `undefined` when switched off.
 * @param fail reports a bad option (fails boot)
 */
export function resolveDpop(
  options: DpopOptions | undefined,
  fail: (message: string) => never,
): ResolvedDpop | undefined {
  if (options?.enabled === false) return undefined;
  const signingAlgorithms = [...(options?.signingAlgorithms ?? ASYMMETRIC_JWS_ALGORITHMS)];
  if (signingAlgorithms.length === 0) fail('dpop.signingAlgorithms must not be empty');
  const symmetric = signingAlgorithms.filter((alg) => !ASYMMETRIC_ALGORITHM.test(alg));
  if (symmetric.length) fail(`dpop.signingAlgorithms: ${symmetric.join(', ')} is not an asymmetric JWS algorithm`);
  const proofMaxAgeSeconds = options?.proofMaxAgeSeconds ?? 300;
  if (!Number.isSafeInteger(proofMaxAgeSeconds) || proofMaxAgeSeconds < 1)
    fail('dpop.proofMaxAgeSeconds must be a positive integer');
  const nonce = options?.nonce;
  const nonceAtTokenEndpoint = nonce !== undefined && (nonce.tokenEndpoint ?? true);
  const nonceAtResourceServer = nonce !== undefined && (nonce.resourceServer ?? false);
  return {
    signingAlgorithms,
    proofMaxAgeSeconds,
    nonces: nonceAtTokenEndpoint || nonceAtResourceServer ? nonces(nonce!, fail) : undefined,
    nonceAtTokenEndpoint,
    nonceAtResourceServer,
  };
}

function nonces(options: DpopNonceOptions, fail: (message: string) => never): DpopNonces {
  const rotationSeconds = options.rotationSeconds ?? 300;
  if (!Number.isSafeInteger(rotationSeconds) || rotationSeconds < 1)
    fail('dpop.nonce.rotationSeconds must be a positive integer');
  const secret =
    options.secret === undefined
      ? randomBytes(32)
      : typeof options.secret === 'string'
        ? Buffer.from(options.secret, 'utf8')
        : options.secret;
  if (secret.length < 32) fail('dpop.nonce.secret must be at least 32 bytes');
  return new DpopNonces(secret, rotationSeconds);
}

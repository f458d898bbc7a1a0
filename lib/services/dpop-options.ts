import { randomBytes } from 'node:crypto';
import { ASYMMETRIC_JWS_ALGORITHMS } from '../rules/asymmetric-jws-algorithms.js';
import { DpopNonces } from '../rules/dpop-nonce.js';

/**
 * DPoP, sender-constrained tokens (RFC 9449, MCP SEP-1932). On by default:
 * a client that sends a `DPoP` proof to the token endpoint gets tokens bound
 * to its key (`token_type: DPoP`, `cnf.jkt`); clients that do not keep getting
 * Bearer tokens. The guard accepts `Authorization: DPoP` with a proof and
 * refuses a bound token presented as Bearer or with another key.
 */
export interface DpopOptions {
  /** Accept DPoP at the token endpoint and the guard, and advertise it. @default true */
  enabled?: boolean;
  /** Accepted proof algorithms; asymmetric only (never `none` or `HS*`). @default RS/PS/ES 256–512 and EdDSA */
  signingAlgorithms?: readonly string[];
  /**
   * Oldest accepted proof (`iat` age), in seconds; proof identifiers are
   * remembered this long to refuse a replay (RFC 9449 §11.1). @default 300
   */
  proofMaxAgeSeconds?: number;
  /**
   * Server-provided nonces (RFC 9449 §8, §9): a proof without the current
   * nonce is answered `use_dpop_nonce` with a `DPoP-Nonce` header. Nonces are
   * stateless (an HMAC of a time slot): give every instance the same `secret`.
   * @default off
   */
  nonce?: DpopNonceOptions;
}

/** Server nonces of {@link DpopOptions}. */
export interface DpopNonceOptions {
  /** Require a nonce at the token endpoint. @default true when `nonce` is given */
  tokenEndpoint?: boolean;
  /** Require a nonce at the protected resource (the guard). @default false */
  resourceServer?: boolean;
  /**
   * HMAC key of the nonces, at least 32 bytes; the same on every instance.
   * @default random per process (one instance only)
   */
  secret?: string | Uint8Array;
  /** How often the nonce changes, in seconds; a nonce is accepted for up to twice this. @default 300 */
  rotationSeconds?: number;
}

/** {@link DpopOptions} after defaults. */
export interface ResolvedDpop {
  signingAlgorithms: string[];
  proofMaxAgeSeconds: number;
  /** Present when nonces are required somewhere. */
  nonces?: DpopNonces;
  nonceAtTokenEndpoint: boolean;
  nonceAtResourceServer: boolean;
}

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

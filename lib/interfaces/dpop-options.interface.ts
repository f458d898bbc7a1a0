import type { DpopNonces } from '../rules/dpop-nonce.js';

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

import { EmbeddedJWK, calculateJwkThumbprint, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { hashValue } from './secure-values.js';

/** The JOSE `typ` of a DPoP proof (RFC 9449 §4.2). */
export const DPOP_PROOF_TYPE = 'dpop+jwt';

/** Namespace of proof identifiers (`jti`) in the one-time store (`markUsedOnce`, RFC 9449 §11.1). */
export const DPOP_PROOF_REPLAY_NAMESPACE = 'dpop_proof';

/** Longest proof accepted, in characters: a proof carries one public key (an RSA 4096 key is ~800). */
const MAX_PROOF_LENGTH = 8192;

/** Longest `jti` accepted. */
const MAX_JTI_LENGTH = 256;

/** JWK members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/**
 * Why a proof was refused: `invalid_dpop_proof` (RFC 9449 §5, §7.1), or
 * `use_dpop_nonce` when the server requires a nonce the proof lacks or has a
 * stale one of (RFC 9449 §8, §9). The caller renders it for its medium (a 400
 * JSON error at the token endpoint, a 401 `DPoP` challenge at the resource).
 */
export class DpopProofError extends Error {
  constructor(
    readonly error: 'invalid_dpop_proof' | 'use_dpop_nonce',
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'DpopProofError';
  }
}

/** What {@link verifyDpopProof} checks the proof against. */
export interface DpopProofCheck {
  /** The request's method (`htm`, compared exactly, RFC 9110 §9.1 methods are case-sensitive). */
  method: string;
  /** The request's URL (`htu`); query and fragment are ignored on both sides. */
  url: string;
  /** Accepted JWS algorithms: asymmetric only (RFC 9449 §4.3 item 5). */
  algorithms: readonly string[];
  /** Current time, seconds since the epoch. */
  nowSeconds: number;
  /** Oldest accepted `iat`, as an age in seconds (RFC 9449 §11.1). */
  maxAgeSeconds: number;
  /** Leeway for clocks ahead of the server's, in seconds. */
  clockSkewSeconds: number;
  /** At a protected resource: the access token the proof must be bound to by `ath` (RFC 9449 §4.3 item 12). */
  accessToken?: string;
  /**
   * Set when the server requires a nonce (RFC 9449 §8, §9): whether a `nonce`
   * claim is one the server issued and still accepts. A missing or refused
   * nonce is `use_dpop_nonce`.
   */
  acceptNonce?: (nonce: string) => boolean;
}

/** A verified proof. */
export interface VerifiedDpopProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's public key (base64url): what `cnf.jkt` holds. */
  jkt: string;
  /** The proof's unique identifier: the caller refuses a second use (RFC 9449 §11.1). */
  jti: string;
  /** Seconds since the epoch. */
  iat: number;
}

/**
 * Verifies a DPoP proof JWT (RFC 9449 §4.3) and returns its key's thumbprint.
 * Checks, in order: one compact JWS no longer than 8 KiB; `typ` `dpop+jwt`;
 * an accepted asymmetric `alg` (never `none` or HMAC); a public `jwk` header
 * (no private members) that verifies the signature; `jti` present; `htm` =
 * the method; `htu` = the request URL without query and fragment, both sides
 * normalised (RFC 3986 §6.2.2, §6.2.3: scheme and host case, default port,
 * percent-encoding case, dot segments, empty path); `iat` no older than
 * `maxAgeSeconds` and not ahead by more than the skew; `ath` =
 * base64url(SHA-256(access token)) when an access token is given; the nonce
 * when the server requires one.
 *
 * Replay of `jti` is NOT checked here: the caller remembers it in a shared
 * one-time store (`markUsedOnce`) until {@link dpopProofReplayExpiryMs}.
 *
 * @throws DpopProofError describing what failed, never echoing the proof
 */
export async function verifyDpopProof(proof: string, check: DpopProofCheck): Promise<VerifiedDpopProof> {
  if (typeof proof !== 'string' || proof.length === 0 || proof.length > MAX_PROOF_LENGTH)
    invalid('the DPoP proof is missing or too long');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    return invalid('the DPoP proof is not a JWS compact serialization');
  }
  if (header.typ !== DPOP_PROOF_TYPE) invalid(`the DPoP proof typ must be ${DPOP_PROOF_TYPE}`);
  if (typeof header.alg !== 'string' || !check.algorithms.includes(header.alg))
    invalid(`the DPoP proof algorithm ${String(header.alg)} is not accepted`);
  const jwk = header.jwk as Record<string, unknown> | undefined;
  if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk)) invalid('the DPoP proof has no jwk header');
  if (PRIVATE_JWK_MEMBERS.some((member) => member in jwk!)) invalid('the DPoP proof jwk must be a public key');

  let payload: Record<string, unknown>;
  try {
    payload = (
      await jwtVerify(proof, EmbeddedJWK, {
        typ: DPOP_PROOF_TYPE,
        algorithms: [...check.algorithms],
        requiredClaims: ['jti', 'htm', 'htu', 'iat'],
        currentDate: new Date(check.nowSeconds * 1000),
        clockTolerance: check.clockSkewSeconds,
      })
    ).payload as Record<string, unknown>;
  } catch (error) {
    return invalid(joseFailure(error));
  }

  const { jti, htm, htu, iat } = payload;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH)
    invalid('the DPoP proof jti must be a non-empty string');
  if (htm !== check.method) invalid('the DPoP proof htm does not match the request method');
  if (typeof htu !== 'string' || normalizeHtu(htu) === undefined || normalizeHtu(htu) !== normalizeHtu(check.url))
    invalid('the DPoP proof htu does not match the request URL');
  if (typeof iat !== 'number' || !Number.isFinite(iat)) invalid('the DPoP proof iat must be a number');
  if ((iat as number) < check.nowSeconds - check.maxAgeSeconds - check.clockSkewSeconds)
    invalid('the DPoP proof is too old (iat)');
  if ((iat as number) > check.nowSeconds + check.clockSkewSeconds)
    invalid('the DPoP proof was issued in the future (iat)');
  if (check.accessToken !== undefined && payload.ath !== accessTokenHash(check.accessToken))
    invalid('the DPoP proof ath does not match the access token');
  if (check.acceptNonce) {
    const nonce = payload.nonce;
    if (typeof nonce !== 'string' || !check.acceptNonce(nonce))
      throw new DpopProofError('use_dpop_nonce', 'the DPoP proof must carry the nonce the server provided');
  }
  return { jkt: await calculateJwkThumbprint(jwk as never, 'sha256'), jti: jti as string, iat: iat as number };
}

/**
 * Until when a proof's `jti` must be remembered (epoch ms): past it, its `iat`
 * is too old to be accepted anyway (RFC 9449 §11.1).
 */
export function dpopProofReplayExpiryMs(proof: VerifiedDpopProof, check: DpopProofCheck): number {
  return (proof.iat + check.maxAgeSeconds + 2 * check.clockSkewSeconds + 1) * 1000;
}

/** The `ath` of an access token: base64url(SHA-256(ASCII token)) (RFC 9449 §4.2). */
export function accessTokenHash(accessToken: string): string {
  return hashValue(accessToken);
}

/**
 * The form in which `htu` values are compared (RFC 9449 §4.3 item 9): an
 * http(s) URL's scheme and host in lower case, the default port left out,
 * the path with dot segments resolved, `%xx` in upper case and unreserved
 * characters decoded (RFC 3986 §6.2.2, §6.2.3), and no user info, query or
 * fragment. `undefined` for anything that is not an absolute http(s) URL.
 */
export function normalizeHtu(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const path = (url.pathname || '/').replace(/%([0-9a-fA-F]{2})/g, (_match, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return /^[A-Za-z0-9\-._~]$/.test(char) ? char : `%${hex.toUpperCase()}`;
  });
  return `${url.protocol}//${url.host}${path}`;
}

function invalid(reason: string): never {
  throw new DpopProofError('invalid_dpop_proof', reason);
}

function joseFailure(error: unknown): string {
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the DPoP proof signature is invalid';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'the DPoP proof algorithm is not accepted';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return `the DPoP proof claim ${error.claim} is missing or wrong`;
  }
  if (error instanceof joseErrors.JWSInvalid) return 'the DPoP proof jwk header is not a usable public key';
  return 'the DPoP proof could not be verified';
}

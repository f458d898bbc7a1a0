import { createHash, timingSafeEqual } from 'node:crypto';

/** RFC 7636 §4.1: 43–128 characters from the unreserved set. */
const VERIFIER_SYNTAX = /^[A-Za-z0-9\-._~]{43,128}$/;

/** RFC 7636 §4.2: an S256 challenge is BASE64URL(SHA256(verifier)) without padding, 43 characters. */
const S256_CHALLENGE_SYNTAX = /^[A-Za-z0-9_-]{43}$/;

/** The only code challenge method accepted (OAuth 2.1 §4.1.1, S15). */
export const SUPPORTED_CODE_CHALLENGE_METHODS = ['S256'] as const;

/** True when `challenge` has the syntax of an S256 challenge (RFC 7636 §4.2). */
export function isValidS256Challenge(challenge: string): boolean {
  return S256_CHALLENGE_SYNTAX.test(challenge);
}

/** True when `verifier` is 43–128 unreserved characters (RFC 7636 §4.1, S16). */
export function isValidCodeVerifier(verifier: string): boolean {
  return VERIFIER_SYNTAX.test(verifier);
}

/** BASE64URL(SHA256(ASCII(verifier))) (RFC 7636 §4.2). */
export function computeS256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * Verifies a code verifier against an S256 challenge (RFC 7636 §4.6) in
 * constant time. A malformed verifier never matches (S16).
 */
export function verifyS256(verifier: string | undefined, challenge: string): boolean {
  if (verifier === undefined || !isValidCodeVerifier(verifier)) return false;
  const computed = Buffer.from(computeS256Challenge(verifier));
  const expected = Buffer.from(challenge);
  if (computed.length !== expected.length) {
    timingSafeEqual(computed, computed);
    return false;
  }
  return timingSafeEqual(computed, expected);
}

import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bytes of randomness in every code, token, secret, interaction and session id: 256 bits (S47). */
export const RANDOM_VALUE_BYTES = 32;

/** A fresh random value, base64url without padding (43 characters for 32 bytes). */
export function randomValue(bytes = RANDOM_VALUE_BYTES): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 of a credential, base64url: the only form in which codes, tokens and ids reach the store. */
export function hashValue(value: string): string {
  return hash('sha256', value, 'base64url');
}

/** Constant-time string equality (compares SHA-256 digests, so lengths leak nothing). */
export function constantTimeEquals(a: string, b: string): boolean {
  const digestA = hash('sha256', a, 'buffer');
  const digestB = hash('sha256', b, 'buffer');
  return timingSafeEqual(digestA, digestB);
}

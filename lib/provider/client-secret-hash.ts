import { hashValue, constantTimeEquals } from '../rules/secure-values.js';

const PREFIX = 'sha256:';

/**
 * Hashes a client secret for storage (RFC 6749 §2.3.1, S37). SHA-256 and not
 * a slow password hash: secrets are server-generated 256-bit random values,
 * which cannot be guessed offline, and a fast hash keeps the token endpoint
 * cheap (no CPU lever for a flood of bad secrets).
 */
export function hashClientSecret(secret: string): string {
  return `${PREFIX}${hashValue(secret)}`;
}

/** True when `presented` hashes to `storedHash`, compared in constant time. */
export function verifyClientSecretHash(storedHash: string, presented: string): boolean {
  return constantTimeEquals(storedHash, hashClientSecret(presented));
}

/** Whether a stored value is a hash produced by {@link hashClientSecret}. */
export function isClientSecretHash(value: string): boolean {
  return value.startsWith(PREFIX);
}

import { createCipheriv, createHmac } from 'node:crypto';
import { TokenSealer } from '../upstream/token-sealer.js';
import { providerRandom } from './random-pool.js';

const HKDF_INFO = 'nestjs-mcp-auth refresh-token successor v1';
/** RFC 5869 §2.2: an absent salt is a string of HashLen zeros. */
const HKDF_ZERO_SALT = Buffer.alloc(32);
const HKDF_FIRST_BLOCK = Buffer.from([1]);
/** AES-GCM nonce length (NIST SP 800-38D §8.2: 96 bits). */
const IV_BYTES = 12;

/**
 * Seals the successor of a rotated refresh token (S61) with AES-256-GCM under
 * a key derived by HKDF-SHA256 (RFC 5869) from the OLD token's plaintext, bound
 * to the grant as additional authenticated data. The store keeps only the
 * sealed text, so only a holder of the old token can open it, and only while
 * the store still reports the successor as live. The output is
 * {@link TokenSealer}'s `v1.<iv>.<ciphertext>.<tag>` (which opens it); the
 * random IV comes from the provider's {@link RandomPool}.
 */
export function sealRefreshSuccessor(oldToken: string, successor: string, grantId: string): string {
  const iv = providerRandom.bytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', refreshSuccessorKey(oldToken), iv);
  cipher.setAAD(Buffer.from(grantId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()]);
  return `v1.${iv.toString('base64url')}.${ciphertext.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
}

/** The successor sealed by {@link sealRefreshSuccessor}, or `undefined` when `oldToken` or `grantId` do not match. */
export function unsealRefreshSuccessor(oldToken: string, sealed: string, grantId: string): string | undefined {
  return sealerFor(oldToken).unseal(sealed, grantId);
}

/**
 * HKDF-SHA256 of the old token with no salt and a fixed `info`, 32 bytes: one
 * block, so extract and expand are one HMAC each (RFC 5869 §2.2, §2.3). Equal
 * to `hkdfSync('sha256', oldToken, '', HKDF_INFO, 32)`, several times cheaper
 * on the refresh path.
 */
export function refreshSuccessorKey(oldToken: string): Buffer {
  const pseudoRandomKey = createHmac('sha256', HKDF_ZERO_SALT).update(oldToken, 'utf8').digest();
  return createHmac('sha256', pseudoRandomKey).update(HKDF_INFO, 'utf8').update(HKDF_FIRST_BLOCK).digest();
}

function sealerFor(oldToken: string): TokenSealer {
  return new TokenSealer(refreshSuccessorKey(oldToken));
}

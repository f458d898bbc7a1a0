import { hkdfSync } from 'node:crypto';
import { TokenSealer } from '../upstream/token-sealer.js';

const HKDF_INFO = 'nestjs-mcp-auth refresh-token successor v1';

/**
 * Seals the successor of a rotated refresh token (S61) with AES-256-GCM under
 * a key derived by HKDF-SHA256 (RFC 5869) from the OLD token's plaintext, bound
 * to the grant as additional authenticated data. The store keeps only the
 * sealed text, so only a holder of the old token can open it, and only while
 * the store still reports the successor as live.
 */
export function sealRefreshSuccessor(oldToken: string, successor: string, grantId: string): string {
  return sealerFor(oldToken).seal(successor, grantId);
}

/** The successor sealed by {@link sealRefreshSuccessor}, or `undefined` when `oldToken` or `grantId` do not match. */
export function unsealRefreshSuccessor(oldToken: string, sealed: string, grantId: string): string | undefined {
  return sealerFor(oldToken).unseal(sealed, grantId);
}

function sealerFor(oldToken: string): TokenSealer {
  const key = hkdfSync('sha256', Buffer.from(oldToken, 'utf8'), Buffer.alloc(0), HKDF_INFO, 32);
  return new TokenSealer(Buffer.from(key));
}

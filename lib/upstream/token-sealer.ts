import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * AES-256-GCM sealing of small secrets (upstream tokens, interaction ids) so
 * that the store only ever holds ciphertext. Output: `v1.<iv>.<ciphertext>.<tag>`
 * (base64url). `context` is bound as additional authenticated data.
 */
export class TokenSealer {
  private readonly key: Buffer;

  /** @param key - 32 bytes, or any secret string (hashed with SHA-256 to 32 bytes). */
  constructor(key: Buffer | string) {
    this.key = typeof key === 'string' ? createHash('sha256').update(key, 'utf8').digest() : key;
    if (this.key.length !== 32) throw new Error('TokenSealer: the key must be 32 bytes');
  }

  seal(plaintext: string, context = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** The plaintext, or `undefined` when the value was not sealed with this key and context. */
  unseal(sealed: string, context = ''): string | undefined {
    const parts = typeof sealed === 'string' ? sealed.split('.') : [];
    if (parts.length !== 4 || parts[0] !== VERSION) return undefined;
    try {
      const [iv, ciphertext, tag] = parts.slice(1).map((part) => Buffer.from(part, 'base64url'));
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

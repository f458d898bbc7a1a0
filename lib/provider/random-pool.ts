import { randomFillSync } from 'node:crypto';
import { RANDOM_VALUE_BYTES } from '../rules/secure-values.js';

/** Bytes drawn from the CSPRNG at once: 128 values of 256 bits. */
const POOL_BYTES = 4096;

/**
 * Random values for the token endpoint's hot path, cut from one buffer that
 * `crypto.randomFillSync` (the OS-seeded CSPRNG, as `randomBytes`) refills
 * when it is used up. Each `randomFillSync` call has a fixed cost of several
 * microseconds whatever its size, and a refresh needs three values (refresh
 * token, `jti`, seal IV): drawing them 4 KiB at a time makes that cost
 * negligible. Every value keeps its full entropy (S47); bytes are zeroed as
 * soon as they are handed out, so only values not issued yet stay in memory,
 * as with Node's own entropy cache behind `crypto.randomUUID()`.
 */
export class RandomPool {
  private readonly pool = Buffer.allocUnsafeSlow(POOL_BYTES);
  private offset = POOL_BYTES;

  /** `bytes` random bytes as base64url without padding (43 characters for 32 bytes). */
  value(bytes = RANDOM_VALUE_BYTES): string {
    const start = this.take(bytes);
    const value = this.pool.toString('base64url', start, start + bytes);
    this.pool.fill(0, start, start + bytes);
    return value;
  }

  /** `bytes` random bytes in a buffer of their own. */
  bytes(bytes: number): Buffer {
    const start = this.take(bytes);
    const copy = Buffer.from(this.pool.subarray(start, start + bytes));
    this.pool.fill(0, start, start + bytes);
    return copy;
  }

  private take(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 1 || bytes > POOL_BYTES) throw new RangeError('RandomPool: bad length');
    if (this.offset + bytes > POOL_BYTES) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const start = this.offset;
    this.offset += bytes;
    return start;
  }
}

/** The process-wide pool of the built-in provider. */
export const providerRandom = new RandomPool();

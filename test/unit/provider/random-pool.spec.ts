import { describe, expect, it } from 'vitest';
import { RandomPool } from '../../../lib/provider/random-pool.js';

describe('RandomPool (S47)', () => {
  it('S47 hands out 256-bit base64url values, all distinct, across many refills', () => {
    const pool = new RandomPool();
    const values = Array.from({ length: 1000 }, () => pool.value());
    expect(new Set(values).size).toBe(1000);
    for (const value of values) expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pool.value(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(pool.bytes(12)).toHaveLength(12);
  });

  it('S47 zeroes every value in the pool once it is handed out; only values not yet issued stay', () => {
    const pool = new RandomPool();
    const buffer = (pool as unknown as { pool: Buffer }).pool;
    pool.value();
    const first = pool.bytes(12);
    expect(buffer.subarray(0, 44).every((byte) => byte === 0)).toBe(true);
    expect(first.every((byte) => byte === 0)).toBe(false);
    expect(buffer.subarray(44).some((byte) => byte !== 0)).toBe(true);
  });

  it('refuses lengths it cannot serve', () => {
    const pool = new RandomPool();
    expect(() => pool.value(0)).toThrow(RangeError);
    expect(() => pool.bytes(4097)).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { cacheLifetimeSeconds } from '../../../lib/cimd/index.js';

const bounds = { minCacheSeconds: 60, maxCacheSeconds: 86_400, defaultCacheSeconds: 300 };

describe('CIMD cache lifetime from Cache-Control (S42)', () => {
  it.each([
    [undefined, 300],
    ['', 300],
    ['public', 300],
    ['max-age=600', 600],
    ['public, max-age=3600', 3600],
    ['MAX-AGE = 120', 120],
    ['max-age=5', 60],
    ['max-age=0', 60],
    ['no-cache', 60],
    ['max-age=99999999', 86_400],
    ['max-age=600, no-store', 0],
    ['no-store', 0],
    ['max-age=abc', 300],
  ])('S42 %j gives %d seconds', (header, seconds) => {
    expect(cacheLifetimeSeconds(header, bounds)).toBe(seconds);
  });
});

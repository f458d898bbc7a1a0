import { JwtService } from '@nestjs/jwt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VerifiedTokenCache } from '../../../lib/provider/verified-token-cache.js';
import { issueTokens, makeProvider } from '../../support/provider-fixtures.js';

describe('verified access-token cache', () => {
  afterEach(() => vi.restoreAllMocks());

  it('checks the signature of a reused token once, and still answers per request', async () => {
    const { provider } = makeProvider();
    const tokens = await issueTokens(provider);
    const verify = vi.spyOn(JwtService.prototype, 'verifyAsync');
    for (let i = 0; i < 5; i++) expect(await provider.loadAccessToken(tokens.accessToken)).toBeDefined();
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('verifies every time when the cache is switched off', async () => {
    const { provider } = makeProvider({ verifiedTokenCacheSize: 0 });
    const tokens = await issueTokens(provider);
    const verify = vi.spyOn(JwtService.prototype, 'verifyAsync');
    for (let i = 0; i < 3; i++) expect(await provider.loadAccessToken(tokens.accessToken)).toBeDefined();
    expect(verify).toHaveBeenCalledTimes(3);
  });

  it('S9 a cached token is refused once revoked', async () => {
    const { provider } = makeProvider();
    const tokens = await issueTokens(provider);
    const access = (await provider.loadAccessToken(tokens.accessToken))!;
    await provider.revokeToken(access);
    expect(await provider.loadAccessToken(tokens.accessToken)).toBeUndefined();
  });

  it('S2 a forged token never enters the cache, so it is refused every time', async () => {
    const { provider } = makeProvider();
    const tokens = await issueTokens(provider);
    const [header, payload] = tokens.accessToken.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(86)}`;
    expect(await provider.loadAccessToken(forged)).toBeUndefined();
    expect(await provider.loadAccessToken(forged)).toBeUndefined();
  });

  it('S3 forgets an entry at exp + skew and drops the oldest entry when full', () => {
    const cache = new VerifiedTokenCache<{ exp: number }>(2);
    cache.set('a', { exp: 100 });
    expect(cache.get('a', 104, 5)).toEqual({ exp: 100 });
    expect(cache.get('a', 105, 5)).toBeUndefined();
    cache.set('b', { exp: 200 });
    cache.set('c', { exp: 200 });
    cache.set('d', { exp: 200 });
    expect(cache.size).toBe(2);
    expect(cache.get('b', 0, 0)).toBeUndefined();
    expect(cache.get('d', 0, 0)).toEqual({ exp: 200 });
  });

  it('refuses a negative or fractional size', () => {
    expect(() => new VerifiedTokenCache(-1)).toThrow(/non-negative integer/);
    expect(() => new VerifiedTokenCache(1.5)).toThrow(/non-negative integer/);
    expect(() => makeProvider({ verifiedTokenCacheSize: Number.NaN })).toThrow(/non-negative integer/);
  });
});

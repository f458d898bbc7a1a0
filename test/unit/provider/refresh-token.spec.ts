import { describe, expect, it } from 'vitest';
import { InvalidGrantError } from '../../../lib/errors/index.js';
import { client, issueTokens, makeProvider, otherClient } from '../../support/provider-fixtures.js';

describe('DefaultOAuthProvider refresh tokens', () => {
  it('S22 every refresh returns a new refresh token and the old one is dead (rotation grace off)', async () => {
    const { provider } = makeProvider({ refreshTokenRotationGraceSeconds: 0 });
    const first = await issueTokens(provider);
    const loaded = (await provider.loadRefreshToken(client, first.refreshToken!))!;
    const second = await provider.exchangeRefreshToken(client, loaded, loaded.scopes);
    expect(second.refreshToken).toBeDefined();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(await provider.loadRefreshToken(client, second.refreshToken!)).toBeDefined();
    await expect(provider.exchangeRefreshToken(client, loaded, loaded.scopes)).rejects.toBeInstanceOf(
      InvalidGrantError,
    );
  });

  it('S22 presenting a rotated-out refresh token revokes the whole grant, access tokens included (grace off)', async () => {
    const { provider } = makeProvider({ refreshTokenRotationGraceSeconds: 0 });
    const first = await issueTokens(provider);
    const loaded = (await provider.loadRefreshToken(client, first.refreshToken!))!;
    const second = await provider.exchangeRefreshToken(client, loaded, loaded.scopes);
    expect(await provider.loadAccessToken(second.accessToken)).toBeDefined();

    expect(await provider.loadRefreshToken(client, first.refreshToken!)).toBeUndefined();

    expect(await provider.loadRefreshToken(client, second.refreshToken!)).toBeUndefined();
    expect(await provider.loadAccessToken(second.accessToken)).toBeUndefined();
    expect(await provider.loadAccessToken(first.accessToken)).toBeUndefined();
  });

  it('S22 of concurrent refreshes with one token exactly one succeeds, and the loser revokes the grant (grace off)', async () => {
    const { provider } = makeProvider({ refreshTokenRotationGraceSeconds: 0 });
    const first = await issueTokens(provider);
    const loaded = (await provider.loadRefreshToken(client, first.refreshToken!))!;
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => provider.exchangeRefreshToken(client, loaded, loaded.scopes)),
    );
    const winners = results.filter((r) => r.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    const winner = (winners[0] as PromiseFulfilledResult<{ refreshToken?: string; accessToken: string }>).value;
    expect(await provider.loadRefreshToken(client, winner.refreshToken!)).toBeUndefined();
    expect(await provider.loadAccessToken(winner.accessToken)).toBeUndefined();
  });

  it('S23 a refresh token presented by another client is unknown', async () => {
    const { provider } = makeProvider();
    const tokens = await issueTokens(provider);
    expect(await provider.loadRefreshToken(otherClient, tokens.refreshToken!)).toBeUndefined();
    const loaded = (await provider.loadRefreshToken(client, tokens.refreshToken!))!;
    await expect(provider.exchangeRefreshToken(otherClient, loaded, loaded.scopes)).rejects.toBeInstanceOf(
      InvalidGrantError,
    );
  });

  it('S24 narrows the scope on refresh and may widen back up to the grant, never beyond', async () => {
    const { provider } = makeProvider();
    const first = await issueTokens(provider, ['notes:read', 'notes:write']);
    const loaded = (await provider.loadRefreshToken(client, first.refreshToken!))!;
    expect(loaded.scopes).toEqual(['notes:read', 'notes:write']);
    const narrow = await provider.exchangeRefreshToken(client, loaded, ['notes:read']);
    expect(narrow.scope).toBe('notes:read');
    expect((await provider.loadAccessToken(narrow.accessToken))!.scopes).toEqual(['notes:read']);
    const again = (await provider.loadRefreshToken(client, narrow.refreshToken!))!;
    expect(again.scopes).toEqual(['notes:read', 'notes:write']);
    const wide = await provider.exchangeRefreshToken(client, again, ['notes:read', 'notes:write']);
    expect(wide.scope).toBe('notes:read notes:write');
    const third = (await provider.loadRefreshToken(client, wide.refreshToken!))!;
    await expect(provider.exchangeRefreshToken(client, third, ['admin'])).rejects.toMatchObject({
      error: 'invalid_scope',
    });
  });

  it('S26 a refresh token dies after the idle lifetime', async () => {
    const { provider, clock } = makeProvider({ lifetimes: { refreshTokenIdle: 100, refreshTokenAbsolute: 1000 } });
    const tokens = await issueTokens(provider);
    clock.advanceSeconds(99);
    expect(await provider.loadRefreshToken(client, tokens.refreshToken!)).toBeDefined();
    clock.advanceSeconds(2);
    expect(await provider.loadRefreshToken(client, tokens.refreshToken!)).toBeUndefined();
  });

  it('S26 a grant ends at the absolute lifetime even when refreshed often', async () => {
    const { provider, clock } = makeProvider({ lifetimes: { refreshTokenIdle: 100, refreshTokenAbsolute: 250 } });
    let tokens = await issueTokens(provider);
    for (let i = 0; i < 4; i++) {
      clock.advanceSeconds(60);
      const loaded = (await provider.loadRefreshToken(client, tokens.refreshToken!))!;
      expect(loaded, `refresh ${i}`).toBeDefined();
      expect(loaded.expiresAt! * 1000).toBeLessThanOrEqual(clock.now() + 250_000);
      tokens = await provider.exchangeRefreshToken(client, loaded, loaded.scopes);
    }
    clock.advanceSeconds(11);
    expect(await provider.loadRefreshToken(client, tokens.refreshToken!)).toBeUndefined();
    expect(await provider.loadAccessToken(tokens.accessToken)).toBeUndefined();
  });

  it('S43 revoking a refresh token revokes its grant and access tokens', async () => {
    const { provider } = makeProvider();
    const tokens = await issueTokens(provider);
    const loaded = (await provider.loadRefreshToken(client, tokens.refreshToken!))!;
    await provider.revokeToken(loaded);
    expect(await provider.loadRefreshToken(client, tokens.refreshToken!)).toBeUndefined();
    expect(await provider.loadAccessToken(tokens.accessToken)).toBeUndefined();
  });
});

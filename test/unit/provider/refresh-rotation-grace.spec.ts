import { describe, expect, it } from 'vitest';
import { InvalidGrantError } from '../../../lib/errors/index.js';
import type { OAuthToken } from '../../../lib/interfaces/oauth-models.js';
import type { DefaultOAuthProvider } from '../../../lib/provider/default-oauth-provider.js';
import { hashValue } from '../../../lib/rules/secure-values.js';
import { client, issueTokens, makeProvider, otherClient } from '../../support/provider-fixtures.js';

/** One refresh as the token endpoint runs it: load, then exchange. */
async function refresh(provider: DefaultOAuthProvider, refreshToken: string, scopes?: string[]): Promise<OAuthToken> {
  const loaded = await provider.loadRefreshToken(client, refreshToken);
  if (!loaded) throw new InvalidGrantError('The refresh token is invalid');
  return provider.exchangeRefreshToken(client, loaded, scopes ?? loaded.scopes);
}

describe('DefaultOAuthProvider refresh rotation grace', () => {
  it('S61 a lost response: the rotated token presented again 2 s later gets the same successor and a fresh access token', async () => {
    const { provider, clock } = makeProvider();
    const first = await issueTokens(provider);
    const lost = await refresh(provider, first.refreshToken!);
    clock.advanceSeconds(2);
    const retry = await refresh(provider, first.refreshToken!);
    expect(retry.refreshToken).toBe(lost.refreshToken);
    expect(retry.accessToken).not.toBe(lost.accessToken);
    const retryClaims = (await provider.loadAccessToken(retry.accessToken))!;
    const lostClaims = (await provider.loadAccessToken(lost.accessToken))!;
    expect(retryClaims.grantId).toBe(lostClaims.grantId);
    expect(retryClaims.scopes).toEqual(lostClaims.scopes);
    const next = await refresh(provider, retry.refreshToken!);
    expect(await provider.loadAccessToken(next.accessToken)).toBeDefined();
  });

  it('S61 ten identical refreshes at once all succeed with one successor; the grant stays live', async () => {
    const { provider } = makeProvider();
    const first = await issueTokens(provider);
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(provider, first.refreshToken!)));
    expect(new Set(results.map((r) => r.refreshToken)).size).toBe(1);
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(10);
    for (const result of results) expect(await provider.loadAccessToken(result.accessToken)).toBeDefined();
    expect(await provider.loadRefreshToken(client, results[0]!.refreshToken!)).toBeDefined();
  });

  it('S61 S22 once the successor was used, presenting the rotated token is reuse: the grant is revoked', async () => {
    const { provider, clock } = makeProvider();
    const first = await issueTokens(provider);
    const second = await refresh(provider, first.refreshToken!);
    const third = await refresh(provider, second.refreshToken!);
    clock.advanceSeconds(1);
    await expect(refresh(provider, first.refreshToken!)).rejects.toBeInstanceOf(InvalidGrantError);
    expect(await provider.loadAccessToken(third.accessToken)).toBeUndefined();
    expect(await provider.loadRefreshToken(client, third.refreshToken!)).toBeUndefined();
  });

  it('S61 S22 after the grace window the rotated token is reuse: the grant is revoked', async () => {
    const { provider, clock } = makeProvider({ refreshTokenRotationGraceSeconds: 30 });
    const first = await issueTokens(provider);
    const second = await refresh(provider, first.refreshToken!);
    clock.advanceSeconds(31);
    await expect(refresh(provider, first.refreshToken!)).rejects.toBeInstanceOf(InvalidGrantError);
    expect(await provider.loadAccessToken(second.accessToken)).toBeUndefined();
  });

  it('S61 S23 another client presenting a rotated token within the window gets nothing and the grant is revoked', async () => {
    const { provider } = makeProvider();
    const first = await issueTokens(provider);
    const second = await refresh(provider, first.refreshToken!);
    expect(await provider.loadRefreshToken(otherClient, first.refreshToken!)).toBeUndefined();
    expect(await provider.loadAccessToken(second.accessToken)).toBeUndefined();
  });

  it('S61 the store holds the successor only sealed under the old token, bound to the grant', async () => {
    const { provider, store } = makeProvider();
    const first = await issueTokens(provider);
    const second = await refresh(provider, first.refreshToken!);
    const lookup = await store.findRefreshToken(hashValue(first.refreshToken!));
    expect(lookup.status).toBe('reused');
    const sealed = lookup.status === 'reused' ? lookup.rotation?.sealedSuccessor : undefined;
    expect(typeof sealed).toBe('string');
    expect(sealed).not.toContain(second.refreshToken!);
    expect(JSON.stringify(lookup)).not.toContain(second.refreshToken!);
  });

  it('S61 with grace 0 nothing is sealed and a second presentation is reuse', async () => {
    const { provider, store } = makeProvider({ refreshTokenRotationGraceSeconds: 0 });
    const first = await issueTokens(provider);
    await refresh(provider, first.refreshToken!);
    const lookup = await store.findRefreshToken(hashValue(first.refreshToken!));
    expect(lookup.status === 'reused' && lookup.rotation?.sealedSuccessor).toBeFalsy();
    await expect(refresh(provider, first.refreshToken!)).rejects.toBeInstanceOf(InvalidGrantError);
  });

  it('S61 rejects a grace outside 0..300 seconds', () => {
    expect(() => makeProvider({ refreshTokenRotationGraceSeconds: -1 })).toThrow(/refreshTokenRotationGraceSeconds/);
    expect(() => makeProvider({ refreshTokenRotationGraceSeconds: 301 })).toThrow(/refreshTokenRotationGraceSeconds/);
  });
});

describe('DefaultOAuthProvider step-up for refresh-first clients', () => {
  it('S63 after insufficient_scope a refresh of the grant asks for a new authorization; its access token keeps working', async () => {
    const { provider, clock } = makeProvider();
    const tokens = await issueTokens(provider, ['notes:read']);
    const access = (await provider.loadAccessToken(tokens.accessToken))!;
    await provider.onInsufficientScope(access);
    const error = await refresh(provider, tokens.refreshToken!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidGrantError);
    expect((error as InvalidGrantError).description).toMatch(/new authorization/);
    expect(await provider.loadAccessToken(tokens.accessToken)).toBeDefined();
    clock.advanceSeconds(601);
    const later = await refresh(provider, tokens.refreshToken!);
    expect(later.refreshToken).toBeDefined();
  });

  it('S63 switched off (false) a refresh after insufficient_scope succeeds', async () => {
    const { provider } = makeProvider({ stepUpRefreshWindowSeconds: false });
    const tokens = await issueTokens(provider, ['notes:read']);
    await provider.onInsufficientScope((await provider.loadAccessToken(tokens.accessToken))!);
    expect((await refresh(provider, tokens.refreshToken!)).refreshToken).toBeDefined();
  });

  it('S63 a token of another issuer does not mark any grant', async () => {
    const { provider, store } = makeProvider();
    const tokens = await issueTokens(provider, ['notes:read']);
    const access = (await provider.loadAccessToken(tokens.accessToken))!;
    await provider.onInsufficientScope({ ...access, issuer: 'https://elsewhere.example' });
    expect((await store.getGrant(access.grantId))?.stepUpRequiredUntilMs).toBeUndefined();
    expect((await refresh(provider, tokens.refreshToken!)).refreshToken).toBeDefined();
  });
});

describe('refresh successor sealing (S61)', () => {
  it('S61 the sealing key is HKDF-SHA256 of the old token (RFC 5869), and only the old token and grant open the seal', async () => {
    const { hkdfSync } = await import('node:crypto');
    const { refreshSuccessorKey, sealRefreshSuccessor, unsealRefreshSuccessor } =
      await import('../../../lib/provider/refresh-successor-seal.js');
    const old = 'old-refresh-token-value';
    const expected = Buffer.from(
      hkdfSync('sha256', old, Buffer.alloc(0), 'nestjs-mcp-auth refresh-token successor v1', 32),
    );
    expect(refreshSuccessorKey(old).equals(expected)).toBe(true);
    const sealed = sealRefreshSuccessor(old, 'successor', 'grant-1');
    expect(unsealRefreshSuccessor(old, sealed, 'grant-1')).toBe('successor');
    expect(unsealRefreshSuccessor('another-token', sealed, 'grant-1')).toBeUndefined();
    expect(unsealRefreshSuccessor(old, sealed, 'grant-2')).toBeUndefined();
  });
});

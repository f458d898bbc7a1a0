import { describe, expect, it } from 'vitest';
import { InvalidGrantError } from '../../../lib/errors/index.js';
import { client, issueCode, makeProvider, otherClient, RESOURCE } from '../../support/provider-fixtures.js';

describe('DefaultOAuthProvider authorization codes', () => {
  it('binds the code to client, redirect URI, PKCE challenge, scopes, resource and subject (S14)', async () => {
    const { provider } = makeProvider();
    const code = await issueCode(provider);
    const loaded = await provider.loadAuthorizationCode(client, code);
    expect(loaded).toMatchObject({
      clientId: 'client-1',
      redirectUri: client.redirectUris[0],
      redirectUriProvidedExplicitly: true,
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      scopes: ['notes:read', 'notes:write'],
      resource: RESOURCE,
      subject: 'alice',
    });
  });

  it('S14 a code loaded by another client is unknown', async () => {
    const { provider } = makeProvider();
    const code = await issueCode(provider);
    expect(await provider.loadAuthorizationCode(otherClient, code)).toBeUndefined();
    const loaded = await provider.loadAuthorizationCode(client, code);
    await expect(provider.exchangeAuthorizationCode(otherClient, loaded!)).rejects.toBeInstanceOf(InvalidGrantError);
  });

  it('S12 of 50 concurrent redemptions exactly one succeeds', async () => {
    const { provider } = makeProvider();
    const code = await issueCode(provider);
    const loaded = (await provider.loadAuthorizationCode(client, code))!;
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => provider.exchangeAuthorizationCode(client, loaded)),
    );
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(49);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(InvalidGrantError);
  });

  it('S11 code replay revokes the grant (load of a consumed code)', async () => {
    const { provider } = makeProvider();
    const code = await issueCode(provider);
    const loaded = (await provider.loadAuthorizationCode(client, code))!;
    const tokens = await provider.exchangeAuthorizationCode(client, loaded);
    expect(await provider.loadAccessToken(tokens.accessToken)).toBeDefined();
    expect(await provider.loadAuthorizationCode(client, code)).toBeUndefined();
    expect(await provider.loadAccessToken(tokens.accessToken)).toBeUndefined();
    expect(await provider.loadRefreshToken(client, tokens.refreshToken!)).toBeUndefined();
  });

  it('S11 a replay long after the code expired still revokes the grant (RFC 6749 §4.1.2)', async () => {
    const { provider, clock } = makeProvider();
    const code = await issueCode(provider);
    const loaded = (await provider.loadAuthorizationCode(client, code))!;
    const tokens = await provider.exchangeAuthorizationCode(client, loaded);
    clock.advanceSeconds(60 * 60);
    expect(await provider.loadRefreshToken(client, tokens.refreshToken!)).toBeDefined();
    expect(await provider.loadAuthorizationCode(client, code)).toBeUndefined();
    expect(await provider.loadRefreshToken(client, tokens.refreshToken!)).toBeUndefined();
  });

  it('S11 code replay revokes the grant (second exchange)', async () => {
    const { provider } = makeProvider();
    const code = await issueCode(provider);
    const loaded = (await provider.loadAuthorizationCode(client, code))!;
    const tokens = await provider.exchangeAuthorizationCode(client, loaded);
    await expect(provider.exchangeAuthorizationCode(client, loaded)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await provider.loadAccessToken(tokens.accessToken)).toBeUndefined();
    expect(await provider.loadRefreshToken(client, tokens.refreshToken!)).toBeUndefined();
  });

  it('S13 a code expires after 60 s by default', async () => {
    const { provider, clock } = makeProvider();
    const code = await issueCode(provider);
    clock.advanceSeconds(59);
    const loaded = (await provider.loadAuthorizationCode(client, code))!;
    expect(loaded.expiresAt).toBe(Math.floor(clock.now() / 1000) + 1);
    clock.advanceSeconds(2);
    expect(await provider.loadAuthorizationCode(client, code)).toBeUndefined();
    await expect(provider.exchangeAuthorizationCode(client, loaded)).rejects.toBeInstanceOf(InvalidGrantError);
  });

  it('S13 refuses a code lifetime above 10 minutes', () => {
    expect(() => makeProvider({ lifetimes: { authorizationCode: 601 } })).toThrow(/authorizationCode/);
    expect(() => makeProvider({ lifetimes: { authorizationCode: 600 } })).not.toThrow();
  });

  it('unknown or empty codes are unknown', async () => {
    const { provider } = makeProvider();
    expect(await provider.loadAuthorizationCode(client, 'nope')).toBeUndefined();
    expect(await provider.loadAuthorizationCode(client, '')).toBeUndefined();
  });

  it('does not issue a refresh token to a client without the refresh_token grant', async () => {
    const { provider } = makeProvider();
    const codeOnly = { ...client, grantTypes: ['authorization_code'] };
    const code = await issueCode(provider, ['notes:read'], codeOnly);
    const tokens = await provider.exchangeAuthorizationCode(
      codeOnly,
      (await provider.loadAuthorizationCode(codeOnly, code))!,
    );
    expect(tokens.refreshToken).toBeUndefined();
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, scope: 'notes:read' });
  });
});

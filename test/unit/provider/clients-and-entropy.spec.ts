import { describe, expect, it } from 'vitest';
import { hashValue } from '../../../lib/rules/secure-values.js';
import { client, issueCode, issueTokens, makeProvider } from '../../support/provider-fixtures.js';

const SECRET = 'x'.repeat(10) + 'Kq3v9ZtYp2Lw8Rj5Nc1Hb7Gd4Fs6Ae0U';

describe('DefaultOAuthProvider clients', () => {
  it('S37 stores a client secret hashed, never in plain text', async () => {
    const { provider, store } = makeProvider();
    await provider.registerClient({
      ...client,
      clientId: 'conf',
      tokenEndpointAuthMethod: 'client_secret_basic',
      clientSecret: SECRET,
    });
    const stored = await store.getClient('conf');
    expect(JSON.stringify(stored)).not.toContain(SECRET);
    expect(stored!.clientSecretHash).toMatch(/^sha256:[A-Za-z0-9_-]{43}$/);
    const loaded = await provider.getClient('conf');
    expect(loaded!.clientSecret).not.toBe(SECRET);
    expect(loaded).toMatchObject({
      clientId: 'conf',
      redirectUris: client.redirectUris,
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it('S37 verifies the secret; a wrong or expired secret fails', async () => {
    const { provider, clock } = makeProvider();
    const expiresAt = Math.floor(clock.now() / 1000) + 60;
    await provider.registerClient({
      ...client,
      clientId: 'conf',
      clientSecret: SECRET,
      clientSecretExpiresAt: expiresAt,
    });
    const info = (await provider.getClient('conf'))!;
    expect(await provider.verifyClientSecret(info, SECRET)).toBe(true);
    expect(await provider.verifyClientSecret(info, `${SECRET}x`)).toBe(false);
    expect(await provider.verifyClientSecret(info, '')).toBe(false);
    expect(await provider.verifyClientSecret(info, info.clientSecret!)).toBe(false);
    clock.advanceSeconds(61);
    expect(await provider.verifyClientSecret(info, SECRET)).toBe(false);
  });

  it('a public client has no secret to verify', async () => {
    const { provider } = makeProvider();
    await provider.registerClient(client);
    expect(await provider.verifyClientSecret((await provider.getClient('client-1'))!, 'anything')).toBe(false);
  });
});

describe('DefaultOAuthProvider randomness', () => {
  const bitsOf = (value: string) => Buffer.from(value, 'base64url').length * 8;

  it('S47 codes, refresh tokens, interaction ids and jti carry at least 128 bits, all distinct', async () => {
    const { provider } = makeProvider();
    const values = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const code = await issueCode(provider);
      expect(bitsOf(code)).toBeGreaterThanOrEqual(256);
      values.add(code);
      const tokens = await issueTokens(provider);
      expect(bitsOf(tokens.refreshToken!)).toBeGreaterThanOrEqual(256);
      values.add(tokens.refreshToken!);
      const jti = (await provider.loadAccessToken(tokens.accessToken))!.jti;
      expect(bitsOf(jti)).toBeGreaterThanOrEqual(128);
      values.add(jti);
      const consent = await provider.authorize(client, {
        scopes: [],
        codeChallenge: 'c',
        redirectUri: client.redirectUris[0],
        redirectUriProvidedExplicitly: false,
      });
      const interactionId = new URL(consent).searchParams.get('interaction')!;
      expect(bitsOf(interactionId)).toBeGreaterThanOrEqual(256);
      values.add(interactionId);
      const interaction = await provider.store.getInteraction(hashValue(interactionId));
      expect(bitsOf(interaction!.csrfToken)).toBeGreaterThanOrEqual(256);
    }
    expect(values.size).toBe(80);
  });

  it('keys the store by hashes: a code is not findable by its plain value', async () => {
    const { provider, store } = makeProvider();
    const code = await issueCode(provider);
    expect((await store.findAuthorizationCode(code)).status).toBe('unknown');
    expect((await store.findAuthorizationCode(hashValue(code))).status).toBe('ok');
  });
});

import { createHmac, createPublicKey, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { DefaultOAuthProvider } from '../../../lib/provider/default-oauth-provider.js';
import { client, ecKeyPem, ISSUER, issueTokens, makeProvider, RESOURCE } from '../../support/provider-fixtures.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const parts = (token: string) => {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
  };
};

describe('DefaultOAuthProvider access tokens', () => {
  it('issues an RFC 9068 JWT: typ at+jwt, ES256, kid, iss, sub, aud, client_id, scope, jti, iat, exp', async () => {
    const { provider, clock } = makeProvider();
    const tokens = await issueTokens(provider);
    const { header, payload } = parts(tokens.accessToken);
    expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'key-1' });
    const now = Math.floor(clock.now() / 1000);
    expect(payload).toMatchObject({
      iss: ISSUER,
      sub: 'alice',
      aud: RESOURCE,
      client_id: 'client-1',
      scope: 'notes:read notes:write',
      iat: now,
      exp: now + 900,
    });
    expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    const verified = await provider.loadAccessToken(tokens.accessToken);
    expect(verified).toMatchObject({
      clientId: 'client-1',
      scopes: ['notes:read', 'notes:write'],
      subject: 'alice',
      resource: RESOURCE,
      issuer: ISSUER,
      expiresAt: now + 900,
    });
    expect(verified!.claims).toMatchObject({ jti: payload.jti });
  });

  it('S3 refuses an expired token after the clock skew', async () => {
    const { provider, clock } = makeProvider();
    const tokens = await issueTokens(provider);
    clock.advanceSeconds(900 + 4);
    expect(await provider.loadAccessToken(tokens.accessToken)).toBeDefined();
    clock.advanceSeconds(2);
    expect(await provider.loadAccessToken(tokens.accessToken)).toBeUndefined();
  });

  it('S2 refuses alg none', async () => {
    const { provider } = makeProvider();
    const { payload } = parts((await issueTokens(provider)).accessToken);
    for (const alg of ['none', 'None', 'NONE']) {
      const forged = `${b64({ alg, typ: 'at+jwt', kid: 'key-1' })}.${b64(payload)}.`;
      expect(await provider.loadAccessToken(forged)).toBeUndefined();
    }
  });

  it('S2 refuses HS256 signed with the public key', async () => {
    const keys = ecKeyPem();
    const { provider } = makeProvider({ signingKeys: [{ kid: 'key-1', privateKey: keys.privateKey }] });
    const { payload } = parts((await issueTokens(provider)).accessToken);
    const jwks = await provider.getJsonWebKeySet();
    const secrets = [
      keys.publicKey,
      JSON.stringify(jwks.keys[0]),
      createPublicKey(keys.publicKey).export({ format: 'der', type: 'spki' }),
    ];
    for (const secret of secrets) {
      const input = `${b64({ alg: 'HS256', typ: 'at+jwt', kid: 'key-1' })}.${b64(payload)}`;
      const forged = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      expect(await provider.loadAccessToken(forged)).toBeUndefined();
    }
  });

  it('S2 refuses an unknown kid, a missing kid, a wrong typ, a tampered payload and garbage', async () => {
    const keys = ecKeyPem();
    const { provider } = makeProvider({ signingKeys: [{ kid: 'key-1', privateKey: keys.privateKey }] });
    const token = (await issueTokens(provider)).accessToken;
    const { payload } = parts(token);
    const signWith = (header: Record<string, unknown>, body: Record<string, unknown>) => {
      const input = `${b64(header)}.${b64(body)}`;
      const signature = cryptoSign('sha256', Buffer.from(input), { key: keys.privateKey, dsaEncoding: 'ieee-p1363' });
      return `${input}.${signature.toString('base64url')}`;
    };
    expect(
      await provider.loadAccessToken(signWith({ alg: 'ES256', typ: 'at+jwt', kid: 'key-1' }, payload)),
    ).toBeDefined();
    expect(
      await provider.loadAccessToken(signWith({ alg: 'ES256', typ: 'at+jwt', kid: 'key-2' }, payload)),
    ).toBeUndefined();
    expect(await provider.loadAccessToken(signWith({ alg: 'ES256', typ: 'at+jwt' }, payload))).toBeUndefined();
    expect(
      await provider.loadAccessToken(signWith({ alg: 'ES256', typ: 'JWT', kid: 'key-1' }, payload)),
    ).toBeUndefined();
    expect(
      await provider.loadAccessToken(signWith({ alg: 'ES384', typ: 'at+jwt', kid: 'key-1' }, payload)),
    ).toBeUndefined();
    const [h, , s] = token.split('.');
    expect(await provider.loadAccessToken(`${h}.${b64({ ...payload, scope: 'admin' })}.${s}`)).toBeUndefined();
    for (const garbage of ['', 'abc', 'a.b.c', '...', `${h}.${h}.${h}`]) {
      expect(await provider.loadAccessToken(garbage)).toBeUndefined();
    }
  });

  it('S5 refuses a token from another key set or another issuer', async () => {
    const { provider } = makeProvider();
    const { provider: stranger } = makeProvider();
    expect(await provider.loadAccessToken((await issueTokens(stranger)).accessToken)).toBeUndefined();
    const sharedKey = ecKeyPem().privateKey;
    const { provider: a } = makeProvider(
      { signingKeys: [{ kid: 'k', privateKey: sharedKey }] },
      'http://127.0.0.1:1234/a',
    );
    const { provider: b } = makeProvider(
      { signingKeys: [{ kid: 'k', privateKey: sharedKey }] },
      'http://127.0.0.1:1234/b',
    );
    const fromA = (await issueTokens(a)).accessToken;
    expect(await a.loadAccessToken(fromA)).toBeDefined();
    expect(await b.loadAccessToken(fromA)).toBeUndefined();
  });

  it('S9 a revoked access token is refused from the next request on; its siblings stay valid', async () => {
    const { provider } = makeProvider();
    const tokens = await issueTokens(provider);
    const loaded = (await provider.loadRefreshToken(client, tokens.refreshToken!))!;
    const sibling = await provider.exchangeRefreshToken(client, loaded, loaded.scopes);
    const access = (await provider.loadAccessToken(tokens.accessToken))!;
    await provider.revokeToken(access);
    expect(await provider.loadAccessToken(tokens.accessToken)).toBeUndefined();
    expect(await provider.loadAccessToken(sibling.accessToken)).toBeDefined();
  });

  it('S45 a token signed with the previous key still verifies after rotation; JWKS lists both keys', async () => {
    const oldKey = ecKeyPem();
    const newKey = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    const {
      provider: before,
      store,
      clock,
    } = makeProvider({ signingKeys: [{ kid: 'old', privateKey: oldKey.privateKey }] });
    const oldToken = (await issueTokens(before)).accessToken;
    const { provider: after } = makeProvider({
      store,
      clock,
      signingKeys: [
        { kid: 'new', privateKey: newKey },
        { kid: 'old', publicKey: oldKey.publicKey },
      ],
    });
    expect(await after.loadAccessToken(oldToken)).toBeDefined();
    const newToken = (await issueTokens(after)).accessToken;
    expect(parts(newToken).header).toMatchObject({ kid: 'new', alg: 'ES384' });
    expect(await after.loadAccessToken(newToken)).toBeDefined();
    const jwks = await after.getJsonWebKeySet();
    expect(jwks.keys.map((k) => [k.kid, k.alg, k.use, k.kty])).toEqual([
      ['new', 'ES384', 'sig', 'EC'],
      ['old', 'ES256', 'sig', 'EC'],
    ]);
    for (const key of jwks.keys) expect(key).not.toHaveProperty('d');
  });

  it('accepts JWK keys and RSA keys, and derives a thumbprint kid', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    const { provider } = makeProvider({ signingKeys: [{ privateKey: rsa }] });
    const token = (await issueTokens(provider)).accessToken;
    const { header } = parts(token);
    expect(header.alg).toBe('RS256');
    expect(header.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await provider.loadAccessToken(token)).toBeDefined();
  });

  it('refuses unusable keys at construction', () => {
    expect(() => makeProvider({ signingKeys: [{ publicKey: ecKeyPem().publicKey }] })).toThrow(/first signing key/);
    expect(() => makeProvider({ signingKeys: [{ privateKey: 'not a key' }] })).toThrow(/not a valid/);
    expect(() => makeProvider({ signingKeys: [{ privateKey: ecKeyPem().privateKey, alg: 'RS256' }] })).toThrow(
      /does not fit/,
    );
  });

  it('generates an ephemeral ES256 key with a warning when none is configured', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const provider = new DefaultOAuthProvider({ users: {} });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/ephemeral ES256 key/));
    warn.mockRestore();
    const jwks = await provider.getJsonWebKeySet();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });
});

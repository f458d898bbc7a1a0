import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidGrantError } from '../../../lib/errors/oauth-error.js';
import type { OAuthClientInformation } from '../../../lib/interfaces/oauth-models.js';
import { type AsTestApp, RESOURCE, basicAuth, createAsTestApp, obtainCode, redeem } from '../../support/as-test-app.js';

const REDIRECT = 'https://client.example/cb';

function expectOAuthError(
  res: { status: number; body: any; headers: Record<string, string> },
  status: number,
  error: string,
) {
  expect(res.status).toBe(status);
  expect(res.body.error).toBe(error);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers.pragma).toBe('no-cache');
}

describe('/token', () => {
  let t: AsTestApp;
  let pub: OAuthClientInformation;
  let other: OAuthClientInformation;
  let basic: OAuthClientInformation;
  let post: OAuthClientInformation;

  beforeAll(async () => {
    t = await createAsTestApp();
    pub = await t.provider.addClient({ redirectUris: [REDIRECT] });
    other = await t.provider.addClient({ redirectUris: [REDIRECT] });
    basic = await t.provider.addClient({
      clientId: 'conf id:1',
      redirectUris: [REDIRECT],
      tokenEndpointAuthMethod: 'client_secret_basic',
      clientSecret: 's3cr:et+ /x',
    });
    post = await t.provider.addClient({ redirectUris: [REDIRECT], tokenEndpointAuthMethod: 'client_secret_post' });
  });
  beforeEach(() => {
    t.provider.nowMs = Date.now();
    t.provider.exchangeFailure = undefined;
  });
  afterAll(() => t.close());

  it('issues tokens for a valid code with a snake_case body, no-store and CORS (S31, S32)', async () => {
    const { code, verifier } = await obtainCode(t, pub, { scope: 'notes:read' });
    const res = await redeem(t, pub, code, verifier);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'notes:read',
      refresh_token: expect.any(String),
    });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('S32 answers a CORS preflight', async () => {
    const res = await t.http.options('/token').set('Origin', 'https://app.example');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('405 with Allow for GET', async () => {
    const res = await t.http.get('/token');
    expectOAuthError(res, 405, 'invalid_request');
    expect(res.headers.allow).toBe('POST, OPTIONS');
  });

  describe('authorization_code grant', () => {
    it('S11 a code is single-use and its replay revokes the tokens of the grant', async () => {
      const { code, verifier } = await obtainCode(t, pub);
      const first = await redeem(t, pub, code, verifier);
      expect(first.status).toBe(200);
      const second = await redeem(t, pub, code, verifier);
      expectOAuthError(second, 400, 'invalid_grant');
      expect(await t.provider.loadAccessToken(first.body.access_token)).toBeUndefined();
      const refresh = await t.http
        .post('/token')
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token, client_id: pub.clientId });
      expectOAuthError(refresh, 400, 'invalid_grant');
    });

    it('S12 of parallel redemptions of one code exactly one succeeds', async () => {
      const { code, verifier } = await obtainCode(t, pub);
      const results = await Promise.all(Array.from({ length: 8 }, () => redeem(t, pub, code, verifier)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      for (const r of results.filter((r) => r.status !== 200)) expectOAuthError(r, 400, 'invalid_grant');
    });

    it('S13 an expired code is invalid_grant', async () => {
      const { code, verifier } = await obtainCode(t, pub);
      t.provider.nowMs += 61_000;
      expectOAuthError(await redeem(t, pub, code, verifier), 400, 'invalid_grant');
    });

    it('S14 a code redeemed by another client is invalid_grant', async () => {
      const { code, verifier } = await obtainCode(t, pub);
      expectOAuthError(await redeem(t, other, code, verifier), 400, 'invalid_grant');
    });

    it('S14 a different redirect_uri than the authorization request used is invalid_grant', async () => {
      const { code, verifier } = await obtainCode(t, pub);
      const res = await redeem(t, pub, code, verifier, { redirect_uri: 'https://client.example/cb2' });
      expectOAuthError(res, 400, 'invalid_grant');
    });

    it('S14 redirect_uri omitted at /token after an explicit one is invalid_grant', async () => {
      const { code, verifier } = await obtainCode(t, pub);
      const res = await t.http
        .post('/token')
        .type('form')
        .send({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: pub.clientId });
      expectOAuthError(res, 400, 'invalid_grant');
    });

    it('S21 redirect_uri may be omitted at /token when the authorization request omitted it', async () => {
      const { code, verifier } = await obtainCode(t, pub, { redirect_uri: undefined });
      const res = await t.http
        .post('/token')
        .type('form')
        .send({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: pub.clientId });
      expect(res.status).toBe(200);
    });

    it.each([
      ['wrong verifier', 'a'.repeat(43)],
      ['missing verifier', undefined],
      ['too short verifier', 'a'.repeat(42)],
      ['too long verifier', 'a'.repeat(129)],
      ['verifier with a forbidden character', `${'a'.repeat(42)}+`],
    ])('S16 %s is invalid_grant', async (_name, verifier) => {
      const { code } = await obtainCode(t, pub);
      const body: Record<string, string> = {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        client_id: pub.clientId,
      };
      if (verifier !== undefined) body.code_verifier = verifier;
      expectOAuthError(await t.http.post('/token').type('form').send(body), 400, 'invalid_grant');
    });

    it('S16 the code stays unspent after a wrong verifier (checks come before consumption)', async () => {
      const { code, verifier } = await obtainCode(t, pub);
      await redeem(t, pub, code, 'b'.repeat(43));
      expect((await redeem(t, pub, code, verifier)).status).toBe(200);
    });

    it.each([
      ['another resource', 'https://other.example/mcp'],
      ['a fragment', `${RESOURCE}#f`],
      ['a malformed resource', 'not a uri'],
    ])('S25 resource with %s is invalid_target', async (_name, resource) => {
      const { code, verifier } = await obtainCode(t, pub, { resource: RESOURCE });
      expectOAuthError(await redeem(t, pub, code, verifier, { resource }), 400, 'invalid_target');
    });

    it('S25 the authorized resource is accepted and bound to the token', async () => {
      const { code, verifier } = await obtainCode(t, pub, { resource: RESOURCE });
      const res = await redeem(t, pub, code, verifier, { resource: RESOURCE });
      expect(res.status).toBe(200);
      expect((await t.provider.loadAccessToken(res.body.access_token))?.resource).toBe(RESOURCE);
    });

    it('missing code is invalid_request', async () => {
      const res = await t.http
        .post('/token')
        .type('form')
        .send({ grant_type: 'authorization_code', client_id: pub.clientId });
      expectOAuthError(res, 400, 'invalid_request');
    });

    it('an unknown code is invalid_grant', async () => {
      expectOAuthError(await redeem(t, pub, 'unknown', 'a'.repeat(43)), 400, 'invalid_grant');
    });
  });

  describe('grant types', () => {
    it('missing grant_type is invalid_request', async () => {
      expectOAuthError(
        await t.http.post('/token').type('form').send({ client_id: pub.clientId }),
        400,
        'invalid_request',
      );
    });
    it.each(['password', 'client_credentials', 'implicit'])('%s is unsupported_grant_type', async (grantType) => {
      const res = await t.http.post('/token').type('form').send({ grant_type: grantType, client_id: pub.clientId });
      expectOAuthError(res, 400, 'unsupported_grant_type');
    });
    it('a grant the client did not register is unauthorized_client', async () => {
      const codeOnly = await t.provider.addClient({ redirectUris: [REDIRECT], grantTypes: ['authorization_code'] });
      const res = await t.http
        .post('/token')
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: 'x', client_id: codeOnly.clientId });
      expectOAuthError(res, 400, 'unauthorized_client');
    });
    it('a JSON body is invalid_request (forms only)', async () => {
      const res = await t.http.post('/token').send({ grant_type: 'authorization_code', client_id: pub.clientId });
      expectOAuthError(res, 400, 'invalid_request');
    });
  });

  describe('refresh_token grant', () => {
    async function tokens(client = pub, scope = 'notes:read notes:write') {
      const { code, verifier } = await obtainCode(t, client, { scope, resource: RESOURCE });
      const res = await redeem(t, client, code, verifier, client === pub ? {} : { client_id: client.clientId });
      expect(res.status).toBe(200);
      return res.body as { access_token: string; refresh_token: string };
    }
    const refresh = (token: string, extra: Record<string, string> = {}) =>
      t.http
        .post('/token')
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: token, client_id: pub.clientId, ...extra });

    it('S22 each refresh returns a new refresh token and the old one is dead; reuse revokes the grant', async () => {
      const first = await tokens();
      const second = await refresh(first.refresh_token);
      expect(second.status).toBe(200);
      expect(second.body.refresh_token).not.toBe(first.refresh_token);
      expectOAuthError(await refresh(first.refresh_token), 400, 'invalid_grant');
      expectOAuthError(await refresh(second.body.refresh_token), 400, 'invalid_grant');
      expect(await t.provider.loadAccessToken(second.body.access_token)).toBeUndefined();
    });

    it('S23 a refresh token presented by another client is invalid_grant', async () => {
      const first = await tokens();
      expectOAuthError(await refresh(first.refresh_token, { client_id: other.clientId }), 400, 'invalid_grant');
    });

    it('S24 a wider scope is invalid_scope; a narrower one succeeds', async () => {
      const first = await tokens(pub, 'notes:read');
      expectOAuthError(await refresh(first.refresh_token, { scope: 'notes:read notes:write' }), 400, 'invalid_scope');
      const narrower = await tokens();
      const res = await refresh(narrower.refresh_token, { scope: 'notes:read' });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('notes:read');
    });

    it('S25 a resource on refresh that was not authorized is invalid_target', async () => {
      const first = await tokens();
      expectOAuthError(
        await refresh(first.refresh_token, { resource: 'https://other.example/mcp' }),
        400,
        'invalid_target',
      );
    });

    it('S26 an expired refresh token is invalid_grant', async () => {
      const first = await tokens();
      const stored = t.provider.refreshTokens.get(first.refresh_token)!;
      stored.expiresAt = Math.floor(t.provider.nowMs / 1000) - 1;
      expectOAuthError(await refresh(first.refresh_token), 400, 'invalid_grant');
    });

    it('missing refresh_token is invalid_request', async () => {
      const res = await t.http
        .post('/token')
        .type('form')
        .send({ grant_type: 'refresh_token', client_id: pub.clientId });
      expectOAuthError(res, 400, 'invalid_request');
    });
  });

  describe('S37 client authentication', () => {
    async function basicCode() {
      return obtainCode(t, basic);
    }
    const form = (code: string, verifier: string) => ({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
    });

    it('S37 client_secret_basic with form-url-encoded id and secret', async () => {
      const { code, verifier } = await basicCode();
      const res = await t.http
        .post('/token')
        .type('form')
        .set('Authorization', basicAuth(basic.clientId, basic.clientSecret!))
        .send(form(code, verifier));
      expect(res.status).toBe(200);
    });
    it('S37 client_secret_basic with a wrong secret: 401 invalid_client with WWW-Authenticate: Basic', async () => {
      const { code, verifier } = await basicCode();
      const res = await t.http
        .post('/token')
        .type('form')
        .set('Authorization', basicAuth(basic.clientId, 'wrong'))
        .send(form(code, verifier));
      expectOAuthError(res, 401, 'invalid_client');
      expect(res.headers['www-authenticate']).toMatch(/^Basic /);
      expect(JSON.stringify(res.body)).not.toContain('wrong');
    });
    it('S37 the secret without form-url-decoding (raw base64 of the raw pair) is refused', async () => {
      const { code, verifier } = await basicCode();
      const raw = `Basic ${Buffer.from(`${basic.clientId}:${basic.clientSecret}`).toString('base64')}`;
      const res = await t.http.post('/token').type('form').set('Authorization', raw).send(form(code, verifier));
      expectOAuthError(res, 401, 'invalid_client');
    });
    it('S37 malformed Basic credentials: 401 invalid_client', async () => {
      const res = await t.http
        .post('/token')
        .type('form')
        .set('Authorization', 'Basic !!!')
        .send({ grant_type: 'authorization_code' });
      expectOAuthError(res, 401, 'invalid_client');
      expect(res.headers['www-authenticate']).toMatch(/^Basic /);
    });
    it('S37 client_secret_post', async () => {
      const { code, verifier } = await obtainCode(t, post);
      const res = await t.http
        .post('/token')
        .type('form')
        .send({ ...form(code, verifier), client_id: post.clientId, client_secret: post.clientSecret });
      expect(res.status).toBe(200);
    });
    it('S37 client_secret_post with a wrong secret: 401 invalid_client without WWW-Authenticate', async () => {
      const { code, verifier } = await obtainCode(t, post);
      const res = await t.http
        .post('/token')
        .type('form')
        .send({ ...form(code, verifier), client_id: post.clientId, client_secret: 'nope' });
      expectOAuthError(res, 401, 'invalid_client');
      expect(res.headers['www-authenticate']).toBeUndefined();
    });
    it('S37 a method other than the registered one is invalid_client (post for a basic client)', async () => {
      const { code, verifier } = await basicCode();
      const res = await t.http
        .post('/token')
        .type('form')
        .send({ ...form(code, verifier), client_id: basic.clientId, client_secret: basic.clientSecret });
      expectOAuthError(res, 401, 'invalid_client');
    });
    it('S37 a confidential client sending no secret (none) is invalid_client', async () => {
      const { code, verifier } = await obtainCode(t, post);
      const res = await t.http
        .post('/token')
        .type('form')
        .send({ ...form(code, verifier), client_id: post.clientId });
      expectOAuthError(res, 401, 'invalid_client');
    });
    it('S37 a public client sending a secret is invalid_client', async () => {
      const { code, verifier } = await obtainCode(t, pub);
      const res = await redeem(t, pub, code, verifier, { client_secret: 'anything' });
      expectOAuthError(res, 401, 'invalid_client');
    });
    it('S37 two authentication methods at once is invalid_request', async () => {
      const { code, verifier } = await basicCode();
      const res = await t.http
        .post('/token')
        .type('form')
        .set('Authorization', basicAuth(basic.clientId, basic.clientSecret!))
        .send({ ...form(code, verifier), client_secret: basic.clientSecret });
      expectOAuthError(res, 400, 'invalid_request');
    });
    it('S37 unknown client_id is invalid_client', async () => {
      const res = await t.http.post('/token').type('form').send({ grant_type: 'authorization_code', client_id: 'who' });
      expectOAuthError(res, 401, 'invalid_client');
    });
    it('S37 no client identification at all is invalid_client', async () => {
      const res = await t.http.post('/token').type('form').send({ grant_type: 'authorization_code' });
      expectOAuthError(res, 401, 'invalid_client');
    });
    it('S37 an expired client secret is invalid_client', async () => {
      const expiring = await t.provider.addClient({
        redirectUris: [REDIRECT],
        tokenEndpointAuthMethod: 'client_secret_post',
        clientSecretExpiresAt: Math.floor(Date.now() / 1000) + 10,
      });
      const { code, verifier } = await obtainCode(t, expiring);
      t.provider.nowMs += 11_000;
      const res = await t.http
        .post('/token')
        .type('form')
        .send({ ...form(code, verifier), client_id: expiring.clientId, client_secret: expiring.clientSecret });
      expectOAuthError(res, 401, 'invalid_client');
    });
    it('S37 without verifyClientSecret the stored secret is compared in constant time', async () => {
      const original = t.provider.verifyClientSecret;
      (t.provider as any).verifyClientSecret = undefined;
      const plain = {
        clientId: 'plain',
        redirectUris: [REDIRECT],
        tokenEndpointAuthMethod: 'client_secret_post' as const,
        grantTypes: ['authorization_code'],
        responseTypes: ['code'],
        clientSecret: 'plain-secret',
      };
      t.provider.clients.set('plain', plain);
      try {
        const { code, verifier } = await obtainCode(t, plain);
        const wrong = await t.http
          .post('/token')
          .type('form')
          .send({ ...form(code, verifier), client_id: 'plain', client_secret: 'plain-secreT' });
        expectOAuthError(wrong, 401, 'invalid_client');
        const right = await t.http
          .post('/token')
          .type('form')
          .send({ ...form(code, verifier), client_id: 'plain', client_secret: 'plain-secret' });
        expect(right.status).toBe(200);
      } finally {
        t.provider.verifyClientSecret = original;
      }
    });
  });

  describe('S35 duplicate parameters', () => {
    it.each(['code', 'code_verifier', 'grant_type', 'redirect_uri', 'client_id'])(
      'S35 two %s is invalid_request',
      async (name) => {
        const { code, verifier } = await obtainCode(t, pub);
        const body = new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          code_verifier: verifier,
          redirect_uri: REDIRECT,
          client_id: pub.clientId,
        });
        body.append(name, body.get(name)!);
        expectOAuthError(await t.http.post('/token').type('form').send(body.toString()), 400, 'invalid_request');
      },
    );
    it('S35 a bracketed parameter (code[a]=b) is invalid_request', async () => {
      const res = await t.http
        .post('/token')
        .type('form')
        .send(`grant_type=authorization_code&client_id=${pub.clientId}&code[a]=b`);
      expectOAuthError(res, 400, 'invalid_request');
    });
  });

  describe('provider failures', () => {
    it('a provider OAuthError passes through', async () => {
      const { code, verifier } = await obtainCode(t, pub);
      t.provider.exchangeFailure = new InvalidGrantError('provider says no');
      const res = await redeem(t, pub, code, verifier);
      expectOAuthError(res, 400, 'invalid_grant');
      expect(res.body.error_description).toBe('provider says no');
    });
    it('a provider plain Error is 500 server_error without the message (S46)', async () => {
      const { code, verifier } = await obtainCode(t, pub);
      t.provider.exchangeFailure = new Error(`leaked ${code}`);
      const res = await redeem(t, pub, code, verifier);
      expectOAuthError(res, 500, 'server_error');
      expect(res.text).not.toContain('leaked');
      expect(res.text).not.toContain(code);
    });
  });
});

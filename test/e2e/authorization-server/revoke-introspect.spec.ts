import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OAuthClientInformation } from '../../../lib/interfaces/oauth-models.js';
import {
  type AsTestApp,
  ISSUER,
  RESOURCE,
  basicAuth,
  createAsTestApp,
  obtainCode,
  redeem,
} from '../../support/as-test-app.js';

const REDIRECT = 'https://client.example/cb';

describe('/revoke (RFC 7009) and /introspect (RFC 7662)', () => {
  let t: AsTestApp;
  let alice: OAuthClientInformation;
  let bob: OAuthClientInformation;
  let rs: OAuthClientInformation;

  let confidential: OAuthClientInformation;

  beforeAll(async () => {
    t = await createAsTestApp({ introspection: { enabled: true, resourceServers: ['resource-server'] } });
    alice = await t.provider.addClient({ redirectUris: [REDIRECT] });
    bob = await t.provider.addClient({ redirectUris: [REDIRECT] });
    rs = await t.provider.addClient({
      clientId: 'resource-server',
      redirectUris: [REDIRECT],
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
    confidential = await t.provider.addClient({
      redirectUris: [REDIRECT],
      tokenEndpointAuthMethod: 'client_secret_post',
    });
  });
  beforeEach(() => {
    t.provider.nowMs = Date.now();
  });
  afterAll(() => t.close());

  async function tokensFor(client: OAuthClientInformation) {
    const { code, verifier } = await obtainCode(t, client, { scope: 'notes:read', resource: RESOURCE });
    const secret: Record<string, string> =
      client.clientSecret === undefined ? {} : { client_secret: client.clientSecret };
    const res = await redeem(t, client, code, verifier, { client_id: client.clientId, ...secret });
    expect(res.status).toBe(200);
    return res.body as { access_token: string; refresh_token: string };
  }
  const revoke = (client: OAuthClientInformation, body: Record<string, string>) =>
    t.http
      .post('/revoke')
      .type('form')
      .send({ client_id: client.clientId, ...body });
  const introspect = (body: Record<string, string>) =>
    t.http.post('/introspect').type('form').set('Authorization', basicAuth(rs.clientId, rs.clientSecret!)).send(body);

  describe('/revoke', () => {
    it('S43 revoking an own access token: 200, no-store, CORS, and the token is dead', async () => {
      const tokens = await tokensFor(alice);
      const res = await revoke(alice, { token: tokens.access_token });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(await t.provider.loadAccessToken(tokens.access_token)).toBeUndefined();
    });
    it('S43 revoking a refresh token also kills the access tokens of its grant', async () => {
      const tokens = await tokensFor(alice);
      expect((await revoke(alice, { token: tokens.refresh_token, token_type_hint: 'refresh_token' })).status).toBe(200);
      expect(await t.provider.loadAccessToken(tokens.access_token)).toBeUndefined();
      expect(t.provider.refreshTokens.has(tokens.refresh_token)).toBe(false);
    });
    it('S43 an unknown token is 200', async () => {
      expect((await revoke(alice, { token: 'unknown-token' })).status).toBe(200);
    });
    it("S43 another client's access token: 200 and it stays valid", async () => {
      const tokens = await tokensFor(alice);
      expect((await revoke(bob, { token: tokens.access_token })).status).toBe(200);
      expect(await t.provider.loadAccessToken(tokens.access_token)).toBeDefined();
    });
    it("S43 another client's refresh token: 200 and it stays valid", async () => {
      const tokens = await tokensFor(alice);
      expect((await revoke(bob, { token: tokens.refresh_token, token_type_hint: 'refresh_token' })).status).toBe(200);
      expect(t.provider.refreshTokens.has(tokens.refresh_token)).toBe(true);
      expect(await t.provider.loadAccessToken(tokens.access_token)).toBeDefined();
    });
    it('an unknown token_type_hint is ignored', async () => {
      const tokens = await tokensFor(alice);
      expect((await revoke(alice, { token: tokens.access_token, token_type_hint: 'weird' })).status).toBe(200);
      expect(await t.provider.loadAccessToken(tokens.access_token)).toBeUndefined();
    });
    it('a missing token is invalid_request', async () => {
      const res = await revoke(alice, {});
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect(res.headers['cache-control']).toBe('no-store');
    });
    it('S37 client authentication is required (wrong Basic secret: 401 + WWW-Authenticate)', async () => {
      const res = await t.http
        .post('/revoke')
        .type('form')
        .set('Authorization', basicAuth(rs.clientId, 'bad'))
        .send({ token: 'x' });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.headers['www-authenticate']).toMatch(/^Basic /);
    });
    it('S35 two token parameters is invalid_request', async () => {
      const res = await t.http.post('/revoke').type('form').send(`client_id=${alice.clientId}&token=a&token=b`);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });
  });

  describe('/introspect', () => {
    it('an active access token is described', async () => {
      const tokens = await tokensFor(alice);
      const res = await introspect({ token: tokens.access_token });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        active: true,
        scope: 'notes:read',
        client_id: alice.clientId,
        sub: 'user-1',
        aud: RESOURCE,
        iss: ISSUER,
        exp: expect.any(Number),
        iat: expect.any(Number),
        token_type: 'Bearer',
      });
    });
    it('unknown, expired and revoked tokens are inactive', async () => {
      expect((await introspect({ token: 'unknown' })).body).toEqual({ active: false });
      const expired = await tokensFor(alice);
      t.provider.nowMs += 3601_000;
      expect((await introspect({ token: expired.access_token })).body).toEqual({ active: false });
      t.provider.nowMs = Date.now();
      const revoked = await tokensFor(alice);
      await revoke(alice, { token: revoked.access_token });
      expect((await introspect({ token: revoked.access_token })).body).toEqual({ active: false });
    });
    it("another client's refresh token is inactive, even for a resource server; the own one is active", async () => {
      const tokens = await tokensFor(confidential);
      expect((await introspect({ token: tokens.refresh_token })).body).toEqual({ active: false });
      const own = await t.http.post('/introspect').type('form').send({
        client_id: confidential.clientId,
        client_secret: confidential.clientSecret!,
        token: tokens.refresh_token,
      });
      expect(own.body).toMatchObject({ active: true, client_id: confidential.clientId, token_type: 'refresh_token' });
    });
    it('client authentication is required', async () => {
      const res = await t.http.post('/introspect').type('form').send({ token: 'x' });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
    });
    it('S59 a public client (auth method none) gets 401 invalid_client, even for its own token', async () => {
      const tokens = await tokensFor(alice);
      for (const token of [tokens.access_token, tokens.refresh_token]) {
        const res = await t.http.post('/introspect').type('form').send({ client_id: alice.clientId, token });
        expect(res.status).toBe(401);
        expect(res.body.error).toBe('invalid_client');
        expect(res.body).not.toHaveProperty('active');
      }
    });
    it("S59 a confidential client that is not a resource server learns nothing about another client's token", async () => {
      const tokens = await tokensFor(alice);
      const res = await t.http.post('/introspect').type('form').send({
        client_id: confidential.clientId,
        client_secret: confidential.clientSecret!,
        token: tokens.access_token,
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ active: false });
    });
    it('S59 a confidential client sees its own access token; a configured resource server sees any', async () => {
      const tokens = await tokensFor(confidential);
      const own = await t.http.post('/introspect').type('form').send({
        client_id: confidential.clientId,
        client_secret: confidential.clientSecret!,
        token: tokens.access_token,
      });
      expect(own.body).toMatchObject({ active: true, client_id: confidential.clientId });
      expect((await introspect({ token: tokens.access_token })).body).toMatchObject({
        active: true,
        client_id: confidential.clientId,
      });
    });
    it('S59 introspection.resourceServers must list client ids', async () => {
      await expect(createAsTestApp({ introspection: { resourceServers: [''] } })).rejects.toThrow(/resourceServers/);
    });
    it('a missing token is invalid_request', async () => {
      const res = await introspect({});
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });
  });
});

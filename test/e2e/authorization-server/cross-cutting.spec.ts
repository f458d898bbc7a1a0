import 'reflect-metadata';
import { Controller, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { McpAuthModule } from '../../../lib/mcp-auth.module.js';
import { authorizeParams, createAsTestApp, pkcePair } from '../../support/as-test-app.js';
import { createTestApplication } from '../../support/test-app.js';

const REDIRECT = 'https://client.example/cb';

describe('S36 rate limits', () => {
  it('S36 over the limit: 429 with Retry-After; under it unaffected; per client address behind a proxy', async () => {
    const t = await createAsTestApp({ rateLimits: { token: { limit: 3, ttlSeconds: 60 } } }, undefined, {
      trustProxy: true,
    });
    try {
      const hit = (ip: string) =>
        t.http.post('/token').set('X-Forwarded-For', ip).type('form').send({ grant_type: 'password', client_id: 'x' });
      for (let i = 0; i < 3; i++) expect((await hit('203.0.113.1')).status).toBe(401);
      const limited = await hit('203.0.113.1');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.body.error).toBe('temporarily_unavailable');
      expect(limited.headers['cache-control']).toBe('no-store');
      expect((await hit('203.0.113.2')).status).toBe(401);
    } finally {
      await t.close();
    }
  });

  it.each([
    ['authorize', (h: any) => h.get('/authorize').query({ client_id: 'nobody' }), 400],
    [
      'register',
      (h: any) =>
        h.post('/register').send({ redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'none' }),
      201,
    ],
    ['revoke', (h: any) => h.post('/revoke').type('form').send({ client_id: 'nobody', token: 'x' }), 401],
  ] as const)('S36 %s is rate-limited', async (name, send, normalStatus) => {
    const t = await createAsTestApp({ rateLimits: { [name]: { limit: 2, ttlSeconds: 60 } } });
    try {
      expect((await send(t.http)).status).toBe(normalStatus);
      expect((await send(t.http)).status).toBe(normalStatus);
      const limited = await send(t.http);
      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toBeDefined();
    } finally {
      await t.close();
    }
  });

  it('S36 the default limits apply unless switched off (rateLimits: false)', async () => {
    const on = await createAsTestApp({ rateLimits: undefined });
    const off = await createAsTestApp({ rateLimits: false });
    try {
      const burst = async (h: any) => {
        let last = 0;
        for (let i = 0; i < 101; i++)
          last = (await h.post('/token').type('form').send({ grant_type: 'refresh_token', client_id: 'x' })).status;
        return last;
      };
      expect(await burst(on.http)).toBe(429);
      expect(await burst(off.http)).toBe(401);
    } finally {
      await on.close();
      await off.close();
    }
  });
});

describe('S38 body limits', () => {
  it('S38 a token request over bodyLimitBytes is 413 with an OAuth error', async () => {
    const t = await createAsTestApp({ bodyLimitBytes: 1024 });
    try {
      const res = await t.http
        .post('/token')
        .type('form')
        .send(`grant_type=authorization_code&pad=${'a'.repeat(2000)}`);
      expect(res.status).toBe(413);
      expect(res.body.error).toBe('invalid_request');
      expect(res.headers['cache-control']).toBe('no-store');
    } finally {
      await t.close();
    }
  });

  it('S38 a 70 KiB body with the default 64 KiB limit is 413 on token, register, revoke and authorize', async () => {
    const t = await createAsTestApp();
    try {
      const pad = 'a'.repeat(70 * 1024);
      expect((await t.http.post('/token').type('form').send(`pad=${pad}`)).status).toBe(413);
      expect((await t.http.post('/revoke').type('form').send(`pad=${pad}`)).status).toBe(413);
      expect((await t.http.post('/introspect').type('form').send(`pad=${pad}`)).status).toBe(413);
      expect((await t.http.post('/register').send({ pad })).status).toBe(413);
      expect((await t.http.post('/authorize').type('form').send(`pad=${pad}`)).status).toBe(413);
    } finally {
      await t.close();
    }
  });

  it('S38 a body beyond the parser limit (1 MiB) is 413 and the server keeps working', async () => {
    const t = await createAsTestApp();
    try {
      const res = await t.http
        .post('/token')
        .type('form')
        .send(`pad=${'a'.repeat(1024 * 1024)}`);
      expect(res.status).toBe(413);
      expect((await t.http.get('/.well-known/oauth-authorization-server')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('routing', () => {
  it('mounted under an issuer with a path: metadata URLs are served, root ones 404', async () => {
    const t = await createAsTestApp({ issuerUrl: 'http://127.0.0.1:4000/auth' });
    try {
      const meta = await t.http.get('/.well-known/oauth-authorization-server/auth');
      expect(meta.status).toBe(200);
      expect(meta.body.issuer).toBe('http://127.0.0.1:4000/auth');
      const path = (url: string) => new URL(url).pathname;
      const client = await t.provider.addClient({ redirectUris: [REDIRECT] });
      const { challenge } = pkcePair();
      const authorize = await t.http
        .get(path(meta.body.authorization_endpoint))
        .query(authorizeParams(client, challenge));
      expect(authorize.status).toBe(302);
      expect(new URL(authorize.headers.location!).searchParams.get('iss')).toBe('http://127.0.0.1:4000/auth');
      expect((await t.http.post(path(meta.body.token_endpoint)).type('form').send({ client_id: 'x' })).status).toBe(
        401,
      );
      expect(
        (await t.http.post(path(meta.body.registration_endpoint)).send({ redirect_uris: [REDIRECT] })).status,
      ).toBe(201);
      expect(
        (
          await t.http
            .post(path(meta.body.revocation_endpoint))
            .type('form')
            .send({ client_id: client.clientId, token: 'x' })
        ).status,
      ).toBe(200);
      expect(
        (
          await t.http
            .post(path(meta.body.introspection_endpoint))
            .type('form')
            .send({ client_id: client.clientId, token: 'x' })
        ).status,
      ).toBe(401); // served there; a public client is refused (S59)
      expect((await t.http.get('/.well-known/openid-configuration/auth')).status).toBe(200);
      expect((await t.http.get('/auth/.well-known/openid-configuration')).status).toBe(200);

      expect((await t.http.get('/.well-known/oauth-authorization-server')).status).toBe(404);
      expect((await t.http.get('/authorize').query(authorizeParams(client, challenge))).status).toBe(404);
      expect((await t.http.post('/token').type('form').send({ client_id: 'x' })).status).toBe(404);
      expect((await t.http.post('/register').send({ redirect_uris: [REDIRECT] })).status).toBe(404);
      expect((await t.http.post('/other/token').type('form').send({})).status).toBe(404);
      expect((await t.http.post('/auth/token/').type('form').send({})).status).toBe(404);
    } finally {
      await t.close();
    }
  });

  it('resource-server mode serves none of the AS endpoints', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        McpAuthModule.forRoot({
          resourceServerUrl: 'https://mcp.example.com/mcp',
          tokenVerifier: { verifyToken: async () => undefined },
          authorizationServers: ['https://as.example.com'],
        }),
      ],
    }).compile();
    const app = createTestApplication(moduleRef, { logger: false });
    await app.init();
    try {
      const http = request(app.getHttpServer());
      expect((await http.get('/.well-known/oauth-authorization-server')).status).toBe(404);
      expect((await http.get('/authorize')).status).toBe(404);
      expect((await http.post('/token')).status).toBe(404);
      expect((await http.post('/register')).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('a user route on a path the AS does not serve still works (fall-through)', async () => {
    @Controller('api')
    class UserController {
      @Post('token')
      token() {
        return { mine: true };
      }
    }
    const { TestOAuthProvider } = await import('../../support/test-oauth-provider.js');
    const moduleRef = await Test.createTestingModule({
      imports: [
        McpAuthModule.forRoot({
          issuerUrl: 'http://127.0.0.1:4000',
          resourceServerUrl: 'http://127.0.0.1:4000/mcp',
          provider: new TestOAuthProvider(),
        }),
      ],
      controllers: [UserController],
    }).compile();
    const app = createTestApplication(moduleRef, { logger: false });
    await app.init();
    try {
      const res = await request(app.getHttpServer()).post('/api/token');
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ mine: true });
    } finally {
      await app.close();
    }
  });

  it('S13 S16 end to end with the issuer path', async () => {
    const t = await createAsTestApp({ issuerUrl: 'http://127.0.0.1:4000/auth' });
    try {
      const client = await t.provider.addClient({ redirectUris: [REDIRECT] });
      const { challenge, verifier } = pkcePair();
      const res = await t.http.get('/auth/authorize').query(authorizeParams(client, challenge));
      const code = new URL(res.headers.location!).searchParams.get('code')!;
      const token = await t.http.post('/auth/token').type('form').send({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT,
        client_id: client.clientId,
      });
      expect(token.status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

import { Controller, Get, type INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { createPublicKey, verify } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BearerAuthGuard } from '../../../lib/guards/bearer-auth.guard.js';
import { McpAuthModule } from '../../../lib/mcp-auth.module.js';
import { ISSUER, RESOURCE, issueTokens, makeProvider } from '../../support/provider-fixtures.js';
import { ASYMMETRIC_JWS_ALGORITHMS } from '../../../lib/rules/asymmetric-jws-algorithms.js';

/** The `algs` of the DPoP challenge sent with every 401 without credentials (RFC 9449 §7.1). */
const DPOP_ALGS = ASYMMETRIC_JWS_ALGORITHMS.join(' ');
import { createTestApplication } from '../../support/test-app.js';

@Controller('mcp')
class GuardedController {
  @Get()
  hello() {
    return { ok: true };
  }
}

describe('JWKS endpoint and the guard as APP_GUARD with the built-in provider', () => {
  let app: INestApplication;
  const { provider } = makeProvider();

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        McpAuthModule.forRoot({
          issuerUrl: ISSUER,
          resourceServerUrl: RESOURCE,
          provider,
          scopesSupported: ['notes:read', 'notes:write'],
          rateLimits: false,
        }),
      ],
      controllers: [GuardedController],
      providers: [{ provide: APP_GUARD, useExisting: BearerAuthGuard }],
    }).compile();
    app = createTestApplication(moduleRef, { logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  it('S28 advertises jwks_uri under the issuer and serves the public keys there', async () => {
    const metadata = await request(app.getHttpServer()).get('/.well-known/oauth-authorization-server').expect(200);
    expect(metadata.body.jwks_uri).toBe(`${ISSUER}/jwks`);
    const jwks = await request(app.getHttpServer()).get('/jwks').expect(200);
    expect(jwks.headers['content-type']).toMatch(/^application\/jwk-set\+json/);
    expect(jwks.headers['access-control-allow-origin']).toBe('*');
    expect(jwks.headers['cache-control']).toBe('public, max-age=300');
    const keys = JSON.parse(jwks.text).keys as Array<Record<string, unknown>>;
    expect(keys.map((key) => key.kid)).toEqual(['key-1']);
    for (const key of keys) expect(key).not.toHaveProperty('d');
  });

  it('S45 an issued access token verifies against the served JWKS', async () => {
    const tokens = await issueTokens(provider);
    const jwks = JSON.parse((await request(app.getHttpServer()).get('/jwks')).text) as {
      keys: Array<Record<string, any>>;
    };
    const [headerB64, payloadB64, signatureB64] = tokens.accessToken.split('.');
    const header = JSON.parse(Buffer.from(headerB64!, 'base64url').toString());
    const jwk = jwks.keys.find((key) => key.kid === header.kid)!;
    expect(header.alg).toBe('ES256');
    const ok = verify(
      'sha256',
      Buffer.from(`${headerB64}.${payloadB64}`),
      { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
      Buffer.from(signatureB64!, 'base64url'),
    );
    expect(ok).toBe(true);
  });

  it('S28 JWKS answers HEAD and OPTIONS, and 405 with Allow for other methods', async () => {
    await request(app.getHttpServer()).head('/jwks').expect(200);
    await request(app.getHttpServer()).options('/jwks').expect(204);
    const post = await request(app.getHttpServer()).post('/jwks').expect(405);
    expect(post.headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  it('the OAuth endpoints stay reachable without a token when BearerAuthGuard is global', async () => {
    const server = app.getHttpServer();
    await request(server).get('/.well-known/oauth-authorization-server').expect(200);
    await request(server).get('/.well-known/oauth-protected-resource/mcp').expect(200);
    await request(server).get('/jwks').expect(200);
    const register = await request(server)
      .post('/register')
      .send({ redirect_uris: ['http://127.0.0.1:9/cb'], token_endpoint_auth_method: 'none' });
    expect(register.status).toBe(201);
    const token = await request(server)
      .post('/token')
      .type('form')
      .send({ grant_type: 'password', client_id: register.body.client_id });
    expect(token.status).toBe(400);
    expect(token.body.error).toBe('unsupported_grant_type');
    const authorize = await request(server).get('/authorize').query({ client_id: register.body.client_id });
    expect(authorize.status).not.toBe(401);
    const consent = await request(server).get('/consent').query({ interaction: 'unknown' });
    expect(consent.status).not.toBe(401);
    const login = await request(server).get('/login').query({ interaction: 'unknown' });
    expect(login.status).not.toBe(401);
  });

  it('S1 the app routes are guarded by the global guard', async () => {
    const res = await request(app.getHttpServer()).get('/mcp').expect(401);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer resource_metadata="http://127.0.0.1:1234/.well-known/oauth-protected-resource/mcp", DPoP resource_metadata="http://127.0.0.1:1234/.well-known/oauth-protected-resource/mcp", algs="${DPOP_ALGS}"`,
    );
  });
});

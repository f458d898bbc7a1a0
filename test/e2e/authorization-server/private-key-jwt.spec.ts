import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OAuthClientInformation } from '../../../lib/interfaces/oauth-models.js';
import { type AsTestApp, ISSUER, RESOURCE, basicAuth, createAsTestApp, obtainCode } from '../../support/as-test-app.js';
import {
  clientSigningKey,
  JWT_BEARER,
  signClientAssertion,
  type ClientSigningKey,
} from '../../support/client-assertion.js';

const REDIRECT = 'https://client.example/cb';
const TOKEN_ENDPOINT = `${ISSUER}/token`;

describe('private_key_jwt for a registered client with inline jwks (RFC 7523 §2.2)', () => {
  let t: AsTestApp;
  let rsa: ClientSigningKey;
  let ec: ClientSigningKey;
  let stranger: ClientSigningKey;
  let client: OAuthClientInformation;

  beforeAll(async () => {
    t = await createAsTestApp();
    [rsa, ec, stranger] = await Promise.all([
      clientSigningKey('RS256', 'rsa-1'),
      clientSigningKey('ES256', 'ec-1'),
      clientSigningKey('ES256', 'ec-1'),
    ]);
  });
  beforeEach(() => {
    t.provider.nowMs = Date.now();
  });
  afterAll(() => t.close());

  const register = (metadata: Record<string, unknown>) =>
    t.http
      .post('/register')
      .send({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'private_key_jwt', ...metadata });

  async function codeFor(c: OAuthClientInformation) {
    return obtainCode(t, c, { scope: 'notes:read', resource: RESOURCE });
  }
  const exchange = (code: string, verifier: string, extra: Record<string, string>) =>
    t.http
      .post('/token')
      .type('form')
      .send({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, ...extra });

  it('S65 registration accepts private_key_jwt with inline public jwks: no secret issued, keys echoed', async () => {
    const res = await register({ jwks: { keys: [rsa.publicJwk, ec.publicJwk] } });
    expect(res.status).toBe(201);
    expect(res.body.token_endpoint_auth_method).toBe('private_key_jwt');
    expect(res.body.client_secret).toBeUndefined();
    expect(res.body.client_secret_expires_at).toBeUndefined();
    expect(res.body.jwks.keys.map((k: { kid: string }) => k.kid)).toEqual(['rsa-1', 'ec-1']);
    client = (await t.provider.getClient(res.body.client_id))!;
    expect(client.jwks?.keys).toHaveLength(2);
  });

  it.each([
    ['a private key member (d)', async () => ({ jwks: { keys: [{ ...rsa.publicJwk, d: 'AQAB' }] } }), 'private member'],
    ['a symmetric oct key', async () => ({ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }), 'symmetric'],
    [
      'both jwks and jwks_uri',
      async () => ({ jwks: { keys: [rsa.publicJwk] }, jwks_uri: 'https://c.example/jwks' }),
      'both',
    ],
    ['neither jwks nor jwks_uri', async () => ({}), 'needs jwks or jwks_uri'],
    ['an http jwks_uri', async () => ({ jwks_uri: 'http://c.example/jwks' }), 'https'],
    [
      'an HMAC signing alg',
      async () => ({ jwks: { keys: [rsa.publicJwk] }, token_endpoint_auth_signing_alg: 'HS256' }),
      'HS256',
    ],
    ['an empty key set', async () => ({ jwks: { keys: [] } }), 'non-empty'],
  ])('S65 registration refuses %s: 400 invalid_client_metadata', async (_, metadata, rule) => {
    const res = await register(await metadata());
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_client_metadata');
    expect(res.body.error_description).toContain(rule);
  });

  it('S65 the token endpoint accepts an RS256 and an ES256 assertion (aud = issuer, or the token endpoint), client_id optional', async () => {
    const first = await codeFor(client);
    const viaIssuer = await exchange(first.code, first.verifier, {
      client_assertion_type: JWT_BEARER,
      client_assertion: await signClientAssertion(rsa, client.clientId, ISSUER),
    });
    expect(viaIssuer.status, viaIssuer.text).toBe(200);
    expect(viaIssuer.body.access_token).toEqual(expect.any(String));
    const second = await codeFor(client);
    const viaTokenEndpoint = await exchange(second.code, second.verifier, {
      client_id: client.clientId,
      client_assertion_type: JWT_BEARER,
      client_assertion: await signClientAssertion(ec, client.clientId, [TOKEN_ENDPOINT]),
    });
    expect(viaTokenEndpoint.status, viaTokenEndpoint.text).toBe(200);
  });

  it('S65 a replayed assertion is 401 invalid_client (no WWW-Authenticate: Basic), and the code is not spent', async () => {
    const assertion = await signClientAssertion(rsa, client.clientId, ISSUER);
    const first = await codeFor(client);
    expect(
      (await exchange(first.code, first.verifier, { client_assertion_type: JWT_BEARER, client_assertion: assertion }))
        .status,
    ).toBe(200);
    const second = await codeFor(client);
    const replay = await exchange(second.code, second.verifier, {
      client_assertion_type: JWT_BEARER,
      client_assertion: assertion,
    });
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('invalid_client');
    expect(replay.body.error_description).toContain('already used');
    expect(replay.headers['www-authenticate']).toBeUndefined();
    const retry = await exchange(second.code, second.verifier, {
      client_assertion_type: JWT_BEARER,
      client_assertion: await signClientAssertion(rsa, client.clientId, ISSUER),
    });
    expect(retry.status).toBe(200);
  });

  it('S65 S37 a key outside the client set, a wrong aud, an expired or long-lived assertion: 401 invalid_client', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: [Promise<string>, string][] = [
      [signClientAssertion(stranger, client.clientId, ISSUER), 'signature'],
      [signClientAssertion(rsa, client.clientId, `${ISSUER}/revoke`), 'aud'],
      [signClientAssertion(rsa, client.clientId, ISSUER, { iat: now - 120, exp: now - 60 }), 'expired'],
      [signClientAssertion(rsa, client.clientId, ISSUER, { exp: now + 3600 }), 'longer than'],
      [signClientAssertion(rsa, client.clientId, ISSUER, { jti: undefined }), 'jti'],
    ];
    for (const [assertion, rule] of cases) {
      const { code, verifier } = await codeFor(client);
      const res = await exchange(code, verifier, {
        client_assertion_type: JWT_BEARER,
        client_assertion: await assertion,
      });
      expect(res.status, rule).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.body.error_description).toContain(rule);
    }
  });

  it('S65 S37 a private_key_jwt client cannot fall back to none, and mixing methods is refused', async () => {
    const { code, verifier } = await codeFor(client);
    const asPublic = await exchange(code, verifier, { client_id: client.clientId });
    expect(asPublic.status).toBe(401);
    expect(asPublic.body.error).toBe('invalid_client');
    const withSecret = await exchange(code, verifier, {
      client_secret: 'guess',
      client_assertion_type: JWT_BEARER,
      client_assertion: await signClientAssertion(rsa, client.clientId, ISSUER),
    });
    expect(withSecret.status).toBe(400);
    expect(withSecret.body.error).toBe('invalid_request');
    const withBasic = await t.http
      .post('/token')
      .type('form')
      .set('Authorization', basicAuth(client.clientId, 'guess'))
      .send({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT,
        client_assertion_type: JWT_BEARER,
        client_assertion: await signClientAssertion(rsa, client.clientId, ISSUER),
      });
    expect(withBasic.status).toBe(400);
    expect(withBasic.body.error).toBe('invalid_request');
    const typeOnly = await exchange(code, verifier, { client_id: client.clientId, client_assertion_type: JWT_BEARER });
    expect(typeOnly.status).toBe(400);
    const otherType = await exchange(code, verifier, {
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
      client_assertion: await signClientAssertion(rsa, client.clientId, ISSUER),
    });
    expect(otherType.status).toBe(401);
    expect(otherType.body.error).toBe('invalid_client');
    const good = await exchange(code, verifier, {
      client_assertion_type: JWT_BEARER,
      client_assertion: await signClientAssertion(rsa, client.clientId, ISSUER),
    });
    expect(good.status).toBe(200);
  });

  it('S65 S37 a client registered for a secret or none cannot authenticate with an assertion', async () => {
    const secretClient = await t.provider.addClient({
      redirectUris: [REDIRECT],
      tokenEndpointAuthMethod: 'client_secret_post',
      jwks: { keys: [rsa.publicJwk] },
    });
    const { code, verifier } = await codeFor(secretClient);
    const res = await exchange(code, verifier, {
      client_assertion_type: JWT_BEARER,
      client_assertion: await signClientAssertion(rsa, secretClient.clientId, ISSUER),
    });
    expect(res.status).toBe(401);
    expect(res.body.error_description).toContain('unexpected authentication method');
  });

  it('S65 /revoke and /introspect authenticate the client with an assertion too', async () => {
    const { code, verifier } = await codeFor(client);
    const tokens = (
      await exchange(code, verifier, {
        client_assertion_type: JWT_BEARER,
        client_assertion: await signClientAssertion(rsa, client.clientId, ISSUER),
      })
    ).body as { access_token: string; refresh_token: string };
    const introspected = await t.http
      .post('/introspect')
      .type('form')
      .send({
        token: tokens.access_token,
        client_assertion_type: JWT_BEARER,
        client_assertion: await signClientAssertion(ec, client.clientId, ISSUER),
      });
    expect(introspected.status).toBe(200);
    expect(introspected.body.active).toBe(true);
    const badIntrospection = await t.http
      .post('/introspect')
      .type('form')
      .send({
        token: tokens.access_token,
        client_assertion_type: JWT_BEARER,
        client_assertion: await signClientAssertion(stranger, client.clientId, ISSUER),
      });
    expect(badIntrospection.status).toBe(401);
    const revoked = await t.http
      .post('/revoke')
      .type('form')
      .send({
        token: tokens.refresh_token,
        client_assertion_type: JWT_BEARER,
        client_assertion: await signClientAssertion(rsa, client.clientId, TOKEN_ENDPOINT),
      });
    expect(revoked.status).toBe(200);
    expect(t.provider.refreshTokens.has(tokens.refresh_token)).toBe(false);
  });
});

describe('private_key_jwt for a registered client with a jwks_uri (fetched through the CIMD fetcher)', () => {
  const JWKS_URI = 'https://keys.client.example/jwks.json';
  let t: AsTestApp;
  let first: ClientSigningKey;
  let rotated: ClientSigningKey;
  let served: ClientSigningKey[] = [];
  const fetched: string[] = [];

  beforeAll(async () => {
    [first, rotated] = await Promise.all([clientSigningKey('PS256', 'k-1'), clientSigningKey('EdDSA', 'k-2')]);
    t = await createAsTestApp({
      privateKeyJwt: { jwksRefetchCooldownSeconds: 0 },
      clientIdMetadataDocuments: {
        enabled: false,
        fetch: async ({ url }) => {
          fetched.push(url.href);
          return {
            status: 200,
            contentType: 'application/json',
            cacheControl: 'max-age=3600',
            body: new TextEncoder().encode(JSON.stringify({ keys: served.map((key) => key.publicJwk) })),
          };
        },
      },
    });
  });
  afterAll(() => t.close());

  it('S65 registers with jwks_uri, authenticates with a PS256 assertion, and refetches once for a rotated kid (EdDSA)', async () => {
    served = [first];
    const registered = await t.http
      .post('/register')
      .send({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'private_key_jwt', jwks_uri: JWKS_URI });
    expect(registered.status).toBe(201);
    const client = (await t.provider.getClient(registered.body.client_id))!;
    const exchange = async (key: ClientSigningKey) => {
      t.provider.nowMs = Date.now();
      const { code, verifier } = await obtainCode(t, client, { scope: 'notes:read', resource: RESOURCE });
      return t.http
        .post('/token')
        .type('form')
        .send({
          grant_type: 'authorization_code',
          code,
          code_verifier: verifier,
          redirect_uri: REDIRECT,
          client_assertion_type: JWT_BEARER,
          client_assertion: await signClientAssertion(key, client.clientId, ISSUER),
        });
    };
    expect((await exchange(first)).status).toBe(200);
    expect((await exchange(first)).status).toBe(200);
    expect(fetched).toEqual([JWKS_URI]);
    served = [first, rotated];
    expect((await exchange(rotated)).status).toBe(200);
    expect(fetched).toEqual([JWKS_URI, JWKS_URI]);
    const unknown = await clientSigningKey('ES256', 'k-unknown');
    const refused = await exchange(unknown);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
    expect(fetched).toHaveLength(3);
  });
});

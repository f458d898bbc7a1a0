import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth } from '../../support/as-test-app.js';
import {
  JWT_BEARER,
  clientSigningKey,
  signClientAssertion,
  type ClientSigningKey,
} from '../../support/client-assertion.js';
import { ISSUER, RESOURCE, createExtensionApp, machineClient, type ExtensionApp } from './extension-app.js';

describe('client credentials grant (S67)', () => {
  let t: ExtensionApp;
  let key: ClientSigningKey;

  beforeAll(async () => {
    key = await clientSigningKey('ES256', 'bot-key');
    t = await createExtensionApp({ clientCredentials: { enabled: true } }, [
      machineClient(),
      machineClient({ clientId: 'bot-broad', clientSecret: 'broad-secret', scope: 'notes' }),
      machineClient({
        clientId: 'bot-post',
        clientSecret: 'post-secret',
        tokenEndpointAuthMethod: 'client_secret_post',
      }),
      machineClient({
        clientId: 'bot-jwt',
        clientSecret: undefined,
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: { keys: [key.publicJwk as Record<string, unknown>] },
      }),
      machineClient({ clientId: 'bot-public', clientSecret: undefined, tokenEndpointAuthMethod: 'none' }),
      machineClient({ clientId: 'bot-noscope', clientSecret: 'noscope-secret', scope: undefined }),
      machineClient({
        clientId: 'web-app',
        clientSecret: 'web-secret',
        redirectUris: ['https://app.example/cb'],
        grantTypes: ['authorization_code', 'refresh_token'],
        responseTypes: ['code'],
      }),
    ]);
  });
  afterAll(() => t?.close());

  const token = (form: Record<string, string>, auth?: string) => {
    const req = t.http.post('/token').type('form');
    if (auth) req.set('authorization', auth);
    return req.send({ grant_type: 'client_credentials', ...form });
  };

  it('S67 client_secret_basic: an access token for the resource, subject = client, subject_type machine, no refresh token', async () => {
    const res = await token({ scope: 'notes:read', resource: RESOURCE }, basicAuth('bot', 'bot-secret'));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'notes:read' });
    expect(res.body.refresh_token).toBeUndefined();
    const claims = decodeJwt(res.body.access_token);
    expect(claims).toMatchObject({ iss: ISSUER, sub: 'bot', client_id: 'bot', aud: RESOURCE, subject_type: 'machine' });
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(900);
  });

  it('S67 the guard and AuthContext tell the machine caller from a user', async () => {
    const issued = await token({}, basicAuth('bot', 'bot-secret'));
    const res = await t.http.get('/mcp').set('authorization', `Bearer ${issued.body.access_token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      subject: 'bot',
      subjectType: 'machine',
      isMachine: true,
      clientId: 'bot',
      scopes: ['notes:read'],
    });
  });

  it('S67 without scope the client gets its whole registered set; without resource the audience is still this resource', async () => {
    const res = await token({}, basicAuth('bot', 'bot-secret'));
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('notes:read');
    expect(decodeJwt(res.body.access_token).aud).toBe(RESOURCE);
  });

  it('S67 client_secret_post works like Basic', async () => {
    const res = await token({ client_id: 'bot-post', client_secret: 'post-secret' });
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token).sub).toBe('bot-post');
  });

  it('S67 private_key_jwt: client_id taken from the assertion (ext-auth example omits it)', async () => {
    const assertion = await signClientAssertion(key, 'bot-jwt', ISSUER);
    const res = await token({ client_assertion_type: JWT_BEARER, client_assertion: assertion, scope: 'notes:read' });
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token)).toMatchObject({ sub: 'bot-jwt', subject_type: 'machine' });
    expect(res.body.refresh_token).toBeUndefined();
  });

  it('S67 scope outside the allowed set: invalid_scope, no token', async () => {
    const res = await token({ scope: 'notes:write' }, basicAuth('bot', 'bot-secret'));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
    expect(res.body.access_token).toBeUndefined();
    const unknown = await token({ scope: 'admin' }, basicAuth('bot', 'bot-secret'));
    expect(unknown.body.error).toBe('invalid_scope');
  });

  it('S67 S64 a broader registered scope allows a narrower request', async () => {
    const res = await token({ scope: 'notes:write' }, basicAuth('bot-broad', 'broad-secret'));
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('notes:write');
  });

  it('S67 a client registered without scope gets invalid_scope', async () => {
    const res = await token({}, basicAuth('bot-noscope', 'noscope-secret'));
    expect(res.body.error).toBe('invalid_scope');
  });

  it('S67 public client refused: unauthorized_client', async () => {
    const res = await token({ client_id: 'bot-public' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('S67 a client not registered for the grant: unauthorized_client', async () => {
    const res = await token({}, basicAuth('web-app', 'web-secret'));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('S67 wrong secret: 401 invalid_client with WWW-Authenticate: Basic', async () => {
    const res = await token({}, basicAuth('bot', 'wrong'));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers['www-authenticate']).toMatch(/^Basic/);
  });

  it('S67 a resource other than this MCP server: invalid_target', async () => {
    const res = await token({ resource: 'https://other.example/mcp' }, basicAuth('bot', 'bot-secret'));
    expect(res.body.error).toBe('invalid_target');
  });

  it('S67 S9 a revoked machine token is refused by the guard', async () => {
    const issued = await token({}, basicAuth('bot', 'bot-secret'));
    const accessToken = issued.body.access_token as string;
    expect((await t.http.get('/mcp').set('authorization', `Bearer ${accessToken}`)).status).toBe(200);
    const revoked = await t.http
      .post('/revoke')
      .type('form')
      .set('authorization', basicAuth('bot', 'bot-secret'))
      .send({ token: accessToken });
    expect(revoked.status).toBe(200);
    expect((await t.http.get('/mcp').set('authorization', `Bearer ${accessToken}`)).status).toBe(401);
  });

  it('S67 S28 metadata advertises client_credentials with the confidential auth methods', async () => {
    const res = await t.http.get('/.well-known/oauth-authorization-server');
    expect(res.body.grant_types_supported).toEqual(['authorization_code', 'refresh_token', 'client_credentials']);
    expect(res.body.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'private_key_jwt']),
    );
    expect(res.body.token_endpoint_auth_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256']));
  });

  it('S67 /register refuses client_credentials by default (not open to anonymous registration)', async () => {
    const res = await t.http
      .post('/register')
      .send({
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'notes:read',
      });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_client_metadata');
  });
});

describe('client credentials grant switched off or opened to registration (S67)', () => {
  it('S67 off by default: unsupported_grant_type and not advertised', async () => {
    const t = await createExtensionApp({}, [machineClient()]);
    try {
      const res = await t.http
        .post('/token')
        .type('form')
        .set('authorization', basicAuth('bot', 'bot-secret'))
        .send({ grant_type: 'client_credentials' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('unsupported_grant_type');
      const metadata = await t.http.get('/.well-known/oauth-authorization-server');
      expect(metadata.body.grant_types_supported).toEqual(['authorization_code', 'refresh_token']);
    } finally {
      await t.close();
    }
  });

  it('S67 allowDynamicRegistration: a confidential client registers without redirect URIs and gets a token; a public one is refused', async () => {
    const t = await createExtensionApp({ clientCredentials: { enabled: true, allowDynamicRegistration: true } });
    try {
      const registered = await t.http
        .post('/register')
        .send({
          grant_types: ['client_credentials'],
          token_endpoint_auth_method: 'client_secret_basic',
          scope: 'notes:read',
        });
      expect(registered.status).toBe(201);
      expect(registered.body.redirect_uris).toEqual([]);
      const res = await t.http
        .post('/token')
        .type('form')
        .set('authorization', basicAuth(registered.body.client_id, registered.body.client_secret))
        .send({ grant_type: 'client_credentials' });
      expect(res.status).toBe(200);
      expect(decodeJwt(res.body.access_token)).toMatchObject({
        sub: registered.body.client_id,
        subject_type: 'machine',
      });
      const publicClient = await t.http
        .post('/register')
        .send({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' });
      expect(publicClient.status).toBe(400);
      expect(publicClient.body.error).toBe('invalid_client_metadata');
    } finally {
      await t.close();
    }
  });
});

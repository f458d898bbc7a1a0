import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AsTestApp, createAsTestApp } from '../../support/as-test-app.js';

describe('/register (RFC 7591)', () => {
  let t: AsTestApp;
  beforeAll(async () => {
    t = await createAsTestApp({ clientRegistration: { enabled: true, clientSecretExpirySeconds: 3600 } });
  });
  afterAll(() => t.close());

  const register = (body: unknown) => t.http.post('/register').send(body as object);

  function expectError(res: { status: number; body: any; headers: Record<string, string> }, error: string) {
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(error);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['access-control-allow-origin']).toBe('*');
  }

  it('S39 a public client (none) gets 201 with client_id, client_id_issued_at and no secret', async () => {
    const res = await register({ redirect_uris: ['http://127.0.0.1:3000/cb'], token_endpoint_auth_method: 'none' });
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.body).toEqual({
      client_id: expect.any(String),
      client_id_issued_at: expect.any(Number),
      redirect_uris: ['http://127.0.0.1:3000/cb'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      scope: 'notes:read notes:write',
      application_type: 'web',
    });
    expect(res.body).not.toHaveProperty('client_secret');
    expect(res.body).not.toHaveProperty('client_secret_expires_at');
    expect(await t.provider.getClient(res.body.client_id)).toMatchObject({ tokenEndpointAuthMethod: 'none' });
  });

  it('S39 the default auth method is client_secret_basic with a secret of at least 256 bits and its expiry', async () => {
    const res = await register({ redirect_uris: ['https://app.example/cb'] });
    expect(res.status).toBe(201);
    expect(res.body.token_endpoint_auth_method).toBe('client_secret_basic');
    expect(Buffer.from(res.body.client_secret, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(res.body.client_secret_expires_at).toBe(res.body.client_id_issued_at + 3600);
    const stored = await t.provider.getClient(res.body.client_id);
    expect(stored?.clientSecret).not.toBe(res.body.client_secret);
    expect(await t.provider.verifyClientSecret(stored!, res.body.client_secret)).toBe(true);
  });

  it('S39 S47 generated client ids are random (>= 128 bits) and never start with https://', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await register({ redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'none' });
      expect(res.body.client_id.startsWith('https://')).toBe(false);
      expect(Buffer.from(res.body.client_id, 'base64url').length).toBeGreaterThanOrEqual(16);
      ids.add(res.body.client_id);
    }
    expect(ids.size).toBe(5);
  });

  it('S39 unknown metadata fields are ignored and a missing client_name is fine', async () => {
    const res = await register({
      redirect_uris: ['https://app.example/cb'],
      token_endpoint_auth_method: 'none',
      frobnicate: 42,
      client_secret: 'mine',
    });
    expect(res.status).toBe(201);
    expect(res.body).not.toHaveProperty('frobnicate');
    expect(res.body).not.toHaveProperty('client_name');
    expect(res.body).not.toHaveProperty('client_secret');
  });

  it('S39 application_type is stored; native clients may use private-use schemes', async () => {
    const res = await register({
      redirect_uris: ['com.example.app:/cb'],
      application_type: 'native',
      token_endpoint_auth_method: 'none',
    });
    expect(res.status).toBe(201);
    expect(res.body.application_type).toBe('native');
    expect((await t.provider.getClient(res.body.client_id))?.applicationType).toBe('native');
  });

  it('S39 web clients may not use private-use schemes', async () => {
    expectError(await register({ redirect_uris: ['com.example.app:/cb'] }), 'invalid_redirect_uri');
  });

  it.each([
    ['non-loopback http', 'http://app.example/cb'],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,hi'],
    ['file:', 'file:///etc/passwd'],
    ['fragment', 'https://app.example/cb#frag'],
    ['empty fragment', 'https://app.example/cb#'],
    ['wildcard host', 'https://*.example.com/cb'],
    ['wildcard path', 'https://app.example/*'],
    ['userinfo', 'https://good@evil.example/cb'],
    ['relative', '/cb'],
    ['not a string', 42],
  ])('S39 rejects a %s redirect URI with invalid_redirect_uri', async (_name, uri) => {
    expectError(await register({ redirect_uris: [uri], application_type: 'native' }), 'invalid_redirect_uri');
  });

  it.each([
    ['missing redirect_uris', {}],
    ['empty redirect_uris', { redirect_uris: [] }],
    ['unknown auth method', { redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'private_key_jwt' }],
    ['unsupported grant type', { redirect_uris: ['https://a.example/cb'], grant_types: ['client_credentials'] }],
    ['unsupported response type', { redirect_uris: ['https://a.example/cb'], response_types: ['token'] }],
    ['inconsistent grant/response types', { redirect_uris: ['https://a.example/cb'], grant_types: ['refresh_token'] }],
    ['scope outside validScopes', { redirect_uris: ['https://a.example/cb'], scope: 'notes:read admin' }],
    ['bad logo_uri', { redirect_uris: ['https://a.example/cb'], logo_uri: 'javascript:alert(1)' }],
    ['client_name not a string', { redirect_uris: ['https://a.example/cb'], client_name: { a: 1 } }],
    ['bad application_type', { redirect_uris: ['https://a.example/cb'], application_type: 'desktop' }],
    ['a JSON array body', [1, 2]],
  ])('rejects %s with invalid_client_metadata', async (_name, body) => {
    expectError(await register(body), 'invalid_client_metadata');
  });

  it('rejects a non-JSON content type with invalid_client_metadata', async () => {
    expectError(
      await t.http.post('/register').type('form').send('redirect_uris=https://a.example/cb'),
      'invalid_client_metadata',
    );
  });

  it('S38 malformed JSON is a 400, never a 500', async () => {
    const res = await t.http.post('/register').set('Content-Type', 'application/json').send('{"redirect_uris": [');
    expect(res.status).toBe(400);
  });

  it('requested scopes within validScopes are stored', async () => {
    const res = await register({
      redirect_uris: ['https://a.example/cb'],
      scope: 'notes:read',
      client_name: 'Notes',
      token_endpoint_auth_method: 'client_secret_post',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      scope: 'notes:read',
      client_name: 'Notes',
      token_endpoint_auth_method: 'client_secret_post',
      client_secret_expires_at: expect.any(Number),
    });
  });

  it('405 with Allow for GET', async () => {
    const res = await t.http.get('/register');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST, OPTIONS');
  });

  it('client_secret_expires_at is 0 without clientSecretExpirySeconds', async () => {
    const other = await createAsTestApp();
    try {
      const res = await other.http.post('/register').send({ redirect_uris: ['https://a.example/cb'] });
      expect(res.status).toBe(201);
      expect(res.body.client_secret_expires_at).toBe(0);
    } finally {
      await other.close();
    }
  });
});

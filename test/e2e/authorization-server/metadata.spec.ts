import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AsTestApp, ISSUER, createAsTestApp } from '../../support/as-test-app.js';

describe('authorization-server metadata (RFC 8414)', () => {
  let t: AsTestApp;
  beforeAll(async () => {
    t = await createAsTestApp({ serviceDocumentationUrl: 'https://docs.example.com/mcp' });
  });
  afterAll(() => t.close());

  it('S28 S65 serves the RFC 8414 document with exactly what works', async () => {
    const methods = ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'];
    const algorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
    const res = await t.http.get('/.well-known/oauth-authorization-server');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      token_endpoint: `${ISSUER}/token`,
      registration_endpoint: `${ISSUER}/register`,
      scopes_supported: ['notes:read', 'notes:write'],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: methods,
      token_endpoint_auth_signing_alg_values_supported: algorithms,
      service_documentation: 'https://docs.example.com/mcp',
      revocation_endpoint: `${ISSUER}/revoke`,
      revocation_endpoint_auth_methods_supported: methods,
      revocation_endpoint_auth_signing_alg_values_supported: algorithms,
      introspection_endpoint: `${ISSUER}/introspect`,
      introspection_endpoint_auth_methods_supported: methods,
      introspection_endpoint_auth_signing_alg_values_supported: algorithms,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      dpop_signing_alg_values_supported: algorithms,
    });
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('S28 serves the OpenID Connect discovery alias with the same document', async () => {
    const [a, b] = await Promise.all([
      t.http.get('/.well-known/oauth-authorization-server'),
      t.http.get('/.well-known/openid-configuration'),
    ]);
    expect(b.status).toBe(200);
    expect(b.body).toEqual(a.body);
  });

  it('S28 answers HEAD', async () => {
    const res = await t.http.head('/.well-known/oauth-authorization-server');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
  });

  it('S28 S32 answers a CORS preflight', async () => {
    const res = await t.http
      .options('/.well-known/oauth-authorization-server')
      .set('Origin', 'https://app.example')
      .set('Access-Control-Request-Method', 'GET');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toContain('GET');
  });

  it.each(['post', 'put', 'delete', 'patch'] as const)('S28 refuses %s with 405 and Allow', async (method) => {
    const res = await t.http[method]('/.well-known/oauth-authorization-server');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(res.body.error).toBe('invalid_request');
  });

  it('S28 advertises jwks_uri only when the provider has getJsonWebKeySet, and omits disabled endpoints', async () => {
    const { TestOAuthProvider } = await import('../../support/test-oauth-provider.js');
    const provider = Object.assign(new TestOAuthProvider(), { getJsonWebKeySet: async () => ({ keys: [] }) });
    const other = await createAsTestApp({
      provider,
      clientRegistration: { enabled: false },
      revocation: { enabled: false },
      introspection: { enabled: false },
    });
    try {
      const res = await other.http.get('/.well-known/oauth-authorization-server');
      expect(res.body.jwks_uri).toBe(`${ISSUER}/jwks`);
      expect(res.body).not.toHaveProperty('registration_endpoint');
      expect(res.body).not.toHaveProperty('revocation_endpoint');
      expect(res.body).not.toHaveProperty('introspection_endpoint');
      expect((await other.http.post('/register').send({})).status).toBe(404);
      expect((await other.http.post('/revoke').type('form').send({})).status).toBe(404);
      expect((await other.http.post('/introspect').type('form').send({})).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});

import type { OAuthClientInformation } from '../../../lib/interfaces/oauth-models.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidScopeError } from '../../../lib/errors/oauth-error.js';
import {
  type AsTestApp,
  ISSUER,
  RESOURCE,
  authorizeParams,
  createAsTestApp,
  pkcePair,
} from '../../support/as-test-app.js';
import { onFastify } from '../../support/test-app.js';

const REDIRECT = 'https://client.example/cb';

function expectHtmlErrorPage(res: { status: number; headers: Record<string, string>; text: string }, status = 400) {
  expect(res.status).toBe(status);
  expect(res.headers.location).toBeUndefined();
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['access-control-allow-origin']).toBeUndefined();
}

function redirectParams(res: { status: number; headers: Record<string, string> }, base = REDIRECT) {
  expect(res.headers.location).toBeDefined();
  const url = new URL(res.headers.location!);
  expect(`${url.origin}${url.pathname}`).toBe(base);
  return url.searchParams;
}

describe('/authorize', () => {
  let t: AsTestApp;
  let client: OAuthClientInformation;
  let twoUris: OAuthClientInformation;
  let loopback: OAuthClientInformation;
  let challenge: string;

  beforeAll(async () => {
    t = await createAsTestApp();
    // Pre-registered by the operator and marked trusted: errors before sign-in redirect at once (S20, S52).
    client = await t.provider.addClient({ redirectUris: [REDIRECT], trustedRedirectUris: true });
    twoUris = await t.provider.addClient({ redirectUris: [REDIRECT, 'https://client.example/other'] });
    loopback = await t.provider.addClient({
      redirectUris: ['http://127.0.0.1/callback', 'http://localhost:8080/cb?x=1', 'http://[::1]/cb'],
    });
  });
  beforeEach(() => {
    challenge = pkcePair().challenge;
    t.provider.authorizeFailure = undefined;
  });
  afterAll(() => t.close());

  it('S29 S20 a valid request redirects (302) to the provider result with code, exact state and iss', async () => {
    const res = await t.http.get('/authorize').query(authorizeParams(client, challenge, { state: 'a b+c/é' }));
    expect(res.status).toBe(302);
    const params = redirectParams(res);
    expect(params.get('code')).toBeTruthy();
    expect(params.get('state')).toBe('a b+c/é');
    expect(params.get('iss')).toBe(ISSUER);
    expect(t.provider.lastAuthorization).toMatchObject({
      scopes: ['notes:read', 'notes:write'],
      codeChallenge: challenge,
      redirectUri: REDIRECT,
      redirectUriProvidedExplicitly: true,
      state: 'a b+c/é',
    });
  });

  it('S32 /authorize sends no Access-Control-Allow-Origin', async () => {
    const res = await t.http
      .get('/authorize')
      .set('Origin', 'https://evil.example')
      .query(authorizeParams(client, challenge));
    expect(res.status).toBe(302);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('S30 a form POST redirects with 303', async () => {
    const res = await t.http.post('/authorize').type('form').send(authorizeParams(client, challenge));
    expect(res.status).toBe(303);
    expect(redirectParams(res).get('code')).toBeTruthy();
  });

  it('405 with Allow for other methods', async () => {
    const res = await t.http.put('/authorize').query(authorizeParams(client, challenge));
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, POST');
  });

  describe('S18 unknown or missing client_id: HTML error page, no redirect', () => {
    it('S18 missing client_id', async () => {
      const res = await t.http.get('/authorize').query(authorizeParams(client, challenge, { client_id: undefined }));
      expectHtmlErrorPage(res);
      expect(res.text).toContain('invalid_request');
    });
    it('S18 unknown client_id', async () => {
      const res = await t.http.get('/authorize').query(authorizeParams(client, challenge, { client_id: 'nope' }));
      expectHtmlErrorPage(res);
      expect(res.text).toContain('invalid_client');
    });
    it('S18 a provider failure while looking the client up is a 500 page without the message', async () => {
      const original = t.provider.getClient;
      t.provider.getClient = async () => {
        throw new Error('db password=hunter2');
      };
      try {
        const res = await t.http.get('/authorize').query(authorizeParams(client, challenge));
        expectHtmlErrorPage(res, 500);
        expect(res.text).toContain('server_error');
        expect(res.text).not.toContain('hunter2');
      } finally {
        t.provider.getClient = original;
      }
    });
  });

  describe('S17 redirect_uri differing in any way: HTML error page, never a Location', () => {
    it.each([
      ['trailing slash', `${REDIRECT}/`],
      ['path case', 'https://client.example/CB'],
      ['extra query', `${REDIRECT}?x=1`],
      ['userinfo', 'https://client.example@evil.example/cb'],
      ['userinfo good@evil', 'https://good@evil.example/cb'],
      ['host', 'https://evil.example/cb'],
      ['scheme', 'http://client.example/cb'],
      ['fragment', `${REDIRECT}#x`],
      ['port', 'https://client.example:8443/cb'],
    ])('S17 %s', async (_name, redirectUri) => {
      const res = await t.http
        .get('/authorize')
        .query(authorizeParams(client, challenge, { redirect_uri: redirectUri }));
      expectHtmlErrorPage(res);
      expect(res.text).not.toContain('href=');
    });

    it('S17 invalid redirect_uri with other errors too: still the page', async () => {
      const res = await t.http
        .get('/authorize')
        .query(authorizeParams(client, challenge, { redirect_uri: 'https://evil.example/cb', response_type: 'token' }));
      expectHtmlErrorPage(res);
    });
  });

  describe('S19 loopback redirect URIs accept any port; path and query exact', () => {
    it.each([
      'http://127.0.0.1:51234/callback',
      'http://127.0.0.1/callback',
      'http://localhost:9999/cb?x=1',
      'http://[::1]:4000/cb',
    ])('S19 accepts %s', async (redirectUri) => {
      const res = await t.http
        .get('/authorize')
        .query(authorizeParams(loopback, challenge, { redirect_uri: redirectUri }));
      expect(res.status).toBe(302);
      expect(res.headers.location!.startsWith(redirectUri)).toBe(true);
    });
    it.each([
      'http://127.0.0.1:51234/callback/',
      'http://127.0.0.1:51234/other',
      'http://localhost:9999/cb',
      'http://localhost:9999/cb?x=2',
      'https://127.0.0.1:51234/callback',
      'http://127.0.0.1:51234/callback?extra=1',
      'http://localhost:51234/callback',
    ])('S19 refuses %s', async (redirectUri) => {
      const res = await t.http
        .get('/authorize')
        .query(authorizeParams(loopback, challenge, { redirect_uri: redirectUri }));
      expectHtmlErrorPage(res);
    });
  });

  describe('S21 omitted redirect_uri', () => {
    it('S21 allowed when the client registered exactly one', async () => {
      const res = await t.http.get('/authorize').query(authorizeParams(client, challenge, { redirect_uri: undefined }));
      expect(res.status).toBe(302);
      expect(redirectParams(res).get('code')).toBeTruthy();
      expect(t.provider.lastAuthorization?.redirectUriProvidedExplicitly).toBe(false);
    });
    it('S21 refused with an HTML page when the client registered several', async () => {
      const res = await t.http
        .get('/authorize')
        .query(authorizeParams(twoUris, challenge, { redirect_uri: undefined }));
      expectHtmlErrorPage(res);
    });
  });

  describe('S15 PKCE is required with S256', () => {
    it.each([
      ['missing code_challenge', { code_challenge: undefined }],
      ['code_challenge_method=plain', { code_challenge_method: 'plain' }],
      ['challenge without method', { code_challenge_method: undefined }],
      ['malformed challenge (too short)', { code_challenge: 'abc' }],
      ['malformed challenge (bad characters)', { code_challenge: `${'a'.repeat(42)}=` }],
    ])('S15 %s: invalid_request redirect with state and iss', async (_name, overrides) => {
      const res = await t.http.get('/authorize').query(authorizeParams(client, challenge, overrides));
      expect(res.status).toBe(302);
      const params = redirectParams(res);
      expect(params.get('error')).toBe('invalid_request');
      expect(params.get('state')).toBe('st-1');
      expect(params.get('iss')).toBe(ISSUER);
      expect(params.get('code')).toBeNull();
    });
    it('S15 with an untrusted client the PKCE error is a page, not a redirect', async () => {
      const res = await t.http
        .get('/authorize')
        .query(authorizeParams(client, challenge, { code_challenge: undefined, client_id: 'unknown' }));
      expectHtmlErrorPage(res);
    });
  });

  describe('S20 errors after client and redirect URI are trusted are redirected with error, state, iss', () => {
    it.each([
      ['unsupported response_type', { response_type: 'token' }, 'unsupported_response_type'],
      ['missing response_type', { response_type: undefined }, 'invalid_request'],
      ['unknown scope', { scope: 'notes:read admin' }, 'invalid_scope'],
      ['resource of another server', { resource: 'https://other.example/mcp' }, 'invalid_target'],
      ['resource with fragment', { resource: `${RESOURCE}#frag` }, 'invalid_target'],
      ['relative resource', { resource: '/mcp' }, 'invalid_target'],
      ['response_mode fragment', { response_mode: 'fragment' }, 'invalid_request'],
    ])('S20 %s', async (_name, overrides, error) => {
      const res = await t.http.get('/authorize').query(authorizeParams(client, challenge, overrides));
      expect(res.status).toBe(302);
      const params = redirectParams(res);
      expect(params.get('error')).toBe(error);
      expect(params.get('state')).toBe('st-1');
      expect(params.get('iss')).toBe(ISSUER);
    });
    it('S20 without state the error redirect has no state', async () => {
      const res = await t.http
        .get('/authorize')
        .query(authorizeParams(client, challenge, { state: undefined, response_type: 'token' }));
      const params = redirectParams(res);
      expect(params.has('state')).toBe(false);
      expect(params.get('iss')).toBe(ISSUER);
    });
    it('S20 a denied consent (provider access_denied) is redirected', async () => {
      const { AccessDeniedError } = await import('../../../lib/errors/oauth-error.js');
      t.provider.authorizeFailure = new AccessDeniedError('The user denied the request');
      const res = await t.http.get('/authorize').query(authorizeParams(client, challenge));
      const params = redirectParams(res);
      expect(params.get('error')).toBe('access_denied');
      expect(params.get('state')).toBe('st-1');
      expect(params.get('iss')).toBe(ISSUER);
    });
    it('a provider OAuthError becomes an error redirect', async () => {
      t.provider.authorizeFailure = new InvalidScopeError('nope');
      const params = redirectParams(await t.http.get('/authorize').query(authorizeParams(client, challenge)));
      expect(params.get('error')).toBe('invalid_scope');
    });
    it('a provider plain Error becomes server_error without its message', async () => {
      t.provider.authorizeFailure = new Error('secret-internal-detail');
      const res = await t.http.get('/authorize').query(authorizeParams(client, challenge));
      const params = redirectParams(res);
      expect(params.get('error')).toBe('server_error');
      expect(res.headers.location).not.toContain('secret-internal-detail');
    });
  });

  describe('scope policy', () => {
    it('no scope requested means defaultScopes', async () => {
      await t.http.get('/authorize').query(authorizeParams(client, challenge));
      expect(t.provider.lastAuthorization?.scopes).toEqual(['notes:read', 'notes:write']);
    });
    it('requested scopes are passed through, de-duplicated', async () => {
      await t.http.get('/authorize').query(authorizeParams(client, challenge, { scope: 'notes:read  notes:read' }));
      expect(t.provider.lastAuthorization?.scopes).toEqual(['notes:read']);
    });
    it('a resource equal to the MCP URI modulo scheme/host case is accepted and canonicalised', async () => {
      const res = await t.http
        .get('/authorize')
        .query(authorizeParams(client, challenge, { resource: 'HTTP://127.0.0.1:4000/mcp' }));
      expect(res.status).toBe(302);
      expect(redirectParams(res).get('code')).toBeTruthy();
      expect(t.provider.lastAuthorization?.resource).toBe(RESOURCE);
    });
  });

  describe('S35 duplicate parameters', () => {
    it('S35 two redirect_uri: HTML page (the redirect cannot be trusted)', async () => {
      const res = await t.http.get(
        `/authorize?${new URLSearchParams([...Object.entries(authorizeParams(client, challenge)), ['redirect_uri', REDIRECT]])}`,
      );
      expectHtmlErrorPage(res);
      expect(res.text).toContain('invalid_request');
    });
    it('S35 two client_id: HTML page', async () => {
      const res = await t.http.get(
        `/authorize?${new URLSearchParams([...Object.entries(authorizeParams(client, challenge)), ['client_id', client.clientId]])}`,
      );
      expectHtmlErrorPage(res);
    });
    it.each(['state', 'scope', 'code_challenge', 'response_type', 'code_challenge_method'])(
      'S35 two %s: invalid_request redirect',
      async (name) => {
        const query = new URLSearchParams([
          ...Object.entries(authorizeParams(client, challenge, { scope: 'notes:read' })),
          [name, 'x'],
        ]);
        const res = await t.http.get(`/authorize?${query}`);
        expect(res.status).toBe(302);
        expect(redirectParams(res).get('error')).toBe('invalid_request');
      },
    );
    it('S35 a bracketed parameter (state[a]=b) in a form POST is invalid_request (Express), an unknown parameter (Fastify)', async () => {
      const form = `${new URLSearchParams(authorizeParams(client, challenge, { state: undefined }))}&state[a]=b`;
      const res = await t.http.post('/authorize').type('form').send(form);
      expect(res.status).toBe(303);
      if (onFastify()) {
        // Fastify's form parser keeps `state[a]` as a parameter of that name, not a nested `state`:
        // unknown, so ignored (RFC 6749 §3.1), and no non-string state reaches the endpoint.
        expect(redirectParams(res).get('error')).toBeNull();
        expect(redirectParams(res).get('state')).toBeNull();
        expect(redirectParams(res).get('code')).toBeTruthy();
      } else {
        expect(redirectParams(res).get('error')).toBe('invalid_request');
      }
    });
  });
});

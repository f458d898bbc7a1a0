import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetadataDocumentFetcher } from '../../../lib/cimd/metadata-document-fetcher.js';
import { McpAuthModule } from '../../../lib/mcp-auth.module.js';
import { DefaultOAuthProvider } from '../../../lib/provider/default-oauth-provider.js';
import { MemoryOAuthStore } from '../../../lib/stores/memory-oauth-store.js';
import { pkcePair } from '../../support/as-test-app.js';
import { withResponseCookies } from '../../support/cookie-jar.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';
import { createTestApplication } from '../../support/test-app.js';

const ISSUER = 'http://127.0.0.1:4300';
const RESOURCE = `${ISSUER}/mcp`;
const EVIL = 'https://evil.example/landing';
const CIMD_CLIENT_ID = 'https://evil.example/client.json';

const fetcher: MetadataDocumentFetcher = async () => ({
  status: 200,
  contentType: 'application/json',
  cacheControl: 'no-store',
  body: new TextEncoder().encode(
    JSON.stringify({ client_id: CIMD_CLIENT_ID, redirect_uris: [EVIL], token_endpoint_auth_method: 'none' }),
  ),
});

/** Requests refused before anyone signed in (S15, S20, S25, S35, S52). */
const PRE_LOGIN_ERRORS: [string, Record<string, string | undefined>, string][] = [
  ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
  ['missing response_type', { response_type: undefined }, 'invalid_request'],
  ['an unknown scope', { scope: 'notes:read admin' }, 'invalid_scope'],
  ['code_challenge_method=plain', { code_challenge_method: 'plain' }, 'invalid_request'],
  ['no code_challenge', { code_challenge: undefined }, 'invalid_request'],
  ['a resource of another server', { resource: 'https://other.example/mcp' }, 'invalid_target'],
  ['response_mode=fragment', { response_mode: 'fragment' }, 'invalid_request'],
];

describe('S52 no automatic redirect to an untrusted site before sign-in (RFC 9700 §4.11.2)', () => {
  let app: INestApplication;
  let provider: DefaultOAuthProvider;
  let dcrClientId: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    provider = new DefaultOAuthProvider({
      store: new MemoryOAuthStore({ sweepIntervalMs: 0 }),
      signingKeys: [{ kid: 'k1', privateKey: ecKeyPem().privateKey }],
      users: { alice: { password: 'wonderland', name: 'Alice' } },
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        McpAuthModule.forRoot({
          issuerUrl: ISSUER,
          resourceServerUrl: RESOURCE,
          provider,
          scopesSupported: ['notes:read'],
          rateLimits: false,
          clientIdMetadataDocuments: { enabled: true, fetch: fetcher },
        }),
      ],
    }).compile();
    app = createTestApplication(moduleRef, { logger: false });
    await app.init();
    const registered = await http()
      .post('/register')
      .send({ redirect_uris: [EVIL], token_endpoint_auth_method: 'none', trustedRedirectUris: true })
      .expect(201);
    dcrClientId = registered.body.client_id;
    await provider.registerClient({
      clientId: 'operator-trusted',
      redirectUris: [EVIL],
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      trustedRedirectUris: true,
    });
    await provider.registerClient({
      clientId: 'operator-plain',
      redirectUris: [EVIL],
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
    });
  });
  afterAll(() => app.close());

  const query = (clientId: string, overrides: Record<string, string | undefined> = {}) => {
    const params: Record<string, string | undefined> = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: EVIL,
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      state: 'st-52',
      scope: 'notes:read',
      ...overrides,
    };
    return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined)) as Record<
      string,
      string
    >;
  };

  function expectErrorPageWithoutRedirect(res: request.Response, error: string) {
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.text).toContain(error);
    expect(res.text).toContain(EVIL);
    expect(res.text).not.toMatch(/<a\s|http-equiv|<script|<form/i);
  }

  it.each(PRE_LOGIN_ERRORS)(
    'S52 a dynamically registered client: %s renders a page, not a redirect',
    async (_name, overrides, error) => {
      expectErrorPageWithoutRedirect(await http().get('/authorize').query(query(dcrClientId, overrides)), error);
    },
  );

  it.each(PRE_LOGIN_ERRORS)('S52 a CIMD client: %s renders a page, not a redirect', async (_name, overrides, error) => {
    expectErrorPageWithoutRedirect(await http().get('/authorize').query(query(CIMD_CLIENT_ID, overrides)), error);
  });

  it('S52 a POST authorization request of an untrusted client gets the page too (no 303)', async () => {
    const res = await http()
      .post('/authorize')
      .type('form')
      .send(query(dcrClientId, { response_type: 'token' }));
    expectErrorPageWithoutRedirect(res, 'unsupported_response_type');
  });

  it('S52 a pre-registered client is untrusted unless the operator marks it (trustedRedirectUris)', async () => {
    expectErrorPageWithoutRedirect(
      await http()
        .get('/authorize')
        .query(query('operator-plain', { response_type: 'token' })),
      'unsupported_response_type',
    );
  });

  it('S52 S20 a pre-registered client marked trusted keeps the immediate error redirect with state and iss', async () => {
    const res = await http()
      .get('/authorize')
      .query(query('operator-trusted', { response_type: 'token' }));
    expect(res.status).toBe(302);
    const location = new URL(res.headers.location!);
    expect(`${location.origin}${location.pathname}`).toBe(EVIL);
    expect(location.searchParams.get('error')).toBe('unsupported_response_type');
    expect(location.searchParams.get('state')).toBe('st-52');
    expect(location.searchParams.get('iss')).toBe(ISSUER);
  });

  it('S52 /register ignores a trustedRedirectUris field in the metadata', async () => {
    expect((await provider.getClient(dcrClientId))?.trustedRedirectUris).toBeUndefined();
  });

  it('S52 S20 after sign-in, a denial redirects to the untrusted client with access_denied, state and iss', async () => {
    const start = await http().get('/authorize').query(query(dcrClientId)).expect(302);
    const consent = new URL(start.headers.location!);
    expect(consent.origin).toBe(ISSUER);
    const toLogin = await http().get(`${consent.pathname}${consent.search}`).expect(303);
    const loginUrl = new URL(toLogin.headers.location!, ISSUER);
    const loginForm = await http().get(`${loginUrl.pathname}${loginUrl.search}`).expect(200);
    const field = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1];
    const browser = withResponseCookies('', loginForm.headers['set-cookie']);
    const loggedIn = await http()
      .post('/login')
      .type('form')
      .set('Cookie', browser)
      .send({
        interaction: field(loginForm.text, 'interaction'),
        csrf_token: field(loginForm.text, 'csrf_token'),
        username: 'alice',
        password: 'wonderland',
      })
      .expect(303);
    const cookie = withResponseCookies(browser, loggedIn.headers['set-cookie']);
    const consentPage = await http().get(`${consent.pathname}${consent.search}`).set('Cookie', cookie).expect(200);
    const denied = await http()
      .post('/consent')
      .type('form')
      .set('Cookie', cookie)
      .send({
        interaction: field(consentPage.text, 'interaction'),
        csrf_token: field(consentPage.text, 'csrf_token'),
        decision: 'deny',
      })
      .expect(303);
    const location = new URL(denied.headers.location!);
    expect(`${location.origin}${location.pathname}`).toBe(EVIL);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('st-52');
    expect(location.searchParams.get('iss')).toBe(ISSUER);
  });
});

import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MetadataDocumentFetcher } from '../../../lib/cimd/metadata-document-fetcher.js';
import { McpAuthModule } from '../../../lib/mcp-auth.module.js';
import { DefaultOAuthProvider } from '../../../lib/provider/default-oauth-provider.js';
import { MemoryOAuthStore } from '../../../lib/stores/memory-oauth-store.js';
import { pkcePair } from '../../support/as-test-app.js';
import { withResponseCookies } from '../../support/cookie-jar.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';
import { createTestApplication } from '../../support/test-app.js';

const ISSUER = 'http://127.0.0.1:4100';
const RESOURCE = `${ISSUER}/mcp`;
const CLIENT_ID = 'https://client.example.com/oauth/metadata.json';
const REDIRECT = 'http://127.0.0.1:7000/callback';

/** Documents served by the injected fetcher, by URL; records every fetch. */
const documents = new Map<string, unknown>();
const fetched: string[] = [];
const fetcher: MetadataDocumentFetcher = async ({ url }) => {
  fetched.push(url.href);
  const document = documents.get(url.href);
  if (document === undefined) return { status: 404, body: new Uint8Array() };
  return {
    status: 200,
    contentType: 'application/json',
    cacheControl: 'no-store',
    body: new TextEncoder().encode(JSON.stringify(document)),
  };
};

const validDocument = (overrides: Record<string, unknown> = {}) => ({
  client_id: CLIENT_ID,
  client_name: 'Editor Assistant',
  redirect_uris: [REDIRECT],
  token_endpoint_auth_method: 'none',
  ...overrides,
});

let provider: DefaultOAuthProvider;

async function makeApp(cimdEnabled: boolean): Promise<INestApplication> {
  provider = new DefaultOAuthProvider({
    store: new MemoryOAuthStore({ sweepIntervalMs: 0 }),
    signingKeys: [{ kid: 'k1', privateKey: ecKeyPem().privateKey }],
    users: { alice: { password: 'wonderland', name: 'Alice' } },
    rememberConsent: true,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      McpAuthModule.forRoot({
        issuerUrl: ISSUER,
        resourceServerUrl: RESOURCE,
        provider,
        scopesSupported: ['notes:read'],
        rateLimits: false,
        clientIdMetadataDocuments: cimdEnabled ? { enabled: true, fetch: fetcher } : undefined,
      }),
    ],
  }).compile();
  const app = createTestApplication(moduleRef, { logger: false });
  await app.init();
  return app;
}

const pathOf = (location: string) => {
  const url = new URL(location, ISSUER);
  return `${url.pathname}${url.search}`;
};
const hiddenField = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1];

describe('Client ID Metadata Documents through the endpoints', () => {
  let app: INestApplication;
  let cookie = '';

  beforeAll(async () => {
    app = await makeApp(true);
  });
  afterAll(() => app.close());
  beforeEach(() => {
    documents.clear();
    fetched.length = 0;
  });

  const authorize = (clientId: string, challenge: string, redirectUri = REDIRECT) =>
    request(app.getHttpServer()).get('/authorize').query({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'cimd-state',
      scope: 'notes:read',
      resource: RESOURCE,
    });

  /** Follows /authorize through login (first time) and returns the consent page. */
  async function reachConsent(challenge: string): Promise<request.Response> {
    const start = await authorize(CLIENT_ID, challenge).expect(302);
    expect(new URL(start.headers.location).pathname).toBe('/consent');
    let page = await request(app.getHttpServer()).get(pathOf(start.headers.location)).set('Cookie', cookie);
    if (page.status === 303) {
      const loginForm = await request(app.getHttpServer()).get(pathOf(page.headers.location)).expect(200);
      cookie = withResponseCookies(cookie, loginForm.headers['set-cookie']);
      const loggedIn = await request(app.getHttpServer())
        .post('/login')
        .type('form')
        .set('Cookie', cookie)
        .send({
          interaction: hiddenField(loginForm.text, 'interaction'),
          csrf_token: hiddenField(loginForm.text, 'csrf_token'),
          username: 'alice',
          password: 'wonderland',
        })
        .expect(303);
      cookie = withResponseCookies(cookie, loggedIn.headers['set-cookie']);
      page = await request(app.getHttpServer()).get(pathOf(loggedIn.headers.location)).set('Cookie', cookie);
    }
    return page;
  }

  it('S28 advertises client_id_metadata_document_supported when enabled', async () => {
    const res = await request(app.getHttpServer()).get('/.well-known/oauth-authorization-server').expect(200);
    expect(res.body.client_id_metadata_document_supported).toBe(true);
  });

  it('S40 a valid document leads to consent showing the document host, then to tokens for the URL client_id', async () => {
    documents.set(CLIENT_ID, validDocument());
    const { verifier, challenge } = pkcePair();
    const consent = await reachConsent(challenge);
    expect(consent.status).toBe(200);
    expect(consent.text).toContain('Editor Assistant');
    expect(consent.text).toMatch(/id="client-document-host"[\s\S]*client\.example\.com/);
    const decided = await request(app.getHttpServer())
      .post('/consent')
      .set('Cookie', cookie)
      .type('form')
      .send({
        interaction: hiddenField(consent.text, 'interaction'),
        csrf_token: hiddenField(consent.text, 'csrf_token'),
        decision: 'approve',
      })
      .expect(303);
    const callback = new URL(decided.headers.location);
    expect(callback.origin + callback.pathname).toBe(REDIRECT);
    expect(callback.searchParams.get('iss')).toBe(ISSUER);
    const token = await request(app.getHttpServer())
      .post('/token')
      .type('form')
      .send({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code'),
        redirect_uri: REDIRECT,
        code_verifier: verifier,
        client_id: CLIENT_ID,
        resource: RESOURCE,
      })
      .expect(200);
    expect(token.body.token_type).toBe('Bearer');
    const payload = JSON.parse(Buffer.from(token.body.access_token.split('.')[1], 'base64url').toString());
    expect(payload.client_id).toBe(CLIENT_ID);
  });

  it('S40 consent is asked again for a metadata-document client even when consent is remembered', async () => {
    documents.set(CLIENT_ID, validDocument());
    await provider.store.saveConsent('alice', CLIENT_ID, { scopes: ['notes:read'], expiresAtMs: Date.now() + 60_000 });
    const consent = await reachConsent(pkcePair().challenge);
    expect(consent.status).toBe(200);
    expect(consent.text).toContain('id="client-document-host"');
  });

  it('S40 the redirect_uri must be listed in the document: error page, no Location', async () => {
    documents.set(CLIENT_ID, validDocument());
    const res = await authorize(CLIENT_ID, pkcePair().challenge, 'http://127.0.0.1:7000/other');
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });

  it.each([
    ['a client_secret', validDocument({ client_secret: 'shh' })],
    ['client_secret_basic', validDocument({ token_endpoint_auth_method: 'client_secret_basic' })],
    ['another client_id', validDocument({ client_id: `${CLIENT_ID}/` })],
    ['no redirect_uris', validDocument({ redirect_uris: undefined })],
    ['private_key_jwt and no keys', validDocument({ token_endpoint_auth_method: 'private_key_jwt' })],
    [
      'private_key_jwt and a private key in jwks',
      validDocument({
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'AQAB', y: 'AQAB', d: 'AQAB' }] },
      }),
    ],
    [
      'private_key_jwt and both jwks and jwks_uri',
      validDocument({
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'AQAB', y: 'AQAB' }] },
        jwks_uri: 'https://client.example.com/jwks.json',
      }),
    ],
  ])('S40 S65 a document with %s is refused with an error page and no consent', async (_label, document) => {
    documents.set(CLIENT_ID, document);
    const res = await authorize(CLIENT_ID, pkcePair().challenge);
    expect(res.status).toBe(401);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain('invalid_client');
  });

  it('S40 the token endpoint refuses a metadata-document client whose document is gone', async () => {
    const res = await request(app.getHttpServer())
      .post('/token')
      .type('form')
      .send({ grant_type: 'authorization_code', code: 'x', code_verifier: 'y'.repeat(43), client_id: CLIENT_ID });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it.each([
    'https://127.0.0.1/client.json',
    'https://10.0.0.7/client.json',
    'https://user@client.example.com/client.json',
    'https://client.example.com/a/../client.json',
  ])('S41 %s is refused without fetching', async (clientId) => {
    const res = await authorize(clientId, pkcePair().challenge);
    expect(res.status).toBe(401);
    expect(res.headers.location).toBeUndefined();
    expect(fetched).toEqual([]);
  });
});

describe('Client ID Metadata Documents switched off', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await makeApp(false);
  });
  afterAll(() => app.close());

  it('S28 does not advertise client_id_metadata_document_supported, and a URL client_id is an unknown client', async () => {
    const metadata = await request(app.getHttpServer()).get('/.well-known/oauth-authorization-server').expect(200);
    expect(metadata.body).not.toHaveProperty('client_id_metadata_document_supported');
    const res = await request(app.getHttpServer())
      .get('/authorize')
      .query({
        response_type: 'code',
        client_id: CLIENT_ID,
        redirect_uri: REDIRECT,
        code_challenge: 'x'.repeat(43),
        code_challenge_method: 'S256',
      });
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(fetched).toEqual([]);
  });
});

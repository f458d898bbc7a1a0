import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OAuthClientInformation } from '../../../lib/interfaces/oauth-models.js';
import { type AsTestApp, authorizeParams, createAsTestApp, pkcePair } from '../../support/as-test-app.js';

const REDIRECT = 'https://client.example/cb';

describe('S57 size limits on authorization parameters and registration metadata', () => {
  let t: AsTestApp;
  let trusted: OAuthClientInformation;
  let untrusted: OAuthClientInformation;

  beforeAll(async () => {
    t = await createAsTestApp({ clientRegistration: { enabled: true } });
    trusted = await t.provider.addClient({ redirectUris: [REDIRECT], trustedRedirectUris: true });
    untrusted = await t.provider.addClient({ redirectUris: [REDIRECT] });
  });
  afterAll(() => t.close());

  const authorize = (client: OAuthClientInformation, overrides: Record<string, string | undefined>) =>
    t.http
      .post('/authorize')
      .type('form')
      .send(authorizeParams(client, pkcePair().challenge, overrides));

  it.each([
    ['state', { state: 's'.repeat(1025) }],
    ['state (multi-byte characters count as bytes)', { state: 'é'.repeat(513) }],
    ['scope', { scope: `notes:read ${'x'.repeat(1024)}` }],
    ['resource', { resource: `https://h.example/${'r'.repeat(2048)}` }],
    ['nonce', { nonce: 'n'.repeat(2049) }],
    ['login_hint', { login_hint: 'l'.repeat(2049) }],
    ['an unknown parameter', { frobnicate: 'f'.repeat(2049) }],
  ])('S57 an oversized %s is refused with invalid_request before anything is stored', async (_name, overrides) => {
    t.provider.lastAuthorization = undefined;
    const page = await authorize(untrusted, overrides);
    expect(page.status).toBe(400);
    expect(page.headers.location).toBeUndefined();
    expect(page.text).toContain('invalid_request');
    const redirect = await authorize(trusted, overrides);
    expect(redirect.status).toBe(303);
    const location = new URL(redirect.headers.location!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(t.provider.lastAuthorization).toBeUndefined();
  });

  it('S57 an oversized state is not echoed into the error redirect', async () => {
    const res = await authorize(trusted, { state: 's'.repeat(60 * 1024) });
    const location = new URL(res.headers.location!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.has('state')).toBe(false);
    expect(res.headers.location!.length).toBeLessThan(1024);
  });

  it('S57 an oversized redirect_uri is a page even for a trusted client that registered it', async () => {
    const longUri = `${REDIRECT}?${'q'.repeat(2049)}`;
    const client = await t.provider.addClient({ redirectUris: [longUri], trustedRedirectUris: true });
    t.provider.lastAuthorization = undefined;
    const res = await authorize(client, { redirect_uri: longUri });
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(t.provider.lastAuthorization).toBeUndefined();
  });

  it('S57 values at the limit are accepted and passed on unchanged', async () => {
    const state = 's'.repeat(1024);
    const res = await authorize(trusted, { state });
    expect(res.status).toBe(303);
    expect(new URL(res.headers.location!).searchParams.get('state')).toBe(state);
    expect(t.provider.lastAuthorization?.state).toBe(state);
  });

  const register = (body: Record<string, unknown>) =>
    t.http.post('/register').send({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', ...body });

  it.each([
    ['21 redirect_uris', { redirect_uris: Array.from({ length: 21 }, (_, n) => `https://c.example/cb${n}`) }],
    ['11 contacts', { contacts: Array.from({ length: 11 }, (_, n) => `ops${n}@example.com`) }],
    ['a 60 KB contact', { contacts: ['c'.repeat(60 * 1024)] }],
    ['a 2049-byte redirect URI', { redirect_uris: [`https://c.example/${'p'.repeat(2049)}`] }],
    ['a long unknown field', { extension: 'e'.repeat(4096) }],
    ['a long key', { ['k'.repeat(4096)]: 1 }],
    ['a document over 16 KiB', { a: 'a'.repeat(2000), b: 'b'.repeat(2000), c: Array(8).fill('c'.repeat(2000)) }],
  ])('S57 a registration with %s is refused (invalid_client_metadata), nothing stored', async (_name, body) => {
    const clientsBefore = t.provider.clients.size;
    const res = await register(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_client_metadata');
    expect(t.provider.clients.size).toBe(clientsBefore);
  });

  it('S57 a registration at the limits is accepted', async () => {
    const res = await register({
      redirect_uris: Array.from({ length: 20 }, (_, n) => `https://c.example/cb${n}`),
      contacts: Array.from({ length: 10 }, (_, n) => `ops${n}@example.com`),
    });
    expect(res.status).toBe(201);
  });

  it('S57 inputLimits are configurable and validated at startup', async () => {
    const wide = await createAsTestApp({ inputLimits: { stateBytes: 4096, registrationContacts: 20 } });
    try {
      const client = await wide.provider.addClient({ redirectUris: [REDIRECT], trustedRedirectUris: true });
      const res = await wide.http
        .post('/authorize')
        .type('form')
        .send(authorizeParams(client, pkcePair().challenge, { state: 's'.repeat(4096) }));
      expect(new URL(res.headers.location!).searchParams.get('code')).toBeTruthy();
    } finally {
      await wide.close();
    }
    await expect(createAsTestApp({ inputLimits: { stateBytes: 0 } })).rejects.toThrow(/inputLimits.stateBytes/);
  });
});

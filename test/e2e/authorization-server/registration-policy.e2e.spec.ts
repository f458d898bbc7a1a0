import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MetadataDocumentFetcher } from '../../../lib/cimd/metadata-document-fetcher.js';
import type {
  ClientRegistrationRequestContext,
  ClientRegistrationDecision,
  ClientRegistrationMetadata,
} from '../../../lib/interfaces/client-registration-policy.interface.js';
import { McpAuthConfigurationError, resolveMcpAuthConfig } from '../../../lib/services/mcp-auth-config.factory.js';
import { type AsTestApp, RESOURCE, createAsTestApp, pkcePair } from '../../support/as-test-app.js';

const REDIRECT = 'http://127.0.0.1:3000/cb';

describe('/register with a registration policy (MCP 2026-07-28: DCR deprecated, kept behind a policy)', () => {
  let t: AsTestApp;
  const seen: Array<{ metadata: Readonly<ClientRegistrationMetadata>; context: ClientRegistrationRequestContext }> = [];
  let decide: (metadata: Readonly<ClientRegistrationMetadata>) => ClientRegistrationDecision | Promise<never>;

  beforeAll(async () => {
    t = await createAsTestApp({
      clientRegistration: {
        policy: async (metadata, context) => {
          seen.push({ metadata, context });
          return decide(metadata);
        },
      },
    });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    seen.length = 0;
  });

  const register = (body: Record<string, unknown>) =>
    t.http
      .post('/register')
      .set('Authorization', 'Bearer initial-access-token')
      .send({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', ...body });

  it('allow: the client is registered as asked; the policy saw the validated metadata and the request', async () => {
    decide = () => ({ action: 'allow' });
    const res = await register({ client_name: 'Allowed', unknown_field: 'dropped' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ client_name: 'Allowed', redirect_uris: [REDIRECT] });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.metadata).toEqual({
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none',
      client_name: 'Allowed',
    });
    expect(Object.isFrozen(seen[0]!.metadata)).toBe(true);
    expect(seen[0]!.context.headers.authorization).toBe('Bearer initial-access-token');
    expect(await t.provider.getClient(res.body.client_id)).toMatchObject({ clientName: 'Allowed' });
  });

  it('refuse: 400 invalid_client_metadata with the reason, nothing stored', async () => {
    decide = () => ({ action: 'refuse', reason: 'Only "Acme" software may register\n(ask admin)' });
    const before = t.provider.clients.size;
    const res = await register({ client_name: 'Stranger' });
    expect(res.status).toBe(400);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      error: 'invalid_client_metadata',
      error_description: 'Only Acme software may register (ask admin)',
    });
    expect(t.provider.clients.size).toBe(before);
  });

  it('adjust: the adjusted metadata is stored (here: scope capped, name prefixed)', async () => {
    decide = (metadata) => ({
      action: 'adjust',
      metadata: { ...metadata, scope: 'notes:read', client_name: `[unverified] ${metadata.client_name}` },
    });
    const res = await register({ client_name: 'Tool', scope: 'notes:read notes:write' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ scope: 'notes:read', client_name: '[unverified] Tool' });
    expect(await t.provider.getClient(res.body.client_id)).toMatchObject({
      scope: 'notes:read',
      clientName: '[unverified] Tool',
    });
  });

  it('adjust: adjusted metadata is validated again (an unsafe redirect URI is invalid_redirect_uri)', async () => {
    decide = (metadata) => ({ action: 'adjust', metadata: { ...metadata, redirect_uris: ['javascript:alert(1)'] } });
    const before = t.provider.clients.size;
    const res = await register({});
    expect(res.status).toBe(400);
    expect(['invalid_redirect_uri', 'invalid_client_metadata']).toContain(res.body.error);
    expect(t.provider.clients.size).toBe(before);
  });

  it('a policy that fails or returns no decision fails closed: 500 server_error, nothing stored', async () => {
    const before = t.provider.clients.size;
    decide = () => Promise.reject(new Error('policy database down: secret-detail'));
    const failed = await register({});
    expect(failed.status).toBe(500);
    expect(failed.body.error).toBe('server_error');
    expect(JSON.stringify(failed.body)).not.toContain('secret-detail');
    decide = () => undefined as unknown as ClientRegistrationDecision;
    expect((await register({})).status).toBe(500);
    expect(t.provider.clients.size).toBe(before);
  });

  it('the policy option must be a function (checked at startup)', () => {
    expect(() =>
      resolveMcpAuthConfig({
        issuerUrl: 'https://as.example',
        resourceServerUrl: 'https://as.example/mcp',
        provider: {} as never,
        clientRegistration: { policy: 'allow' as never },
      }),
    ).toThrow(McpAuthConfigurationError);
  });
});

describe('dynamic registration off, Client ID Metadata Documents on', () => {
  const CLIENT_ID = 'https://client.example.com/oauth/metadata.json';
  const fetcher: MetadataDocumentFetcher = async () => ({
    status: 200,
    contentType: 'application/json',
    body: new TextEncoder().encode(
      JSON.stringify({ client_id: CLIENT_ID, redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }),
    ),
  });
  let t: AsTestApp;

  beforeAll(async () => {
    t = await createAsTestApp({
      clientRegistration: { enabled: false },
      clientIdMetadataDocuments: { enabled: true, fetch: fetcher },
    });
  });
  afterAll(() => t.close());

  it('metadata advertises CIMD and no registration_endpoint; /register is 404; a CIMD client still authorizes', async () => {
    const metadata = await t.http.get('/.well-known/oauth-authorization-server');
    expect(metadata.body.client_id_metadata_document_supported).toBe(true);
    expect(metadata.body).not.toHaveProperty('registration_endpoint');
    expect((await t.http.post('/register').send({ redirect_uris: [REDIRECT] })).status).toBe(404);
    const { challenge } = pkcePair();
    const res = await t.http.get('/authorize').query({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 's',
      scope: 'notes:read',
      resource: RESOURCE,
    });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.location).searchParams.get('code')).toEqual(expect.any(String));
    expect(t.provider.lastAuthorization).toMatchObject({ redirectUri: REDIRECT });
  });
});

import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpsMetadataFetcher } from '../../../lib/index.js';
import { authorizeAsUser } from '../../interop/support/authorize-as-user.js';
import { startInteropServer, type RunningServer } from '../../interop/support/interop-server.js';
import {
  clientSigningKey,
  JWT_BEARER,
  signClientAssertion,
  type ClientSigningKey,
} from '../../support/client-assertion.js';
import { HtmlUserAgent } from '../../support/html-user-agent.js';
import { StubMetadataServer } from './stub-metadata-server.js';

/**
 * A Client ID Metadata Document shaped like ChatGPT's published one
 * (`token_endpoint_auth_method: private_key_jwt`, `token_endpoint_auth_methods_supported:
 * ["none", "private_key_jwt"]`, `token_endpoint_auth_signing_alg: RS256`, `jwks_uri`), served
 * with its key set over real HTTPS by a loopback stub whose self-signed certificate the
 * library's own fetcher trusts.
 */
const REDIRECT = 'https://chatgpt.example/connector_platform_oauth_redirect';

function sendJson(res: ServerResponse, body: unknown, cacheControl?: string) {
  const text = JSON.stringify(body);
  res
    .writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...(cacheControl ? { 'cache-control': cacheControl } : {}),
    })
    .end(text);
}

describe('S65 a ChatGPT-shaped CIMD client authenticates with private_key_jwt (jwks_uri over HTTPS)', () => {
  const documents = new StubMetadataServer();
  let server: RunningServer;
  let rsa: ClientSigningKey;
  let ec: ClientSigningKey;
  let rs256ClientId: string;
  let es256ClientId: string;

  const chatGptShaped = (clientId: string, alg: string) => ({
    client_id: clientId,
    client_name: 'ChatGPT',
    client_uri: 'https://chatgpt.example',
    redirect_uris: [REDIRECT],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
    token_endpoint_auth_signing_alg: alg,
    jwks_uri: documents.url('/oauth/jwks.json'),
    application_type: 'web',
  });

  beforeAll(async () => {
    [rsa, ec] = await Promise.all([clientSigningKey('RS256', 'chatgpt-rsa'), clientSigningKey('ES256', 'chatgpt-ec')]);
    await documents.start();
    rs256ClientId = documents.url('/oauth/client.json');
    es256ClientId = documents.url('/oauth/client-es256.json');
    documents
      .route('/oauth/client.json', (_req, res) => sendJson(res, chatGptShaped(rs256ClientId, 'RS256')))
      .route('/oauth/client-es256.json', (_req, res) => sendJson(res, chatGptShaped(es256ClientId, 'ES256')))
      .route('/oauth/jwks.json', (_req, res) =>
        sendJson(res, { keys: [rsa.publicJwk, ec.publicJwk] }, 'public, max-age=600'),
      );
    server = await startInteropServer({
      clientIdMetadataDocuments: {
        enabled: true,
        allowPrivateNetworks: true,
        fetch: createHttpsMetadataFetcher({ ca: documents.certificate.certPem }),
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await documents.stop();
  });

  async function authorizationCode(clientId: string) {
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(`${server.baseUrl}/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT,
      scope: 'notes:read',
      state: 'st',
      resource: server.mcpUrl,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const { callbackUrl, consentHtml } = await authorizeAsUser(new HtmlUserAgent(), url, REDIRECT);
    expect(consentHtml).toContain(`localhost:${documents.port}`);
    return { code: callbackUrl.searchParams.get('code')!, verifier };
  }

  const token = (form: Record<string, string>) =>
    fetch(`${server.baseUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });

  const exchange = (clientId: string, grant: { code: string; verifier: string }, form: Record<string, string>) =>
    token({
      grant_type: 'authorization_code',
      code: grant.code,
      code_verifier: grant.verifier,
      redirect_uri: REDIRECT,
      client_id: clientId,
      ...form,
    });

  it('S65 discovery advertises private_key_jwt with its algorithms next to CIMD support', async () => {
    const metadata = (await (await fetch(`${server.baseUrl}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata.client_id_metadata_document_supported).toBe(true);
    expect(metadata.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).toEqual(
      expect.arrayContaining(['RS256', 'ES256', 'PS256', 'EdDSA']),
    );
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).not.toContain('HS256');
  });

  it('S65 the RS256 document: authorize with the https client_id, then /token with an RS256 assertion', async () => {
    const grant = await authorizationCode(rs256ClientId);
    const res = await exchange(rs256ClientId, grant, {
      client_assertion_type: JWT_BEARER,
      client_assertion: await signClientAssertion(rsa, rs256ClientId, server.baseUrl),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { access_token: string; refresh_token: string };
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims.client_id).toBe(rs256ClientId);
    expect(documents.hitCount('/oauth/jwks.json')).toBe(1);

    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: body.refresh_token,
      client_assertion_type: JWT_BEARER,
      client_assertion: await signClientAssertion(rsa, rs256ClientId, `${server.baseUrl}/token`),
    });
    expect(refreshed.status, await refreshed.clone().text()).toBe(200);
    expect(documents.hitCount('/oauth/jwks.json')).toBe(1);
  });

  it('S65 the same document shape with ES256: an ES256 assertion verifies (key set served from the cache)', async () => {
    const grant = await authorizationCode(es256ClientId);
    const res = await exchange(es256ClientId, grant, {
      client_assertion_type: JWT_BEARER,
      client_assertion: await signClientAssertion(ec, es256ClientId, server.baseUrl),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(documents.hitCount('/oauth/jwks.json')).toBe(1);
  });

  it('S65 S37 the document declares RS256: an ES256 assertion, no assertion, or a replay is 401 invalid_client', async () => {
    const grant = await authorizationCode(rs256ClientId);
    const wrongAlg = await exchange(rs256ClientId, grant, {
      client_assertion_type: JWT_BEARER,
      client_assertion: await signClientAssertion(ec, rs256ClientId, server.baseUrl),
    });
    expect(wrongAlg.status).toBe(401);
    expect(((await wrongAlg.json()) as { error: string }).error).toBe('invalid_client');
    const asPublic = await exchange(rs256ClientId, grant, {});
    expect(asPublic.status).toBe(401);
    const assertion = await signClientAssertion(rsa, rs256ClientId, server.baseUrl);
    expect(
      (await exchange(rs256ClientId, grant, { client_assertion_type: JWT_BEARER, client_assertion: assertion })).status,
    ).toBe(200);
    const again = await authorizationCode(rs256ClientId);
    const replay = await exchange(rs256ClientId, again, {
      client_assertion_type: JWT_BEARER,
      client_assertion: assertion,
    });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error_description: string }).error_description).toContain('already used');
  });
});

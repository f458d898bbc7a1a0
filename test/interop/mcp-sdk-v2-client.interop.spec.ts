import {
  Client,
  createPrivateKeyJwtAuth,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpsMetadataFetcher } from '../../lib/index.js';
import { StubMetadataServer } from '../e2e/cimd/stub-metadata-server.js';
import { clientSigningKey, type ClientSigningKey } from '../support/client-assertion.js';
import { startInteropServer, startSampleServer, type RunningServer } from './support/interop-server.js';
import {
  InteractiveOAuthProviderV2,
  type InteractiveOAuthProviderV2Settings,
} from './support/sdk-v2-oauth-provider.js';
import { TrafficLog } from './support/traffic-log.js';

/**
 * The MCP TypeScript SDK v2 client (`@modelcontextprotocol/client` 2.4.0):
 * RFC 9207 `iss` check in `finishAuth(params)`, scope-union step-up, CIMD.
 */
const CLIENT_INFO = { name: 'interop-sdk-v2', version: '2.0.0' };
const REDIRECT = 'http://127.0.0.1:38113/callback';

async function connectWithLogin(server: RunningServer, settings: Partial<InteractiveOAuthProviderV2Settings> = {}) {
  const provider = new InteractiveOAuthProviderV2({ redirectUrl: REDIRECT, ...settings });
  const log = new TrafficLog();
  const url = new URL(server.mcpUrl);
  const first = new StreamableHTTPClientTransport(url, { authProvider: provider, fetch: log.fetch });
  await expect(new Client(CLIENT_INFO).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
  await first.finishAuth(provider.takeCallbackParams());
  const transport = new StreamableHTTPClientTransport(url, { authProvider: provider, fetch: log.fetch });
  const client = new Client(CLIENT_INFO);
  await client.connect(transport);
  return { client, transport, provider, log };
}

async function callTool(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = await client.callTool({ name, arguments: args });
  expect(result.isError ?? false).toBe(false);
  return result.structuredContent as Record<string, any>;
}

describe('MCP TypeScript SDK v2 client against the sample (interop)', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startSampleServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('S1 S27 S28 S29 401 discovery → PRM → AS metadata → registration → authorize → finishAuth (iss checked) → initialize → list_notes', async () => {
    const { client, provider, log } = await connectWithLogin(server);
    expect(log.posts().slice(0, 4)).toEqual([
      'POST /mcp 401',
      'POST /register 201',
      'POST /token 200',
      'POST /mcp 200',
    ]);
    expect(log.lines()).toContain('GET /.well-known/oauth-protected-resource/mcp 200');
    expect(log.lines()).toContain('GET /.well-known/oauth-authorization-server 200');
    expect(provider.authorizationUrls[0].searchParams.get('resource')).toBe(server.mcpUrl);
    expect(provider.outcomes[0].callbackUrl.searchParams.get('iss')).toBe(server.baseUrl);
    expect(await callTool(client, 'list_notes')).toEqual({ notes: [] });
    expect(await callTool(client, 'whoami')).toMatchObject({ subject: 'alice', scopes: ['notes:read'] });
    await client.close();
  });

  it('S29 finishAuth refuses a callback whose iss is not the issuer (RFC 9207 mix-up defence)', async () => {
    const provider = new InteractiveOAuthProviderV2({ redirectUrl: REDIRECT });
    const transport = new StreamableHTTPClientTransport(new URL(server.mcpUrl), { authProvider: provider });
    await expect(new Client(CLIENT_INFO).connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
    const params = provider.takeCallbackParams();
    params.set('iss', 'http://127.0.0.1:1/evil');
    await expect(transport.finishAuth(params)).rejects.toThrow(/iss|issuer/i);
    expect(provider.tokens()).toBeUndefined();
  });

  it('S7 S24 403 insufficient_scope step-up while holding a refresh token: the SDK re-authorizes with the scope union, the retry succeeds', async () => {
    const { client, transport, provider, log } = await connectWithLogin(server);
    expect(provider.tokens()?.refresh_token).toBeTruthy();
    log.clear();
    await expect(client.callTool({ name: 'add_note', arguments: { text: 'v2' } })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    expect(log.posts()[0]).toBe('POST /mcp 403');
    expect(provider.authorizationUrls[1].searchParams.get('scope')).toBe('notes:read notes:write');
    await transport.finishAuth(provider.takeCallbackParams());
    expect(provider.tokens()?.scope).toBe('notes:read notes:write');
    expect(await callTool(client, 'add_note', { text: 'v2' })).toMatchObject({ note: { text: 'v2' } });
    await client.close();
  });
});

describe('MCP TypeScript SDK v2 client against the sample defaults (refresh tokens and rate limits on)', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startSampleServer({ rateLimits: true });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('S63 SDK v2 holding a refresh token: 403 → it authorizes notes:read notes:write directly → add_note succeeds; the old grant refreshes no more', async () => {
    const { client, transport, provider, log } = await connectWithLogin(server);
    const first = provider.tokens()!;
    expect(first.refresh_token).toBeTruthy();
    log.clear();
    await expect(client.callTool({ name: 'add_note', arguments: { text: 'v2' } })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    expect(log.posts()[0]).toBe('POST /mcp 403');
    expect(provider.authorizationUrls[1].searchParams.get('scope')).toBe('notes:read notes:write');
    await transport.finishAuth(provider.takeCallbackParams());
    expect(provider.tokens()?.scope).toBe('notes:read notes:write');
    expect(await callTool(client, 'add_note', { text: 'v2' })).toMatchObject({ note: { text: 'v2' } });
    const clientId = (provider.clientInformation() as { client_id: string }).client_id;
    const oldRefresh = await fetch(`${server.baseUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token!,
        client_id: clientId,
      }),
    });
    expect(oldRefresh.status).toBe(400);
    expect(await oldRefresh.json()).toMatchObject({ error: 'invalid_grant' });
    await client.close();
  });
});

describe('MCP TypeScript SDK v2 client with a Client ID Metadata Document (interop)', () => {
  const documentServer = new StubMetadataServer();
  let server: RunningServer;
  let documentUrl: string;

  beforeAll(async () => {
    await documentServer.start();
    documentUrl = documentServer.url('/oauth/client.json');
    documentServer.route('/oauth/client.json', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          client_id: documentUrl,
          client_name: 'Interop CIMD client (SDK v2)',
          redirect_uris: [REDIRECT],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
        }),
      );
    });
    server = await startInteropServer({
      // Loopback document host: allowPrivateNetworks (test-only) + the library's HTTPS fetcher trusting the stub's self-signed CA.
      clientIdMetadataDocuments: {
        enabled: true,
        allowPrivateNetworks: true,
        fetch: createHttpsMetadataFetcher({ ca: documentServer.certificate.certPem }),
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await documentServer.stop();
  });

  it('S40 CIMD: with clientMetadataUrl the SDK uses the document URL as client_id (no registration); consent shows the document host', async () => {
    const { client, provider, log } = await connectWithLogin(server, { clientMetadataUrl: documentUrl });
    expect(log.to('/register')).toEqual([]);
    expect(provider.authorizationUrls[0].searchParams.get('client_id')).toBe(documentUrl);
    expect(provider.outcomes[0].consentHtml).toContain('Interop CIMD client (SDK v2)');
    expect(provider.outcomes[0].consentHtml).toContain(`localhost:${documentServer.port}`);
    expect(documentServer.hitCount('/oauth/client.json')).toBeGreaterThan(0);
    expect(await callTool(client, 'list_notes')).toMatchObject({ subject: 'alice' });
    await client.close();
  });
});

describe('MCP TypeScript SDK v2 client as a ChatGPT-shaped CIMD client with private_key_jwt (interop)', () => {
  const documentServer = new StubMetadataServer();
  let server: RunningServer;
  let documentUrl: string;
  let key: ClientSigningKey;

  beforeAll(async () => {
    key = await clientSigningKey('RS256', 'sdk-v2-rsa');
    await documentServer.start();
    documentUrl = documentServer.url('/oauth/chatgpt-shaped.json');
    const send = (res: import('node:http').ServerResponse, body: unknown, cacheControl = 'max-age=300') =>
      res
        .writeHead(200, { 'content-type': 'application/json', 'cache-control': cacheControl })
        .end(JSON.stringify(body));
    documentServer
      .route('/oauth/chatgpt-shaped.json', (_req, res) =>
        send(res, {
          client_id: documentUrl,
          client_name: 'ChatGPT-shaped client (SDK v2)',
          redirect_uris: [REDIRECT],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'private_key_jwt',
          token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
          token_endpoint_auth_signing_alg: 'RS256',
          jwks_uri: documentServer.url('/oauth/jwks.json'),
        }),
      )
      .route('/oauth/jwks.json', (_req, res) => send(res, { keys: [key.publicJwk] }));
    server = await startInteropServer({
      clientIdMetadataDocuments: {
        enabled: true,
        allowPrivateNetworks: true,
        fetch: createHttpsMetadataFetcher({ ca: documentServer.certificate.certPem }),
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await documentServer.stop();
  });

  it('S65 S40 discovery → authorize with the https client_id → token with an assertion from the SDK createPrivateKeyJwtAuth → tool call', async () => {
    const { client, provider, log } = await connectWithLogin(server, {
      clientMetadataUrl: documentUrl,
      addClientAuthentication: createPrivateKeyJwtAuth({
        issuer: documentUrl,
        subject: documentUrl,
        privateKey: key.privateKeyPem,
        alg: 'RS256',
      }),
    });
    expect(log.lines()).toContain('GET /.well-known/oauth-authorization-server 200');
    expect(log.to('/register')).toEqual([]);
    expect(provider.authorizationUrls[0].searchParams.get('client_id')).toBe(documentUrl);
    const tokenRequests = log.to('/token');
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0].status).toBe(200);
    expect(tokenRequests[0].form).toMatchObject({
      grant_type: 'authorization_code',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    });
    expect(tokenRequests[0].form?.client_secret).toBeUndefined();
    expect(documentServer.hitCount('/oauth/jwks.json')).toBe(1);
    expect(await callTool(client, 'list_notes')).toMatchObject({ subject: 'alice' });
    await client.close();
  });

  it('S65 the same flow with a key the document does not publish ends in invalid_client at /token', async () => {
    const outsider = await clientSigningKey('RS256', 'sdk-v2-rsa');
    const provider = new InteractiveOAuthProviderV2({
      redirectUrl: REDIRECT,
      clientMetadataUrl: documentUrl,
      addClientAuthentication: createPrivateKeyJwtAuth({
        issuer: documentUrl,
        subject: documentUrl,
        privateKey: outsider.privateKeyPem,
        alg: 'RS256',
      }),
    });
    const log = new TrafficLog();
    const transport = new StreamableHTTPClientTransport(new URL(server.mcpUrl), {
      authProvider: provider,
      fetch: log.fetch,
    });
    await expect(new Client(CLIENT_INFO).connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(transport.finishAuth(provider.takeCallbackParams())).rejects.toThrow();
    expect(log.to('/token').map((exchange) => exchange.status)).toEqual([401]);
    expect(provider.tokens()).toBeUndefined();
  });
});

describe('MCP TypeScript SDK v2 client: refresh after the access token expires (interop)', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startSampleServer({ accessTokenTtlSeconds: 1 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it(
    'S3 S22 expired access token: the SDK refreshes with the rotated refresh token and calls the tool without a new login',
    { timeout: 30_000 },
    async () => {
      const { client, provider, log } = await connectWithLogin(server);
      const before = provider.tokens()!;
      await new Promise((resolve) => setTimeout(resolve, 6_100)); // 1 s lifetime + the default 5 s clock skew
      log.clear();
      expect(await callTool(client, 'whoami')).toMatchObject({ subject: 'alice' });
      const refresh = log.to('/token');
      expect(refresh).toHaveLength(1);
      expect(refresh[0].form).toMatchObject({ grant_type: 'refresh_token', refresh_token: before.refresh_token });
      expect(log.posts().at(-1)).toBe('POST /mcp 200');
      expect(provider.tokens()!.refresh_token).not.toBe(before.refresh_token);
      expect(provider.authorizationUrls).toHaveLength(1);
      await client.close();
    },
  );
});

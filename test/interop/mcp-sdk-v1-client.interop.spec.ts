import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSampleServer, type RunningServer } from './support/interop-server.js';
import type { OAuthClientMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { InteractiveOAuthProviderSettings } from './support/interactive-oauth-provider.js';
import { InteractiveOAuthProviderV1 } from './support/sdk-v1-oauth-provider.js';
import { TrafficLog } from './support/traffic-log.js';
import { ASYMMETRIC_JWS_ALGORITHMS } from '../../lib/rules/asymmetric-jws-algorithms.js';

/**
 * The official MCP TypeScript SDK, v1 line (`@modelcontextprotocol/sdk` 1.32.2):
 * `Client` + `StreamableHTTPClientTransport` with an `OAuthClientProvider`,
 * against the sample MCP server (`createSampleApp`) on loopback.
 */
const CLIENT_INFO = { name: 'interop-sdk-v1', version: '1.0.0' };
const REDIRECT = 'http://127.0.0.1:38111/callback';

interface Session {
  client: Client;
  transport: StreamableHTTPClientTransport;
  provider: InteractiveOAuthProviderV1;
  log: TrafficLog;
}

/** What a v1 app does: connect, catch UnauthorizedError, finish auth with the callback's code, connect again. */
async function connectWithLogin(
  server: RunningServer,
  settings: Partial<InteractiveOAuthProviderSettings<OAuthClientMetadata>> = {},
): Promise<Session> {
  const provider = new InteractiveOAuthProviderV1({ redirectUrl: REDIRECT, ...settings });
  const log = new TrafficLog();
  const url = new URL(server.mcpUrl);
  const first = new StreamableHTTPClientTransport(url, { authProvider: provider, fetch: log.fetch });
  await expect(new Client(CLIENT_INFO).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
  await first.finishAuth(provider.takeCode(server.baseUrl));
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

describe('MCP TypeScript SDK v1 client (interop)', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startSampleServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('S1 S27 S28 S29 401 discovery → PRM → AS metadata → registration → authorize → token → initialize → tools/call list_notes', async () => {
    const { client, provider, log } = await connectWithLogin(server);
    expect(log.lines().slice(0, 8)).toEqual([
      'POST /mcp 401',
      'GET /.well-known/oauth-protected-resource/mcp 200',
      'GET /.well-known/oauth-authorization-server 200',
      'POST /register 201',
      // (the user agent signs in and approves; then finishAuth discovers again and redeems the code)
      'GET /.well-known/oauth-protected-resource/mcp 200',
      'GET /.well-known/oauth-authorization-server 200',
      'POST /token 200',
      'POST /mcp 200',
    ]);
    expect(log.exchanges[0].wwwAuthenticate).toBe(
      `Bearer scope="notes:read", resource_metadata="${server.baseUrl}/.well-known/oauth-protected-resource/mcp", ` +
        `DPoP scope="notes:read", resource_metadata="${server.baseUrl}/.well-known/oauth-protected-resource/mcp", ` +
        `algs="${ASYMMETRIC_JWS_ALGORITHMS.join(' ')}"`,
    );
    const authorizationUrl = provider.authorizationUrls[0];
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl.searchParams.get('resource')).toBe(server.mcpUrl);
    expect(authorizationUrl.searchParams.get('scope')).toBe('notes:read');
    expect(provider.outcomes[0].sawLogin).toBe(true);
    expect(provider.outcomes[0].callbackUrl.searchParams.get('iss')).toBe(server.baseUrl);
    expect(log.to('/token')[0].form).toMatchObject({ grant_type: 'authorization_code', resource: server.mcpUrl });
    expect(client.getServerVersion()?.name).toBe('nestjs-mcp-auth-sample-notes');
    expect(await callTool(client, 'list_notes')).toEqual({ notes: [] });
    const clientId = (provider.clientInformation() as { client_id: string }).client_id;
    expect(await callTool(client, 'whoami')).toMatchObject({ subject: 'alice', clientId, scopes: ['notes:read'] });
    expect(log.lines().slice(-1)).toEqual(['POST /mcp 200']);
    await client.close();
  });

  it('S7 403 insufficient_scope step-up: the SDK re-authorizes with the wider scope and the retried add_note succeeds', async () => {
    // Registered without refresh_token: SDK v1 1.32.2 refreshes (without scope) instead of re-authorizing
    // when it holds a refresh token; see the next test.
    const { client, transport, provider, log } = await connectWithLogin(server, {
      metadata: { grant_types: ['authorization_code'] },
    });
    expect(provider.tokens()?.refresh_token).toBeUndefined();
    log.clear();
    await expect(client.callTool({ name: 'add_note', arguments: { text: 'hello' } })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    const forbidden = log.exchanges.find((e) => e.method === 'POST')!;
    expect(forbidden).toMatchObject({ path: '/mcp', status: 403 });
    expect(forbidden.wwwAuthenticate).toBe(
      `Bearer error="insufficient_scope", error_description="The access token lacks a required scope", scope="notes:read notes:write", resource_metadata="${server.baseUrl}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(provider.authorizationUrls[1].searchParams.get('scope')).toBe('notes:read notes:write');
    expect(provider.outcomes[1].sawLogin).toBe(false);
    expect(provider.outcomes[1].consentHtml).toContain('notes:write');
    await transport.finishAuth(provider.takeCode(server.baseUrl));
    expect(provider.tokens()?.scope).toBe('notes:read notes:write');
    expect(await callTool(client, 'add_note', { text: 'hello' })).toMatchObject({ note: { text: 'hello' } });
    expect((await callTool(client, 'list_notes')).notes).toMatchObject([{ text: 'hello' }]);
    await client.close();
  });

  it('S63 SDK v1 holding a refresh token, sample defaults: 403 → refresh answers invalid_grant → the SDK authorizes notes:read notes:write → add_note succeeds', async () => {
    const defaults = await startSampleServer({ rateLimits: true });
    try {
      const { client, transport, provider, log } = await connectWithLogin(defaults);
      const first = provider.tokens()!;
      expect(first.refresh_token).toBeTruthy();
      expect(first.scope).toBe('notes:read');
      log.clear();
      await expect(client.callTool({ name: 'add_note', arguments: { text: 'v1' } })).rejects.toBeInstanceOf(
        UnauthorizedError,
      );
      expect(log.posts()).toEqual(['POST /mcp 403', 'POST /token 400']);
      const refresh = log.to('/token')[0];
      expect(refresh.form).toMatchObject({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
      expect(refresh.errorBody).toMatchObject({ error: 'invalid_grant' });
      expect(String(refresh.errorBody?.error_description)).toMatch(/new authorization/);
      expect(provider.authorizationUrls).toHaveLength(2);
      expect(provider.authorizationUrls[1].searchParams.get('scope')).toBe('notes:read notes:write');
      expect(provider.outcomes[1].consentHtml).toContain('notes:write');
      await transport.finishAuth(provider.takeCode(defaults.baseUrl));
      expect(provider.tokens()?.scope).toBe('notes:read notes:write');
      expect(await callTool(client, 'add_note', { text: 'v1' })).toMatchObject({ note: { text: 'v1' } });
      expect(log.posts().at(-1)).toBe('POST /mcp 200');
      await client.close();
    } finally {
      await defaults.close();
    }
  });

  it("S63 the old grant's access token keeps working after the step-up refusal", async () => {
    const { client, provider, log } = await connectWithLogin(server);
    const first = provider.tokens()!;
    log.clear();
    await expect(client.callTool({ name: 'add_note', arguments: { text: 'x' } })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    const toolsList = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${first.access_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(toolsList.status).toBe(200);
    await client.close();
  });

  for (const method of ['client_secret_basic', 'client_secret_post'] as const) {
    it(`S37 confidential client with ${method}: registration returns a secret, the SDK authenticates with it at /token`, async () => {
      const { client, provider, log } = await connectWithLogin(server, {
        metadata: { token_endpoint_auth_method: method },
      });
      const info = provider.clientInformation() as {
        client_id: string;
        client_secret?: string;
        token_endpoint_auth_method?: string;
      };
      expect(info.client_secret).toEqual(expect.any(String));
      expect(info.token_endpoint_auth_method).toBe(method);
      const token = log.to('/token')[0];
      if (method === 'client_secret_basic') {
        expect(token.authorizationScheme).toBe('Basic');
        expect(token.form?.client_secret).toBeUndefined();
      } else {
        expect(token.authorizationScheme).toBeUndefined();
        expect(token.form?.client_secret).toBe(info.client_secret);
      }
      expect(await callTool(client, 'whoami')).toMatchObject({ subject: 'alice', clientId: info.client_id });
      await client.close();
    });
  }
});

describe('MCP TypeScript SDK v1 client: refresh after the access token expires (interop)', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startSampleServer({ accessTokenTtlSeconds: 1 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it(
    'S3 S22 expired access token: 401 invalid_token, the SDK refreshes (rotated refresh token) and retries without a new login',
    { timeout: 30_000 },
    async () => {
      const { client, provider, log } = await connectWithLogin(server);
      const before = provider.tokens()!;
      await sleep(6_100); // 1 s lifetime + the module's default 5 s clock skew
      log.clear();
      expect(await callTool(client, 'whoami')).toMatchObject({ subject: 'alice' });
      expect(log.posts()).toEqual(['POST /mcp 401', 'POST /token 200', 'POST /mcp 200']);
      expect(log.exchanges.find((e) => e.status === 401)?.wwwAuthenticate).toMatch(/^Bearer error="invalid_token"/);
      expect(log.to('/token')[0].form).toMatchObject({
        grant_type: 'refresh_token',
        refresh_token: before.refresh_token,
      });
      const after = provider.tokens()!;
      expect(after.access_token).not.toBe(before.access_token);
      expect(after.refresh_token).not.toBe(before.refresh_token);
      expect(provider.authorizationUrls).toHaveLength(1);
      await client.close();
    },
  );
});

import { createServer, type AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSampleApp } from '../../../sample/app.js';
import { NotesStore } from '../../../sample/notes/notes.store.js';
import { HtmlUserAgent } from '../../support/html-user-agent.js';
import {
  type AsMetadata,
  REDIRECT_URI,
  asMetadataUrl,
  authorizeThroughPages,
  callTool,
  parseBearerChallenge,
  parseSseMessages,
  registerPublicClient,
  tokenRequest,
} from './sample-client.js';
import { freeLoopbackPort } from './sample-process.js';
import { testHttpAdapter } from '../../support/test-app.js';

/** The JSON-RPC message of a Streamable HTTP answer (JSON, or the last SSE event). */
async function readJsonRpc(res: Response): Promise<unknown> {
  const text = await res.text();
  return res.headers.get('content-type')?.startsWith('text/event-stream')
    ? parseSseMessages(text).at(-1)
    : JSON.parse(text);
}

/** `createSampleApp` in-process: quick checks of per-tool scopes and per-user context. */
describe('sample app in-process (e2e)', () => {
  let app: INestApplication;
  let baseUrl: string;
  let mcpUrl: string;
  let metadata: AsMetadata;
  let clientId: string;

  async function tokenFor(user: 'alice' | 'bob', scope: string): Promise<string> {
    const outcome = await authorizeThroughPages(new HtmlUserAgent(), metadata, clientId, {
      scope,
      resource: mcpUrl,
      user,
      password: user,
    });
    const res = await tokenRequest(metadata, {
      grant_type: 'authorization_code',
      code: outcome.callback.searchParams.get('code')!,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
      code_verifier: outcome.verifier,
      resource: mcpUrl,
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as Record<string, string>).access_token;
  }

  beforeAll(async () => {
    const port = await freeLoopbackPort();
    baseUrl = `http://127.0.0.1:${port}`;
    mcpUrl = `${baseUrl}/mcp`;
    app = await createSampleApp({ baseUrl, httpAdapter: testHttpAdapter(), logger: false, rateLimits: false });
    await app.listen(port, '127.0.0.1');
    metadata = (await (await fetch(asMetadataUrl(baseUrl))).json()) as AsMetadata;
    clientId = ((await (await registerPublicClient(metadata, 'in-process')).json()) as Record<string, string>)
      .client_id;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('S7 tools/call add_note with notes:read only: 403 insufficient_scope before the tool runs', async () => {
    const store = app.get(NotesStore);
    const add = vi.spyOn(store, 'add');
    try {
      const token = await tokenFor('alice', 'notes:read');
      const denied = await callTool(mcpUrl, token, 'add_note', { text: 'nope' });
      expect(denied.status).toBe(403);
      expect(denied.body).toMatchObject({ error: 'insufficient_scope' });
      expect(parseBearerChallenge(denied.headers.get('www-authenticate')).scope).toBe('notes:read notes:write');
      expect(add).not.toHaveBeenCalled();
      expect(store.list('alice')).toEqual([]);
    } finally {
      add.mockRestore();
    }
  });

  it('S7 a JSON-RPC batch with add_note needs notes:write too', async () => {
    const token = await tokenFor('alice', 'notes:read');
    const res = await fetch(mcpUrl, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_notes', arguments: {} } },
        { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'add_note', arguments: { text: 'x' } } },
      ]),
    });
    expect(res.status).toBe(403);
    expect(parseBearerChallenge(res.headers.get('www-authenticate')).error).toBe('insufficient_scope');
  });

  it('AuthContext is per request: concurrent alice and bob calls each write and read their own notes', async () => {
    const [aliceToken, bobToken] = await Promise.all([
      tokenFor('alice', 'notes:read notes:write'),
      tokenFor('bob', 'notes:read notes:write'),
    ]);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0
          ? callTool(mcpUrl, aliceToken, 'add_note', { text: `alice ${i}` })
          : callTool(mcpUrl, bobToken, 'add_note', { text: `bob ${i}` }),
      ),
    );
    const aliceNotes = (await callTool(mcpUrl, aliceToken, 'list_notes')).data.notes as { text: string }[];
    const bobNotes = (await callTool(mcpUrl, bobToken, 'list_notes')).data.notes as { text: string }[];
    expect(aliceNotes.map((n) => n.text).sort()).toEqual(['alice 0', 'alice 2', 'alice 4', 'alice 6', 'alice 8']);
    expect(bobNotes.map((n) => n.text).sort()).toEqual(['bob 1', 'bob 3', 'bob 5', 'bob 7', 'bob 9']);
    const who = await callTool(mcpUrl, bobToken, 'whoami');
    expect(who.data).toMatchObject({ subject: 'bob', clientId });
  });

  it('S64 a token with only the broad scope notes calls list_notes and add_note with no step-up', async () => {
    const token = await tokenFor('bob', 'notes');
    const added = await callTool(mcpUrl, token, 'add_note', { text: 'via notes' });
    expect(added.status).toBe(200);
    expect(added.body.result.isError).toBeFalsy();
    expect(added.data).toMatchObject({ note: { text: 'via notes' } });
    const listed = await callTool(mcpUrl, token, 'list_notes');
    expect(listed.status).toBe(200);
    expect((listed.data.notes as { text: string }[]).map((note) => note.text)).toContain('via notes');
    expect((await callTool(mcpUrl, token, 'whoami')).data).toMatchObject({ subject: 'bob', scopes: ['notes'] });
  });

  it('S64 the consent page shows what notes includes; a refresh may narrow a notes grant to notes:read', async () => {
    const outcome = await authorizeThroughPages(new HtmlUserAgent(), metadata, clientId, {
      scope: 'notes',
      resource: mcpUrl,
      user: 'alice',
      password: 'alice',
    });
    const consentHtml = outcome.pages.flatMap((page) => page.chain).find((r) => r.body.includes('ul class="scopes"'))!;
    expect(consentHtml.body).toContain(
      '<code>notes</code> <span class="includes">(includes <code>notes:read</code>, <code>notes:write</code>)</span>',
    );
    const granted = await tokenRequest(metadata, {
      grant_type: 'authorization_code',
      code: outcome.callback.searchParams.get('code')!,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
      code_verifier: outcome.verifier,
      resource: mcpUrl,
    });
    const { refresh_token: refreshToken } = (await granted.json()) as Record<string, string>;
    const narrowed = await tokenRequest(metadata, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken!,
      client_id: clientId,
      scope: 'notes:read',
      resource: mcpUrl,
    });
    expect(narrowed.status).toBe(200);
    const narrowedBody = (await narrowed.json()) as Record<string, string>;
    expect(narrowedBody.scope).toBe('notes:read');
    expect((await callTool(mcpUrl, narrowedBody.access_token!, 'list_notes')).status).toBe(200);
    const wider = await tokenRequest(metadata, {
      grant_type: 'refresh_token',
      refresh_token: narrowedBody.refresh_token!,
      client_id: clientId,
      scope: 'notes notes:write',
      resource: mcpUrl,
    });
    expect(wider.status).toBe(200);
    expect(((await wider.json()) as Record<string, string>).scope).toBe('notes notes:write');
    const denied = await callTool(mcpUrl, narrowedBody.access_token!, 'add_note', { text: 'x' });
    expect(denied.status).toBe(403);
  });

  it('speaks MCP 2026-07-28 (server/discover, per-request _meta) and still 2025-11-25 (initialize)', async () => {
    const token = await tokenFor('alice', 'notes:read');
    const post = (protocolVersion: string, extraHeaders: Record<string, string>, message: unknown) =>
      fetch(mcpUrl, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
          'MCP-Protocol-Version': protocolVersion,
          ...extraHeaders,
        },
        body: JSON.stringify(message),
      });
    const modernMeta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'e2e', version: '1' },
      'io.modelcontextprotocol/clientCapabilities': {},
    };
    const discover = await post(
      '2026-07-28',
      { 'Mcp-Method': 'server/discover' },
      { jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: modernMeta } },
    );
    expect(discover.status).toBe(200);
    const discovered = (await readJsonRpc(discover)) as { result: Record<string, unknown> };
    expect(JSON.stringify(discovered.result)).toContain('2026-07-28');
    const whoami = await post(
      '2026-07-28',
      { 'Mcp-Method': 'tools/call', 'Mcp-Name': 'whoami' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'whoami', arguments: {}, _meta: modernMeta } },
    );
    expect(whoami.status).toBe(200);
    expect(((await readJsonRpc(whoami)) as any).result.structuredContent).toMatchObject({ subject: 'alice' });
    const initialize = await post(
      '2025-11-25',
      {},
      {
        jsonrpc: '2.0',
        id: 3,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } },
      },
    );
    expect(initialize.status).toBe(200);
    expect(((await readJsonRpc(initialize)) as any).result.protocolVersion).toBe('2025-11-25');
  });

  it('S41 the sample resolves Client ID Metadata Documents with the SSRF guard on: a loopback document URL is refused without connecting', async () => {
    let connections = 0;
    const listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = listener.address() as AddressInfo;
      const documentUrl = `https://127.0.0.1:${port}/client.json`;
      const url = new URL(metadata.authorization_endpoint);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: documentUrl,
        redirect_uri: REDIRECT_URI,
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        state: 's',
        resource: mcpUrl,
      }).toString();
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(401);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).not.toContain('name="decision"');
      expect(connections).toBe(0);
    } finally {
      listener.close();
    }
  });

  it('S2 an unknown bearer token: 401 invalid_token', async () => {
    const res = await callTool(mcpUrl, 'not-a-token', 'list_notes');
    expect(res.status).toBe(401);
    expect(parseBearerChallenge(res.headers.get('www-authenticate')).error).toBe('invalid_token');
  });

  it('CORS for browser clients: preflight 204 without a token; the 401 challenge is readable cross-origin', async () => {
    const preflight = await fetch(mcpUrl, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:6274',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type, mcp-protocol-version',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const challenge = await fetch(mcpUrl, { method: 'POST', headers: { Origin: 'http://localhost:6274' } });
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('access-control-allow-origin')).toBe('*');
    expect(challenge.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
  });
});

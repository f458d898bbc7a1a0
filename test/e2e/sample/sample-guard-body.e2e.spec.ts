import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSampleApp } from '../../../sample/app.js';
import { NotesStore } from '../../../sample/notes/notes.store.js';
import { HtmlUserAgent } from '../../support/html-user-agent.js';
import { rawRequest } from '../../support/fuzz/raw-http.js';
import {
  type AsMetadata,
  REDIRECT_URI,
  asMetadataUrl,
  authorizeThroughPages,
  callTool,
  registerPublicClient,
  tokenRequest,
} from './sample-client.js';
import { freeLoopbackPort } from './sample-process.js';
import { testHttpAdapter } from '../../support/test-app.js';

/**
 * `Content-Type` values the body parser skips or reads differently from the MCP
 * SDK transport (which trims with `String#trim` and takes the part before `;`).
 * Each is sent with a `notes:read` token calling `add_note`.
 */
const CONTENT_TYPE_VARIANTS: ReadonlyArray<[label: string, value: string | undefined]> = [
  ['a trailing no-break space (0xA0)', 'application/json\u00a0'],
  ['a leading no-break space', '\u00a0application/json'],
  ['uppercase with a no-break space', 'APPLICATION/JSON\u00a0; charset=utf-8'],
  ['trailing junk after a space', 'application/json garbage'],
  ['a comma-joined list', 'application/json, text/plain'],
  ['a malformed parameter section', 'application/json;'],
  ['an empty charset', 'application/json; charset='],
  ['a junk parameter', 'application/json; ;;'],
  ['a non-utf-8 charset', 'application/json; charset=latin1'],
  ['a structured-syntax suffix', 'application/vnd.mcp+json'],
  ['text/plain', 'text/plain'],
  ['no Content-Type at all', undefined],
];

/** A POST over a raw socket, so header bytes reach the server exactly as given. */
async function rawPost(
  port: number,
  token: string,
  contentType: string | undefined,
  body: string,
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; raw: string }> {
  const headers = [
    `POST /mcp HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    `Authorization: Bearer ${token}`,
    `Accept: application/json, text/event-stream`,
    ...(contentType === undefined ? [] : [`Content-Type: ${contentType}`]),
    ...Object.entries(extraHeaders).map(([name, value]) => `${name}: ${value}`),
    `Content-Length: ${Buffer.byteLength(body)}`,
    `Connection: close`,
  ];
  return rawRequest(port, Buffer.concat([Buffer.from(`${headers.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(body)]));
}

const addNote = (text: string) =>
  JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'add_note', arguments: { text } } });

describe.each([
  ['asyncContext on', true],
  ['asyncContext: false', false],
])('sample app: the guard reads the body as the MCP transport does (%s)', (_label, asyncContext) => {
  let app: INestApplication;
  let port: number;
  let mcpUrl: string;
  let metadata: AsMetadata;
  let clientId: string;
  let readToken: string;
  let readWriteToken: string;

  async function tokenFor(scope: string): Promise<string> {
    const outcome = await authorizeThroughPages(new HtmlUserAgent(), metadata, clientId, {
      scope,
      resource: mcpUrl,
      user: 'alice',
      password: 'alice',
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
    port = await freeLoopbackPort();
    const baseUrl = `http://127.0.0.1:${port}`;
    mcpUrl = `${baseUrl}/mcp`;
    app = await createSampleApp({
      baseUrl,
      httpAdapter: testHttpAdapter(),
      logger: false,
      rateLimits: false,
      asyncContext,
    });
    await app.listen(port, '127.0.0.1');
    metadata = (await (await fetch(asMetadataUrl(baseUrl))).json()) as AsMetadata;
    clientId = ((await (await registerPublicClient(metadata, 'guard-body')).json()) as Record<string, string>)
      .client_id;
    readToken = await tokenFor('notes:read');
    readWriteToken = await tokenFor('notes:read notes:write');
  });

  afterAll(async () => {
    await app?.close();
  });

  it.each(CONTENT_TYPE_VARIANTS)(
    'S51 add_note with a notes:read token and %s: 4xx before any handler, no note written',
    async (_variant, contentType) => {
      const store = app.get(NotesStore);
      const before = store.list('alice').length;
      const res = await rawPost(port, readToken, contentType, addNote('smuggled'));
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.raw).toContain('"error":"invalid_request"');
      expect(store.list('alice')).toHaveLength(before);
      expect(store.list('alice').map((note) => note.text)).not.toContain('smuggled');
    },
  );

  it('S51 add_note with a notes:read token and a chunked body under a skipped Content-Type: refused, no note', async () => {
    const store = app.get(NotesStore);
    const body = addNote('chunked-smuggle');
    const head = [
      'POST /mcp HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      `Authorization: Bearer ${readToken}`,
      'Accept: application/json, text/event-stream',
      'Content-Type: application/json\u00a0',
      'Transfer-Encoding: chunked',
      'Connection: close',
    ].join('\r\n');
    const chunked = `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const res = await rawRequest(port, Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), Buffer.from(chunked)]));
    expect(res.status).toBe(415);
    expect(store.list('alice').map((note) => note.text)).not.toContain('chunked-smuggle');
  });

  it.each([
    ['a skipped type first, application/json second', 'application/json\u00a0', 'application/json'],
    ['application/json first, a skipped type second', 'application/json', 'application/json\u00a0'],
    ['text/plain first, application/json second', 'text/plain', 'application/json'],
  ])('S51 two Content-Type headers (%s): refused or not run, no note written', async (_label, first, second) => {
    const store = app.get(NotesStore);
    const text = `duplicate ${first.trim()}|${second.trim()}`;
    const res = await rawPost(port, readToken, first, addNote(text), { 'Content-Type': second });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(store.list('alice').map((note) => note.text)).not.toContain(text);
  });

  it('S51 legitimate variants still work: charset=utf-8, uppercase type, spaces around it', async () => {
    const store = app.get(NotesStore);
    for (const contentType of ['application/json; charset=utf-8', 'Application/JSON', ' application/json ']) {
      const text = `ok ${contentType.trim()}`;
      const res = await rawPost(port, readWriteToken, contentType, addNote(text));
      expect(res.status, contentType).toBe(200);
      expect(store.list('alice').map((note) => note.text)).toContain(text);
    }
    const listed = await callTool(mcpUrl, readToken, 'list_notes');
    expect(listed.status).toBe(200);
  });

  it('S58 a tools/call whose arguments nest deeper than 32 levels: 400 before the transport parses it', async () => {
    const deep = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}}}`;
    const res = await rawPost(port, readToken, 'application/json', deep);
    expect(res.status).toBe(400);
    expect(res.raw).toContain('nested too deeply');
  });

  it('S66 Mcp-Name naming list_notes while the body calls add_note: 400, no note written', async () => {
    const store = app.get(NotesStore);
    const res = await rawPost(port, readWriteToken, 'application/json', addNote('header-mismatch'), {
      'Mcp-Method': 'tools/call',
      'Mcp-Name': 'list_notes',
    });
    expect(res.status).toBe(400);
    expect(res.raw).toContain('Mcp-Name');
    expect(store.list('alice').map((note) => note.text)).not.toContain('header-mismatch');
  });

  it('S66 Mcp-Method naming tools/list while the body is a tools/call: 400', async () => {
    const res = await rawPost(port, readWriteToken, 'application/json', addNote('method-mismatch'), {
      'Mcp-Method': 'tools/list',
    });
    expect(res.status).toBe(400);
    expect(res.raw).toContain('Mcp-Method');
  });

  it('S66 matching Mcp-Method / Mcp-Name (plain and base64 sentinel) run the call; scopes follow the body', async () => {
    const store = app.get(NotesStore);
    const ok = await rawPost(port, readWriteToken, 'application/json', addNote('headers-agree'), {
      'Mcp-Method': 'tools/call',
      'Mcp-Name': `=?base64?${Buffer.from('add_note').toString('base64')}?=`,
    });
    expect(ok.status).toBe(200);
    expect(store.list('alice').map((note) => note.text)).toContain('headers-agree');
    const denied = await rawPost(port, readToken, 'application/json', addNote('read-only'), {
      'Mcp-Method': 'tools/call',
      'Mcp-Name': 'add_note',
    });
    expect(denied.status).toBe(403);
    expect(denied.raw).toContain('insufficient_scope');
  });
});

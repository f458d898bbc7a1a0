import { maxHeaderSize } from 'node:http';
import fc from 'fast-check';
import type request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import { createSampleApp } from '../../sample/app.js';
import { NotesStore } from '../../sample/notes/notes.store.js';
import {
  type AsMetadata,
  REDIRECT_URI,
  asMetadataUrl,
  authorizeThroughPages,
  registerPublicClient,
  tokenRequest,
} from '../e2e/sample/sample-client.js';
import { freeLoopbackPort } from '../e2e/sample/sample-process.js';
import { HtmlUserAgent } from '../support/html-user-agent.js';
import {
  authorizationHeader,
  contentType,
  encodedParams,
  FUZZ_RUNS,
  invalidUtf8,
  jsonBody,
  jsonContentTypeVariant,
  paramValue,
} from '../support/fuzz/arbitraries.js';
import { createFuzzApp, type FuzzApp, GuardedMcpController } from '../support/fuzz/fuzz-app.js';
import { rawRequest } from '../support/fuzz/raw-http.js';
import { snapshotStore } from '../support/fuzz/store-snapshot.js';
import { onFastify, testHttpAdapter } from '../support/test-app.js';

const KNOWN_ERRORS = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'unsupported_response_type',
  'unsupported_token_type',
  'invalid_scope',
  'invalid_target',
  'invalid_token',
  'insufficient_scope',
  'invalid_client_metadata',
  'invalid_redirect_uri',
  'access_denied',
  'temporarily_unavailable',
]);
const METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;

/** One endpoint under fuzz. `html`: may answer with an HTML page; `mayWrite`: a 2xx/3xx may store something. */
interface Target {
  name: string;
  path: string;
  methods: readonly (typeof METHODS)[number][];
  body: 'form' | 'json' | 'none';
  html?: boolean;
  mayWrite?: boolean;
}

const TARGETS: Target[] = [
  { name: 'authorize GET', path: '/authorize', methods: ['GET'], body: 'none', html: true, mayWrite: true },
  { name: 'authorize POST', path: '/authorize', methods: ['POST'], body: 'form', html: true, mayWrite: true },
  { name: 'token', path: '/token', methods: ['POST'], body: 'form' },
  { name: 'register', path: '/register', methods: ['POST'], body: 'json', mayWrite: true },
  { name: 'revoke', path: '/revoke', methods: ['POST'], body: 'form' },
  { name: 'introspect', path: '/introspect', methods: ['POST'], body: 'form' },
  { name: 'AS metadata', path: '/.well-known/oauth-authorization-server', methods: METHODS, body: 'none' },
  { name: 'OIDC discovery', path: '/.well-known/openid-configuration', methods: METHODS, body: 'none' },
  { name: 'jwks', path: '/jwks', methods: METHODS, body: 'none' },
  {
    name: 'protected-resource metadata',
    path: '/.well-known/oauth-protected-resource/mcp',
    methods: METHODS,
    body: 'none',
  },
  { name: 'consent GET', path: '/consent', methods: ['GET'], body: 'none', html: true },
  { name: 'consent POST', path: '/consent', methods: ['POST'], body: 'form', html: true },
  { name: 'login GET', path: '/login', methods: ['GET'], body: 'none', html: true },
  { name: 'login POST', path: '/login', methods: ['POST'], body: 'form', html: true },
  { name: 'guarded MCP route', path: '/mcp', methods: ['POST', 'GET'], body: 'json' },
];

interface Sent {
  method: string;
  query: string;
  body?: string | Buffer;
  type?: string;
  authorization?: string;
  cookie?: string;
}

/** A raw HTTP/1.1 POST: `Content-Length` or chunked, header bytes exactly as given (latin1). */
function rawPost(
  port: number,
  path: string,
  headers: Record<string, string | undefined>,
  body: string,
  chunked: boolean,
): Buffer {
  const lines = [`POST ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) lines.push(`${name}: ${value}`);
  const bytes = Buffer.from(body);
  if (!chunked) {
    lines.push(`Content-Length: ${bytes.length}`);
    return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), bytes]);
  }
  lines.push('Transfer-Encoding: chunked');
  const parts: Buffer[] = [Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')];
  for (let offset = 0; offset < bytes.length; offset += 1000) {
    const piece = bytes.subarray(offset, offset + 1000);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

describe('fuzzing every endpoint (S50)', () => {
  let t: FuzzApp;
  let seeds: string[];
  const findings: string[] = [];

  beforeAll(async () => {
    t = await createFuzzApp();
    const registered = await t.http
      .post('/register')
      .send({ redirect_uris: ['http://127.0.0.1:7777/cb'], token_endpoint_auth_method: 'none' })
      .expect(201);
    seeds = [registered.body.client_id, 'http://127.0.0.1:7777/cb', 'http://127.0.0.1:4100/mcp', 'notes:read'];
  });
  afterAll(async () => {
    if (findings.length) console.info(`fuzz findings:\n${findings.join('\n')}`);
    await t?.close();
  });

  /** Bytes of the request line and the headers this test sets (the part Node's parser bounds). */
  function requestHeadBytes(target: Target, sent: Sent): number {
    const line = `${sent.method} ${target.path}?${sent.query ?? ''} HTTP/1.1`;
    return Buffer.byteLength(line + (sent.type ?? '') + (sent.authorization ?? '') + (sent.cookie ?? ''));
  }

  function send(target: Target, sent: Sent): request.Test {
    const url = sent.query ? `${target.path}?${sent.query}` : target.path;
    let req = (t.http as any)[sent.method.toLowerCase()](url) as request.Test;
    if (sent.type) req = req.set('Content-Type', sent.type);
    if (sent.authorization) req = req.set('Authorization', sent.authorization);
    if (sent.cookie) req = req.set('Cookie', sent.cookie);
    return sent.body === undefined ? req : req.send(sent.body);
  }

  /** The S50 properties of one answer. */
  function check(target: Target, sent: Sent, res: request.Response, before: string, callsBefore: number) {
    const where = `${target.name} ${sent.method} ${JSON.stringify(sent).slice(0, 300)}`;
    expect(res.status, where).toBeGreaterThanOrEqual(200);
    expect(res.status, where).toBeLessThan(500);
    expect(res.headers['x-injected'], where).toBeUndefined();
    expect(String(res.headers['set-cookie'] ?? ''), where).not.toContain('x=1');
    const type = String(res.headers['content-type'] ?? '');
    // Node's HTTP parser answers 431 without a body; Fastify's client-error handler adds its own JSON body.
    const parserRejected =
      !res.text || (onFastify() && res.body?.message === 'Exceeded maximum allowed HTTP header size');
    if (res.status === 431 && parserRejected) {
      findings.push(`${target.name}: request line/headers over Node's limit rejected by Node's HTTP parser (431)`);
      return;
    }
    if (type.startsWith('text/html')) {
      expect(target.html, `HTML from ${where}`).toBe(true);
      expect(res.headers['x-frame-options'], where).toBe('DENY');
    } else if (res.status >= 400) {
      expect(type, `${where} → ${res.status} ${String(res.text ?? '').slice(0, 100)}`).toMatch(/^application\/json/);
      expect(
        KNOWN_ERRORS.has(res.body?.error),
        `${where} → ${res.status} ${String(res.text ?? '').slice(0, 200)}`,
      ).toBe(true);
      expect(
        Object.keys(res.body).every((key) => ['error', 'error_description', 'error_uri'].includes(key)),
        where,
      ).toBe(true);
    } else if (type.startsWith('application/json') && sent.method !== 'HEAD') {
      expect(() => JSON.parse(res.text), where).not.toThrow();
    }
    if (res.status >= 400 || !target.mayWrite) expect(snapshotStore(t.store), `state changed by ${where}`).toBe(before);
    if (target.path === '/mcp') expect(GuardedMcpController.calls, `handler ran for ${where}`).toBe(callsBefore);
  }

  const withSeeds = fc.oneof(
    encodedParams,
    fc
      .constantFrom(0, 1, 2, 3)
      .chain((i) =>
        fc
          .tuple(encodedParams, paramValue)
          .map(
            ([params, value]) =>
              `${params}&client_id=${encodeURIComponent(seeds[0]!)}&redirect_uri=${encodeURIComponent(seeds[1]!)}&resource=${encodeURIComponent(seeds[2]!)}&scope=${encodeURIComponent(seeds[3]!)}&state=${value}&x${i}=1`,
          ),
      ),
  );

  function sentFor(target: Target): fc.Arbitrary<Sent> {
    const body =
      target.body === 'none'
        ? fc.constant(undefined)
        : fc.oneof(
            target.body === 'json' ? jsonBody : withSeeds,
            jsonBody,
            invalidUtf8,
            fc.constant(''),
            fc.constant(undefined),
          );
    return fc.record({
      method: fc.constantFrom(...target.methods),
      query: target.body === 'none' ? withSeeds : fc.oneof(fc.constant(''), encodedParams),
      body,
      type: contentType,
      authorization: authorizationHeader,
      cookie: fc.oneof(
        fc.constant(undefined),
        fc.string({ maxLength: 30 }).map((s) => `mcp_auth_session=${encodeURIComponent(s)}`),
      ),
    }) as fc.Arbitrary<Sent>;
  }

  it.each(TARGETS.map((target) => [target.name, target] as const))(
    'S50 S35 fuzz %s: never 5xx, an OAuth error body or a valid answer (HTML only where pages live), no stored change on rejection',
    async (_name, target) => {
      await fc.assert(
        fc.asyncProperty(sentFor(target), async (sent) => {
          const before = snapshotStore(t.store);
          const callsBefore = GuardedMcpController.calls;
          const res = await send(target, sent).catch((error: NodeJS.ErrnoException) => {
            // Node's HTTP parser refuses a request line and headers over its limit before any of our
            // code runs; Node 24 then resets the connection while a body is still being written.
            if (error.code === 'ECONNRESET' && requestHeadBytes(target, sent) > maxHeaderSize) return undefined;
            throw error;
          });
          if (!res) {
            findings.push(`${target.name}: request line/headers over Node's limit reset by Node's HTTP parser`);
            expect(snapshotStore(t.store)).toBe(before);
            return;
          }
          check(target, sent, res, before, callsBefore);
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
  );

  it('S50 the store snapshot sees writes (so the unchanged-state property can fail)', async () => {
    const before = snapshotStore(t.store);
    expect(before).toContain(seeds[0]);
    await t.http
      .post('/register')
      .send({ redirect_uris: ['http://127.0.0.1:7777/cb2'] })
      .expect(201);
    expect(snapshotStore(t.store)).not.toBe(before);
  });

  it('S50 S10 CR/LF in a reflected value never splits a header (state, error description, Location)', async () => {
    // The DCR seed client gets the error page before sign-in (S52); an operator-trusted client gets the redirect.
    await t.provider.registerClient({
      clientId: 'fuzz-trusted',
      redirectUris: [seeds[1]!],
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      trustedRedirectUris: true,
    });
    const query = (clientId: string) => ({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: seeds[1],
      state: 'a\r\nX-Injected: 1\r\nSet-Cookie: x=1',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'plain',
    });
    const page = await t.http.get('/authorize').query(query(seeds[0]!));
    expect(page.status).toBe(400);
    expect(page.headers['x-injected']).toBeUndefined();
    expect(page.headers['set-cookie']).toBeUndefined();
    const res = await t.http.get('/authorize').query(query('fuzz-trusted'));
    expect(res.status).toBe(302);
    expect(res.headers['x-injected']).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(new URL(res.headers.location!).searchParams.get('state')).toBe('a\r\nX-Injected: 1\r\nSet-Cookie: x=1');
  });

  it.each([
    [
      'CR/LF inside a header value',
      'GET /authorize HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\rX-Injected: 1\r\nConnection: close\r\n\r\n',
    ],
    [
      'a bare LF header split',
      'GET /jwks HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\nX-Injected: 1\r\nConnection: close\r\n\r\n',
    ],
    [
      'raw non-UTF-8 bytes in the query',
      'GET /authorize?client_id=\xff\xfe&state=\xc0\xaf HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    ],
    [
      'raw non-UTF-8 bytes in a Bearer token',
      'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \xff\xfe.\xc0\r\nContent-Length: 2\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{}',
    ],
    [
      'invalid UTF-8 form body',
      'POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 24\r\nConnection: close\r\n\r\ngrant_type=\xff\xfe&code=\xed\xa0\x80ab',
    ],
    [
      'invalid UTF-8 JSON body',
      'POST /register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 22\r\nConnection: close\r\n\r\n{"redirect_uris":"\xff"}',
    ],
    [
      'a Content-Length larger than the body',
      'POST /revoke HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\nConnection: close\r\n\r\ntoken=abc',
    ],
    [
      'a chunked JSON body cut short',
      'POST /register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\n{"a":\r\n',
    ],
  ])('S50 raw socket: %s gets a 4xx (or a clean close), never a 5xx, and the server stays up', async (_name, bytes) => {
    const res = await rawRequest(t.port, bytes);
    expect(res.status === 0 || (res.status >= 200 && res.status < 500), res.raw.slice(0, 300)).toBe(true);
    expect(res.raw).not.toMatch(/\r\nX-Injected:/i);
    const alive = await rawRequest(t.port, 'GET /jwks HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(alive.status).toBe(200);
  });

  it('S50 S38 huge and deeply nested JSON, and empty bodies, on every body endpoint', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    for (const path of ['/token', '/register', '/revoke', '/introspect', '/mcp', '/login', '/consent', '/authorize']) {
      for (const [type, body] of [
        ['application/json', deep],
        ['application/json', `{"a":"${'x'.repeat(70_000)}"}`],
        ['application/json', ''],
        ['application/x-www-form-urlencoded', ''],
        [undefined, undefined],
      ] as const) {
        const before = snapshotStore(t.store);
        let req = t.http.post(path);
        if (type) req = req.set('Content-Type', type);
        const res = await (body === undefined ? req : req.send(body));
        expect(res.status, `${path} ${type} ${body?.length}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${path} ${type} ${body?.length}`).toBeLessThan(500);
        if (!String(res.headers['content-type']).startsWith('text/html'))
          expect(KNOWN_ERRORS.has(res.body.error)).toBe(true);
        expect(snapshotStore(t.store)).toBe(before);
      }
    }
  });

  it('S50 S58 S51 chunked and Content-Length bodies with content-type variants and deep nesting on every body endpoint: never 5xx', async () => {
    const paths = ['/token', '/register', '/revoke', '/introspect', '/mcp', '/login', '/consent', '/authorize'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.oneof(contentType, jsonContentTypeVariant),
        fc.oneof(jsonBody, encodedParams),
        fc.boolean(),
        async (path, type, body, chunked) => {
          const before = snapshotStore(t.store);
          const callsBefore = GuardedMcpController.calls;
          const res = await rawRequest(t.port, rawPost(t.port, path, { 'Content-Type': type }, body, chunked));
          const where = `${path} ${JSON.stringify(type)} chunked=${chunked} ${body.slice(0, 120)}`;
          expect(res.status, where).toBeGreaterThanOrEqual(200);
          expect(res.status, where).toBeLessThan(500);
          if (path === '/register' && res.status < 400) return;
          if (res.status >= 400) expect(snapshotStore(t.store), where).toBe(before);
          if (path === '/mcp') expect(GuardedMcpController.calls, where).toBe(callsBefore);
        },
      ),
      { numRuns: FUZZ_RUNS * 4 },
    );
  });
});

describe('fuzzing the guarded MCP endpoint with tool-scoped tools (S51, S58, S66)', () => {
  let app: INestApplication;
  let port: number;
  let readToken: string;

  beforeAll(async () => {
    port = await freeLoopbackPort();
    const baseUrl = `http://127.0.0.1:${port}`;
    app = await createSampleApp({
      baseUrl,
      httpAdapter: testHttpAdapter(),
      logger: false,
      rateLimits: false,
      asyncContext: false,
    });
    await app.listen(port, '127.0.0.1');
    const metadata = (await (await fetch(asMetadataUrl(baseUrl))).json()) as AsMetadata;
    const clientId = ((await (await registerPublicClient(metadata, 'fuzz')).json()) as Record<string, string>)
      .client_id;
    const outcome = await authorizeThroughPages(new HtmlUserAgent(), metadata, clientId, {
      scope: 'notes:read',
      resource: `${baseUrl}/mcp`,
      user: 'alice',
      password: 'alice',
    });
    const res = await tokenRequest(metadata, {
      grant_type: 'authorization_code',
      code: outcome.callback.searchParams.get('code')!,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
      code_verifier: outcome.verifier,
      resource: `${baseUrl}/mcp`,
    });
    readToken = ((await res.json()) as Record<string, string>).access_token;
  });
  afterAll(async () => {
    await app?.close();
  });

  const addNote = (text: string) => ({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name: 'add_note', arguments: { text } },
  });
  const bodyShape = fc.constantFrom('single', 'batch', 'deep', 'bom', 'padded');

  it('S51 S58 S66 a notes:read token never gets add_note to run: any Content-Type, chunked or not, any Mcp-* headers, 4xx and no note', async () => {
    const store = app.get(NotesStore);
    let sequence = 0;
    await fc.assert(
      fc.asyncProperty(
        jsonContentTypeVariant,
        bodyShape,
        fc.boolean(),
        fc.option(fc.constantFrom('tools/call', 'tools/list', 'TOOLS/CALL'), { nil: undefined }),
        fc.option(fc.constantFrom('add_note', 'list_notes', '=?base64?bGlzdF9ub3Rlcw==?='), { nil: undefined }),
        async (type, shape, chunked, method, name) => {
          const text = `fuzz-${++sequence}`;
          const message = addNote(text);
          const body =
            shape === 'single'
              ? JSON.stringify(message)
              : shape === 'batch'
                ? JSON.stringify([
                    { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_notes' } },
                    message,
                  ])
                : shape === 'deep'
                  ? JSON.stringify({ ...message, pad: 'P' }).replace('"P"', `${'['.repeat(3000)}${']'.repeat(3000)}`)
                  : shape === 'bom'
                    ? `\ufeff${JSON.stringify(message)}`
                    : `  \n${JSON.stringify(message)}\n  `;
          const headers = {
            Authorization: `Bearer ${readToken}`,
            Accept: 'application/json, text/event-stream',
            'Content-Type': type,
            'Mcp-Method': method,
            'Mcp-Name': name,
          };
          const res = await rawRequest(port, rawPost(port, '/mcp', headers, body, chunked));
          const where = `${JSON.stringify(type)} ${shape} chunked=${chunked} ${method} ${name} → ${res.raw.slice(0, 160)}`;
          expect(res.status, where).toBeGreaterThanOrEqual(400);
          expect(res.status, where).toBeLessThan(500);
          expect(
            store.list('alice').map((note) => note.text),
            where,
          ).not.toContain(text);
        },
      ),
      { numRuns: FUZZ_RUNS * 4 },
    );
    expect(store.list('alice')).toEqual([]);
  });
});

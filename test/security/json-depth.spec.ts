import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_JSON_MAX_DEPTH, jsonTextExceedsDepth, jsonValueExceedsDepth } from '../../lib/http/json-depth.js';
import { createFuzzApp, type FuzzApp } from '../support/fuzz/fuzz-app.js';
import { rawRequest } from '../support/fuzz/raw-http.js';
import { snapshotStore } from '../support/fuzz/store-snapshot.js';
import { onFastify } from '../support/test-app.js';

const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepContacts = JSON.stringify({ redirect_uris: ['http://127.0.0.1:7777/cb'], contacts: 'PLACEHOLDER' }).replace(
  '"PLACEHOLDER"',
  nestedArrays(5000),
);

/** A POST with `Transfer-Encoding: chunked` (no Content-Length), over a raw socket. */
function chunkedPost(port: number, path: string, contentType: string, body: string) {
  const bytes = Buffer.from(body);
  const chunks: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 4096) {
    const piece = bytes.subarray(offset, offset + 4096);
    chunks.push(`${piece.length.toString(16)}\r\n${piece.toString('latin1')}\r\n`);
  }
  const head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`;
  return rawRequest(port, `${head}${chunks.join('')}0\r\n\r\n`);
}

describe('S58 JSON nesting depth', () => {
  it('S58 the text scan and the value walk agree on the limit (32 accepted, 33 refused), brackets in strings ignored', () => {
    expect(DEFAULT_JSON_MAX_DEPTH).toBe(32);
    for (const [text, deeper] of [
      [nestedArrays(32), false],
      [nestedArrays(33), true],
      [`${'{"a":'.repeat(32)}1${'}'.repeat(32)}`, false],
      [`${'{"a":'.repeat(33)}1${'}'.repeat(33)}`, true],
      [`{"s":"${'['.repeat(100)}\\"${'{'.repeat(100)}"}`, false],
      [`[${Array(1000).fill('[]').join(',')}]`, false],
    ] as const) {
      expect(jsonTextExceedsDepth(text, 32), text.slice(0, 40)).toBe(deeper);
      expect(jsonValueExceedsDepth(JSON.parse(text), 32), text.slice(0, 40)).toBe(deeper);
    }
    expect(jsonValueExceedsDepth(JSON.parse(nestedArrays(100_000)), 32)).toBe(true);
  });

  describe('on the OAuth endpoints', () => {
    let t: FuzzApp;
    beforeAll(async () => {
      t = await createFuzzApp();
    });
    afterAll(() => t.close());

    it('S58 5000 nested arrays in contacts at /register: 400 invalid_request, nothing stored', async () => {
      const before = snapshotStore(t.store);
      const res = await t.http.post('/register').set('Content-Type', 'application/json').send(deepContacts);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: 'invalid_request',
        error_description: 'The request body is nested too deeply',
      });
      expect(snapshotStore(t.store)).toBe(before);
    });

    it('S58 the same body sent chunked (no Content-Length): 400, not a 500 from the size check', async () => {
      const before = snapshotStore(t.store);
      const res = await chunkedPost(t.port, '/register', 'application/json', deepContacts);
      expect(res.status).toBe(400);
      expect(res.raw).toContain('nested too deeply');
      expect(snapshotStore(t.store)).toBe(before);
    });

    it.each(['/token', '/revoke', '/introspect', '/authorize', '/login', '/consent'])(
      'S58 deep JSON in a body sent to %s (plain and chunked): 4xx, never 5xx',
      async (path) => {
        const body = JSON.stringify({ grant_type: 'x', nested: 'PLACEHOLDER' }).replace(
          '"PLACEHOLDER"',
          nestedArrays(5000),
        );
        const plain = await t.http.post(path).set('Content-Type', 'application/json').send(body);
        expect(plain.status).toBeGreaterThanOrEqual(400);
        expect(plain.status).toBeLessThan(500);
        const chunked = await chunkedPost(t.port, path, 'application/json', body);
        expect(chunked.status).toBeGreaterThanOrEqual(400);
        expect(chunked.status).toBeLessThan(500);
      },
    );

    it('S58 deep bracket nesting in a form body at /token: 400 invalid_request (Express), a flat key (Fastify)', async () => {
      const res = await t.http
        .post('/token')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send(`grant_type=x&a${'[b]'.repeat(200)}=1`);
      if (onFastify()) {
        // Fastify's form parser does not nest brackets: `a[b][b]…` is one unknown parameter, ignored,
        // so the request is answered as the same request without it.
        const plain = await t.http.post('/token').type('form').send('grant_type=x');
        expect([res.status, res.body]).toEqual([plain.status, plain.body]);
        return;
      }
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });

    it('S58 a registration nested exactly to the limit is judged on its metadata, not refused for depth', async () => {
      const atLimit = JSON.stringify({
        redirect_uris: ['http://127.0.0.1:7777/cb'],
        token_endpoint_auth_method: 'none',
        x: 'P',
      }).replace('"P"', nestedArrays(DEFAULT_JSON_MAX_DEPTH - 1));
      const res = await t.http.post('/register').set('Content-Type', 'application/json').send(atLimit);
      expect(res.status).toBe(201);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFuzzApp, type FuzzApp } from '../support/fuzz/fuzz-app.js';
import { snapshotStore } from '../support/fuzz/store-snapshot.js';

const huge = 'x'.repeat(200 * 1024);

describe('body-parser failures on the module paths', () => {
  let t: FuzzApp;
  beforeAll(async () => {
    t = await createFuzzApp();
  });
  afterAll(() => t.close());

  it.each([
    ['/token', 'application/json', '{"grant_type":"refresh_token","refresh_token":"rt-secret-1'],
    ['/register', 'application/json', '{"redirect_uris":['],
    ['/revoke', 'application/json', 'null x'],
    ['/introspect', 'application/json', '{'],
    ['/mcp', 'application/json', '{"jsonrpc":'],
  ])('S50 malformed JSON to %s: 400 invalid_request OAuth body, no echo of the input', async (path, type, body) => {
    const before = snapshotStore(t.store);
    const res = await t.http.post(path).set('Content-Type', type).send(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The request body is malformed' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).not.toContain('rt-secret-1');
    expect(snapshotStore(t.store)).toBe(before);
  });

  it.each([
    ['/token', 'application/x-www-form-urlencoded', `grant_type=${huge}`],
    ['/register', 'application/json', JSON.stringify({ client_name: huge })],
    ['/login', 'application/x-www-form-urlencoded', `username=${huge}`],
    ['/mcp', 'application/json', JSON.stringify({ padding: huge })],
  ])('S38 S50 a body over the parser limit to %s: 413 invalid_request OAuth body', async (path, type, body) => {
    const res = await t.http.post(path).set('Content-Type', type).send(body);
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The request body is too large' });
  });

  it('S50 an unsupported content encoding or charset: 415 invalid_request OAuth body', async () => {
    const encoding = await t.http
      .post('/token')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('Content-Encoding', 'x-unknown')
      .send('grant_type=x');
    expect(encoding.status).toBe(415);
    expect(encoding.body.error).toBe('invalid_request');
    const charset = await t.http
      .post('/register')
      .set('Content-Type', 'application/json; charset=x-unknown')
      .send('{}');
    expect(charset.status).toBe(415);
    expect(charset.body.error).toBe('invalid_request');
  });

  it("S50 the handler is mounted before Nest's error handler (else Nest would answer first), and other paths keep Nest's default", async () => {
    const ours = await t.http.post('/token').set('Content-Type', 'application/json').send('{');
    expect(ours.body).toEqual({ error: 'invalid_request', error_description: 'The request body is malformed' });
    const other = await t.http.post('/elsewhere').set('Content-Type', 'application/json').send('{');
    expect(other.status).toBe(400);
    expect(other.body.error).not.toBe('invalid_request');
    expect(other.body.statusCode).toBe(400);
  });
});

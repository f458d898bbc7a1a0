import { gzipSync } from 'node:zlib';
import type request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastifyPath } from '../../lib/http/fastify/fastify-endpoints.js';
import { createFuzzApp, type FuzzApp } from '../support/fuzz/fuzz-app.js';

/** One request, sent the same way to both applications. */
interface Probe {
  name: string;
  send(http: FuzzApp['http']): request.Test;
  /** Body fields that differ between any two runs (generated ids, times). */
  volatile?: readonly string[];
}

/** Headers an endpoint answer is defined by (Express adds `ETag`, `X-Powered-By`; not ours). */
const COMPARED_HEADERS = [
  'content-type',
  'cache-control',
  'pragma',
  'access-control-allow-origin',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-max-age',
  'allow',
  'www-authenticate',
  'retry-after',
  'location',
  'content-security-policy',
  'x-frame-options',
];

const PROBES: Probe[] = [
  { name: 'AS metadata GET', send: (http) => http.get('/.well-known/oauth-authorization-server') },
  { name: 'AS metadata HEAD', send: (http) => http.head('/.well-known/oauth-authorization-server') },
  { name: 'PRM metadata', send: (http) => http.get('/.well-known/oauth-protected-resource/mcp') },
  { name: 'OIDC discovery', send: (http) => http.get('/.well-known/openid-configuration') },
  // Each application signs with its own generated key: the key sets are compared by kid and shape.
  { name: 'jwks', send: (http) => http.get('/jwks'), volatile: ['keys'] },
  { name: 'token: unsupported grant', send: (http) => http.post('/token').type('form').send('grant_type=nope') },
  { name: 'token: no body', send: (http) => http.post('/token') },
  {
    name: 'token: wrong media type',
    send: (http) => http.post('/token').set('Content-Type', 'application/json').send('{"grant_type":"x"}'),
  },
  {
    name: 'token: client secret over Basic, unknown client',
    send: (http) =>
      http
        .post('/token')
        .set('Authorization', 'Basic dW5rbm93bjpzZWNyZXQ=')
        .type('form')
        .send('grant_type=client_credentials'),
  },
  {
    name: 'register: a public client',
    send: (http) =>
      http.post('/register').send({
        redirect_uris: ['https://client.example/cb'],
        token_endpoint_auth_method: 'none',
        client_name: 'Side',
      }),
    volatile: ['client_id', 'client_id_issued_at'],
  },
  {
    name: 'register: text/plain',
    send: (http) => http.post('/register').set('Content-Type', 'text/plain').send('{}'),
  },
  { name: 'register: empty JSON body', send: (http) => http.post('/register').set('Content-Type', 'application/json') },
  { name: 'revoke: unknown token', send: (http) => http.post('/revoke').type('form').send('token=abc&client_id=x') },
  {
    name: 'introspect: no client authentication',
    send: (http) => http.post('/introspect').type('form').send('token=abc'),
  },
  { name: '405 on the token endpoint', send: (http) => http.delete('/token') },
  { name: '405 on the metadata', send: (http) => http.post('/.well-known/oauth-authorization-server') },
  {
    name: 'CORS preflight of the token endpoint',
    send: (http) =>
      http.options('/token').set('Origin', 'https://app.example').set('Access-Control-Request-Method', 'POST'),
  },
  {
    name: 'malformed JSON',
    send: (http) => http.post('/register').set('Content-Type', 'application/json').send('{"a":'),
  },
  {
    name: 'body over the limit',
    send: (http) =>
      http
        .post('/token')
        .type('form')
        .send(`grant_type=${'x'.repeat(200 * 1024)}`),
  },
  {
    name: 'unknown content encoding',
    send: (http) => http.post('/token').type('form').set('Content-Encoding', 'x-unknown').send('grant_type=x'),
  },
  {
    name: 'gzip body (inflated, then the grant is refused)',
    send: (http) =>
      http
        .post('/token')
        .type('form')
        .set('Content-Encoding', 'gzip')
        .serialize((body: Buffer) => body as unknown as string)
        .send(gzipSync('grant_type=nope')),
  },
  {
    name: 'unsupported JSON charset',
    send: (http) => http.post('/register').set('Content-Type', 'application/json; charset=x-unknown').send('{}'),
  },
  { name: 'authorize without parameters (HTML error page)', send: (http) => http.get('/authorize') },
  { name: 'login page without an interaction', send: (http) => http.get('/login') },
  { name: 'guarded MCP route without a token', send: (http) => http.post('/mcp').send({ jsonrpc: '2.0', id: 1 }) },
  {
    name: 'guarded MCP route with malformed JSON',
    send: (http) => http.post('/mcp').set('Content-Type', 'application/json').send('{"jsonrpc":'),
  },
  { name: 'a path under an endpoint is not the endpoint', send: (http) => http.get('/jwks/x') },
  { name: 'a percent-encoded endpoint path is not the endpoint', send: (http) => http.get('/%6Awks') },
];

describe('fastify adapter', () => {
  let express: FuzzApp;
  let fastify: FuzzApp;
  beforeAll(async () => {
    express = await createFuzzApp(false, {}, { adapter: 'express' });
    fastify = await createFuzzApp(false, {}, { adapter: 'fastify' });
  });
  afterAll(async () => {
    await express?.close();
    await fastify?.close();
  });

  it.each(PROBES)(
    'fastify: $name answers at its exact path with the same status, headers and body as express',
    async (probe) => {
      const [onExpress, onFastify] = [await probe.send(express.http), await probe.send(fastify.http)];
      const summary = (res: request.Response) => ({
        status: res.status,
        headers: Object.fromEntries(COMPARED_HEADERS.map((name) => [name, res.headers[name]])),
        body: normalized(res, probe.volatile ?? []),
      });
      expect(summary(onFastify)).toEqual(summary(onExpress));
    },
  );

  it('fastify: a route path with ":" is matched literally, one with "*" is refused at boot', () => {
    expect(fastifyPath('/oauth/a:b/token')).toBe('/oauth/a::b/token');
    expect(() => fastifyPath('/oauth/*')).toThrow(/contains "\*"/);
  });

  it('fastify: request.ip honours trustProxy (X-Forwarded-For) only when it is set', async () => {
    const limited = { rateLimits: { token: { limit: 1, ttlSeconds: 60 } } };
    for (const trustProxy of [false, true]) {
      const t = await createFuzzApp(false, limited, { adapter: 'fastify', trustProxy });
      try {
        const hit = (ip: string) => t.http.post('/token').set('X-Forwarded-For', ip).type('form').send('grant_type=x');
        expect((await hit('203.0.113.1')).status).toBe(401);
        expect((await hit('203.0.113.2')).status).toBe(trustProxy ? 401 : 429);
      } finally {
        await t.close();
      }
    }
  });
});

/** The body, with generated values replaced (HTML pages compared as text). */
function normalized(res: request.Response, volatile: readonly string[]): unknown {
  if (!res.text) return '';
  if (!String(res.headers['content-type'] ?? '').includes('json')) return res.text;
  const body = JSON.parse(res.text) as Record<string, unknown>;
  for (const field of volatile) if (field in body) body[field] = generated(body[field]);
  return body;
}

/** A generated value: its shape (for a key set, kids and members) without the random parts. */
function generated(value: unknown): unknown {
  if (!Array.isArray(value)) return '<generated>';
  return value.map((key: Record<string, unknown>) => ({ kid: key.kid, members: Object.keys(key).sort() }));
}

import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ClientIdMetadataDocumentResolver,
  createHttpsMetadataFetcher,
  InvalidClientError,
  MetadataDocumentFetchError,
  type ClientIdMetadataDocumentOptions,
  type HostResolver,
} from '../../../lib/index.js';
import { resolvePrivateKeyJwt } from '../../../lib/services/private-key-jwt-options.js';
import { StubMetadataServer } from './stub-metadata-server.js';

const server = new StubMetadataServer();

function documentFor(path: string, extra: Record<string, unknown> = {}) {
  return {
    client_id: server.url(path),
    client_name: 'Stub Client',
    redirect_uris: ['http://127.0.0.1/callback'],
    ...extra,
  };
}

function sendJson(res: import('node:http').ServerResponse, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res
    .writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers })
    .end(text);
}

let flakyCalls = 0;
let flakyJwksCalls = 0;
const PUBLIC_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
  kid: 'k1',
};

beforeAll(async () => {
  await server.start();
  server
    .route('/client.json', (_req, res) =>
      sendJson(res, documentFor('/client.json'), { 'cache-control': 'max-age=600' }),
    )
    .route('/redirect.json', (_req, res) => res.writeHead(302, { location: server.url('/client.json') }).end())
    .route('/gone.json', (_req, res) => res.writeHead(410, { 'content-type': 'application/json' }).end('{}'))
    .route('/big.json', (_req, res) => sendJson(res, documentFor('/big.json', { padding: 'x'.repeat(6000) })))
    .route('/big-chunked.json', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"client_id":"${server.url('/big-chunked.json')}","padding":"`);
      for (let i = 0; i < 8; i++) res.write('y'.repeat(1024));
      res.end('"}');
    })
    .route('/html.json', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'))
    .route('/broken.json', (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"client_id":'),
    )
    .route('/mismatch.json', (_req, res) =>
      sendJson(res, documentFor('/mismatch.json', { client_id: `${server.url('/mismatch.json')}/` })),
    )
    .route('/no-redirects.json', (_req, res) =>
      sendJson(res, { client_id: server.url('/no-redirects.json'), client_name: 'x' }),
    )
    .route('/secret.json', (_req, res) => sendJson(res, documentFor('/secret.json', { client_secret: 'do-not-echo' })))
    .route('/basic.json', (_req, res) =>
      sendJson(res, documentFor('/basic.json', { token_endpoint_auth_method: 'client_secret_basic' })),
    )
    .route('/slow-headers.json', () => undefined)
    .route('/slow-body.json', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"client_id":');
    })
    .route('/jwks.json', (_req, res) => sendJson(res, { keys: [PUBLIC_JWK] }, { 'cache-control': 'max-age=600' }))
    .route('/jwks-big.json', (_req, res) => sendJson(res, { keys: [PUBLIC_JWK], padding: 'z'.repeat(20_000) }))
    .route('/jwks-private.json', (_req, res) => sendJson(res, { keys: [{ ...PUBLIC_JWK, d: 'AQAB' }] }))
    .route('/jwks-redirect.json', (_req, res) => res.writeHead(302, { location: server.url('/jwks.json') }).end())
    .route('/jwks-flaky.json', (_req, res) => {
      flakyJwksCalls++;
      if (flakyJwksCalls === 1) res.writeHead(503, { 'content-type': 'application/json' }).end('{}');
      else sendJson(res, { keys: [PUBLIC_JWK] }, { 'cache-control': 'max-age=600' });
    })
    .route('/flaky.json', (_req, res) => {
      flakyCalls++;
      if (flakyCalls === 1) res.writeHead(500, { 'content-type': 'application/json' }).end('{}');
      else sendJson(res, documentFor('/flaky.json'), { 'cache-control': 'max-age=600' });
    });
});

afterAll(() => server.stop());

beforeEach(() => {
  server.connections = 0;
  server.hits.clear();
  server.remoteAddresses.length = 0;
});

/** A resolver that trusts the stub's self-signed certificate. */
function resolver(options: ClientIdMetadataDocumentOptions & { resolveHost?: HostResolver } = {}) {
  const { resolveHost, ...rest } = options;
  return new ClientIdMetadataDocumentResolver({
    enabled: true,
    fetch: createHttpsMetadataFetcher({ ca: server.certificate.certPem, resolveHost }),
    ...rest,
  });
}

const resolvesTo =
  (...addresses: string[]): HostResolver =>
  async () =>
    addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidClientError);
  expect((error as InvalidClientError).error).toBe('invalid_client');
  return (error as InvalidClientError).description ?? '';
}

describe('CIMD fetch over real HTTPS to a loopback stub', () => {
  it('S41 https://localhost:<port>/… is refused without connecting (stub sees zero connections)', async () => {
    expect(await refusal(resolver().resolve(server.url('/client.json')))).toContain('loopback name');
    expect(server.connections).toBe(0);
  });

  it('S41 https://127.0.0.1:<port>/… is refused without connecting', async () => {
    expect(await refusal(resolver().resolve(server.url('/client.json', '127.0.0.1')))).toContain('loopback');
    expect(server.connections).toBe(0);
  });

  it.each([
    [['127.0.0.1'], 'loopback'],
    [['::1'], 'loopback'],
    [['::ffff:127.0.0.1'], 'IPv4-mapped'],
  ])(
    'S41 a name resolving to %j is refused before connecting (%s), stub sees zero connections',
    async (addresses, label) => {
      const url = `https://cimd.example.com:${server.port}/client.json`;
      const description = await refusal(
        resolver({ resolveHost: resolvesTo(...addresses), timeoutMs: 1000 }).resolve(url),
      );
      expect(description).toContain('resolves to a refused address');
      expect(description).toContain(label);
      expect(server.connections).toBe(0);
    },
  );

  it('S41 every resolved address is checked: one refused address among allowed ones stops the fetch before connecting', async () => {
    const checked: string[] = [];
    const fetch = createHttpsMetadataFetcher({
      ca: server.certificate.certPem,
      resolveHost: resolvesTo('127.0.0.1', '127.0.0.2'),
    });
    const attempt = fetch({
      url: new URL(server.url('/client.json')),
      signal: new AbortController().signal,
      maxBytes: 5120,
      assertAddressAllowed: (address) => {
        checked.push(address);
        if (address === '127.0.0.2') throw new MetadataDocumentFetchError('refused for the test');
      },
    });
    await expect(attempt).rejects.toThrow('refused for the test');
    expect(checked).toEqual(['127.0.0.1', '127.0.0.2']);
    expect(server.connections).toBe(0);
  });

  it('S41 the fetcher connects to the address its own checked lookup returned (no second resolution)', async () => {
    const lookups: string[] = [];
    const r = resolver({
      allowPrivateNetworks: true,
      resolveHost: async (hostname) => {
        lookups.push(hostname);
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    await expect(r.resolve(server.url('/client.json'))).resolves.toMatchObject({
      clientId: server.url('/client.json'),
    });
    expect(lookups).toEqual(['localhost']);
    expect(server.remoteAddresses).toEqual(['127.0.0.1']);
  });

  it('allowPrivateNetworks: true fetches a valid document from a self-signed local HTTPS server', async () => {
    const client = await resolver({ allowPrivateNetworks: true }).resolve(server.url('/client.json'));
    expect(client).toMatchObject({
      clientId: server.url('/client.json'),
      clientName: 'Stub Client',
      redirectUris: ['http://127.0.0.1/callback'],
      tokenEndpointAuthMethod: 'none',
      metadataDocument: { url: server.url('/client.json'), host: `localhost:${server.port}` },
    });
    expect(server.hitCount('/client.json')).toBe(1);
  });

  it('TLS certificates are verified: an untrusted certificate fails', async () => {
    const r = new ClientIdMetadataDocumentResolver({
      enabled: true,
      allowPrivateNetworks: true,
      fetch: createHttpsMetadataFetcher({ resolveHost: resolvesTo('127.0.0.1') }),
    });
    expect(await refusal(r.resolve(server.url('/client.json')))).toContain('connection or TLS failure');
    expect(server.connections).toBe(1);
    expect(server.hitCount('/client.json')).toBe(0);
  });

  it('S40 a redirect is not followed', async () => {
    expect(await refusal(resolver({ allowPrivateNetworks: true }).resolve(server.url('/redirect.json')))).toContain(
      'redirects are not followed (HTTP 302)',
    );
    expect(server.hitCount('/redirect.json')).toBe(1);
    expect(server.hitCount('/client.json')).toBe(0);
  });

  it.each([
    ['/gone.json', 'HTTP status 410'],
    ['/big.json', 'larger than 5120 bytes'],
    ['/big-chunked.json', 'larger than 5120 bytes'],
    ['/html.json', 'Content-Type must be application/json'],
    ['/broken.json', 'not valid UTF-8 JSON'],
    ['/mismatch.json', 'client_id does not match'],
    ['/no-redirects.json', 'redirect_uris'],
    ['/secret.json', 'client_secret must not be present'],
    ['/basic.json', 'client_secret_basic uses a shared secret'],
  ])('S40 %s is refused (%s)', async (path, rule) => {
    const description = await refusal(resolver({ allowPrivateNetworks: true }).resolve(server.url(path)));
    expect(description).toContain(rule);
    expect(description).not.toContain('do-not-echo');
  });

  it.each(['/slow-headers.json', '/slow-body.json'])(
    'S41 a slow host (%s) fails within the timeout and the socket is released',
    async (path) => {
      const closedBefore = server.closedRequests;
      const description = await refusal(
        resolver({ allowPrivateNetworks: true, timeoutMs: 300 }).resolve(server.url(path)),
      );
      expect(description).toContain('within 300 ms');
      await expect.poll(() => server.closedRequests, { timeout: 5000 }).toBeGreaterThan(closedBefore);
    },
  );

  it('S42 ten concurrent resolutions make one request; the cache serves within max-age and refetches after', async () => {
    let now = 5_000_000;
    const r = resolver({ allowPrivateNetworks: true, now: () => now });
    const clients = await Promise.all(Array.from({ length: 10 }, () => r.resolve(server.url('/client.json'))));
    expect(clients.every((c) => c.clientId === server.url('/client.json'))).toBe(true);
    expect(server.hitCount('/client.json')).toBe(1);
    now += 599_000;
    await r.resolve(server.url('/client.json'));
    expect(server.hitCount('/client.json')).toBe(1);
    now += 1_000;
    await r.resolve(server.url('/client.json'));
    expect(server.hitCount('/client.json')).toBe(2);
  });

  it('S42 an error response is never cached', async () => {
    const r = resolver({ allowPrivateNetworks: true });
    expect(await refusal(r.resolve(server.url('/flaky.json')))).toContain('HTTP status 500');
    await expect(r.resolve(server.url('/flaky.json'))).resolves.toMatchObject({ clientId: server.url('/flaky.json') });
    expect(server.hitCount('/flaky.json')).toBe(2);
  });

  it('S41 the allow hook denies before any connection', async () => {
    const r = resolver({ allowPrivateNetworks: true, allow: (url) => url.hostname !== 'localhost' });
    expect(await refusal(r.resolve(server.url('/client.json')))).toContain('not allowed by the server policy');
    expect(server.connections).toBe(0);
  });
});

/** The `jwks_uri` key sets of private_key_jwt clients go through the same fetcher and rules (S65). */
describe('jwks_uri fetch over real HTTPS to a loopback stub (same SSRF-guarded fetcher as CIMD)', () => {
  const jwksCache = (options: ClientIdMetadataDocumentOptions & { resolveHost?: HostResolver } = {}) => {
    const { resolveHost, ...rest } = options;
    const fail = (message: string): never => {
      throw new Error(message);
    };
    return resolvePrivateKeyJwt(
      undefined,
      { fetch: createHttpsMetadataFetcher({ ca: server.certificate.certPem, resolveHost }), ...rest },
      fail,
    )!.remoteKeySets;
  };

  it('S41 S65 a jwks_uri on loopback or resolving to a private address is refused without connecting', async () => {
    expect(await refusal(jwksCache().keySet(server.url('/jwks.json')))).toContain('loopback');
    expect(await refusal(jwksCache().keySet(server.url('/jwks.json', '127.0.0.1')))).toContain('IP address');
    const viaName = `https://jwks.example.com:${server.port}/jwks.json`;
    const description = await refusal(jwksCache({ resolveHost: resolvesTo('10.0.0.7') }).keySet(viaName));
    expect(description).toContain('resolves to a refused address');
    expect(server.connections).toBe(0);
  });

  it('S40 S65 a jwks_uri document is bounded in size, must hold public keys only, and redirects are not followed', async () => {
    const cache = jwksCache({ allowPrivateNetworks: true });
    expect(await refusal(cache.keySet(server.url('/jwks-big.json')))).toContain('larger than 16384 bytes');
    expect(await refusal(cache.keySet(server.url('/jwks-private.json')))).toContain('private member');
    expect(await refusal(cache.keySet(server.url('/jwks-redirect.json')))).toContain('redirects are not followed');
    expect(server.hitCount('/jwks.json')).toBe(0);
  });

  it('S42 S65 a jwks_uri key set is cached per Cache-Control (clamped) and refetched after it', async () => {
    let now = 9_000_000;
    const cache = jwksCache({ allowPrivateNetworks: true, now: () => now });
    const sets = await Promise.all(Array.from({ length: 5 }, () => cache.keySet(server.url('/jwks.json'))));
    expect(sets.every((set) => set.keys[0]!.kid === 'k1')).toBe(true);
    expect(server.hitCount('/jwks.json')).toBe(1);
    now += 599_000;
    await cache.keySet(server.url('/jwks.json'));
    expect(server.hitCount('/jwks.json')).toBe(1);
    now += 1_000;
    await cache.keySet(server.url('/jwks.json'));
    expect(server.hitCount('/jwks.json')).toBe(2);
  });

  it('S42 S65 an error response for a jwks_uri is never cached', async () => {
    const cache = jwksCache({ allowPrivateNetworks: true });
    expect(await refusal(cache.keySet(server.url('/jwks-flaky.json')))).toContain('HTTP status 503');
    await expect(cache.keySet(server.url('/jwks-flaky.json'))).resolves.toMatchObject({ keys: [{ kid: 'k1' }] });
    expect(server.hitCount('/jwks-flaky.json')).toBe(2);
  });
});

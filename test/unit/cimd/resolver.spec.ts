import { describe, expect, it } from 'vitest';
import { InvalidClientError } from '../../../lib/errors/index.js';
import {
  ClientIdMetadataDocumentResolver,
  McpAuthConfigurationError,
  MetadataDocumentFetchError,
  type ClientIdMetadataDocumentOptions,
  type MetadataDocumentFetchRequest,
  type MetadataDocumentFetchResponse,
} from '../../../lib/index.js';

const CLIENT_ID = 'https://app.example.com/oauth/client.json';
const document = { client_id: CLIENT_ID, client_name: 'Example', redirect_uris: ['https://app.example.com/cb'] };

function json(body: unknown, extra: Partial<MetadataDocumentFetchResponse> = {}): MetadataDocumentFetchResponse {
  return {
    status: 200,
    contentType: 'application/json; charset=utf-8',
    body: new TextEncoder().encode(JSON.stringify(body)),
    ...extra,
  };
}

/** A fake fetcher that counts calls and answers from a queue (or with a fixed response). */
function fakeFetch(
  answer: (
    request: MetadataDocumentFetchRequest,
    call: number,
  ) => Promise<MetadataDocumentFetchResponse> | MetadataDocumentFetchResponse,
) {
  const calls: MetadataDocumentFetchRequest[] = [];
  const fetch = async (request: MetadataDocumentFetchRequest) => {
    calls.push(request);
    return answer(request, calls.length);
  };
  return { fetch, calls };
}

function resolver(options: ClientIdMetadataDocumentOptions) {
  return new ClientIdMetadataDocumentResolver({ enabled: true, ...options });
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidClientError);
  expect((error as InvalidClientError).error).toBe('invalid_client');
  expect((error as InvalidClientError).getStatus()).toBe(401);
  return (error as InvalidClientError).description ?? '';
}

describe('ClientIdMetadataDocumentResolver with an injected fetcher', () => {
  it('resolves a valid document to a metadata-document client', async () => {
    const { fetch, calls } = fakeFetch(() => json(document));
    const client = await resolver({ fetch }).resolve(CLIENT_ID);
    expect(client.clientId).toBe(CLIENT_ID);
    expect(client.clientName).toBe('Example');
    expect(client.redirectUris).toEqual(['https://app.example.com/cb']);
    expect(client.tokenEndpointAuthMethod).toBe('none');
    expect(client.metadataDocument.host).toBe('app.example.com');
    expect(calls).toHaveLength(1);
    expect(calls[0].url.href).toBe(CLIENT_ID);
    expect(calls[0].maxBytes).toBe(5120);
  });

  it('is off unless enabled', async () => {
    const { fetch, calls } = fakeFetch(() => json(document));
    expect(await refusal(new ClientIdMetadataDocumentResolver({ fetch }).resolve(CLIENT_ID))).toContain(
      'not supported',
    );
    expect(calls).toHaveLength(0);
  });

  it('S41 URL rules run before the fetcher is called', async () => {
    const { fetch, calls } = fakeFetch(() => json(document));
    const r = resolver({ fetch });
    for (const url of [
      'http://app.example.com/c.json',
      'https://127.0.0.1/c.json',
      'https://localhost/c.json',
      'https://a.example.com/x/../c.json',
      'https://u@a.example.com/c.json',
    ]) {
      await refusal(r.resolve(url));
    }
    expect(calls).toHaveLength(0);
  });

  it('S41 the address check handed to the fetcher refuses special-use addresses', async () => {
    const seen: string[] = [];
    const { fetch } = fakeFetch((request) => {
      for (const address of ['93.184.216.34', '10.0.0.1']) {
        request.assertAddressAllowed(address);
        seen.push(address);
      }
      return json(document);
    });
    expect(await refusal(resolver({ fetch }).resolve(CLIENT_ID))).toContain('private (RFC 1918)');
    expect(seen).toEqual(['93.184.216.34']);
  });

  it('S41 allow hook can deny a URL before anything is fetched', async () => {
    const { fetch, calls } = fakeFetch(() => json(document));
    const allowed: string[] = [];
    const r = resolver({
      fetch,
      allow: async (url) => {
        allowed.push(url.hostname);
        return url.hostname.endsWith('.trusted.example');
      },
    });
    expect(await refusal(r.resolve(CLIENT_ID))).toContain('not allowed by the server policy');
    expect(calls).toHaveLength(0);
    const trusted = 'https://app.trusted.example/c.json';
    const { fetch: fetch2 } = fakeFetch(() => json({ ...document, client_id: trusted }));
    await expect(
      resolver({ fetch: fetch2, allow: (url) => url.hostname.endsWith('.trusted.example') }).resolve(trusted),
    ).resolves.toMatchObject({ clientId: trusted });
    expect(allowed).toEqual(['app.example.com']);
  });

  it.each([
    [{ status: 404 }, 'HTTP status 404'],
    [{ status: 500 }, 'HTTP status 500'],
    [{ status: 204 }, 'HTTP status 204'],
    [{ status: 301 }, 'redirects are not followed'],
    [{ status: 302 }, 'redirects are not followed'],
    [{ status: 307 }, 'redirects are not followed'],
    [{ contentType: 'text/html' }, 'Content-Type'],
    [{ contentType: undefined }, 'Content-Type'],
    [{ body: new TextEncoder().encode('{not json') }, 'JSON'],
    [{ body: Uint8Array.from([0x7b, 0xff, 0x7d]) }, 'JSON'],
    [{ body: new Uint8Array(5121).fill(0x20) }, 'larger than 5120 bytes'],
  ])('S40 refuses the response %o', async (override, rule) => {
    const { fetch } = fakeFetch(() => json(document, override as Partial<MetadataDocumentFetchResponse>));
    expect(await refusal(resolver({ fetch }).resolve(CLIENT_ID))).toContain(rule);
  });

  it('S40 accepts an application/*+json media type', async () => {
    const { fetch } = fakeFetch(() => json(document, { contentType: 'application/client-metadata+json' }));
    await expect(resolver({ fetch }).resolve(CLIENT_ID)).resolves.toMatchObject({ clientId: CLIENT_ID });
  });

  it('S41 a fetcher that never answers fails within timeoutMs and is aborted', async () => {
    let signal: AbortSignal | undefined;
    const { fetch } = fakeFetch((request) => {
      signal = request.signal;
      return new Promise<MetadataDocumentFetchResponse>(() => undefined);
    });
    expect(await refusal(resolver({ fetch, timeoutMs: 50 }).resolve(CLIENT_ID))).toContain('within 50 ms');
    expect(signal?.aborted).toBe(true);
  });

  it('a fetch failure becomes invalid_client without leaking the underlying message', async () => {
    const { fetch } = fakeFetch(() => Promise.reject(new Error('connect ECONNREFUSED 10.9.8.7:443 internal detail')));
    const description = await refusal(resolver({ fetch }).resolve(CLIENT_ID));
    expect(description).toContain('connection or TLS failure');
    expect(description).not.toContain('10.9.8.7');
    const { fetch: fetch2 } = fakeFetch(() =>
      Promise.reject(new MetadataDocumentFetchError('the document is larger than 5120 bytes')),
    );
    expect(await refusal(resolver({ fetch: fetch2 }).resolve(CLIENT_ID))).toContain('larger than 5120 bytes');
  });

  it('S42 N concurrent resolutions of one URL share one fetch', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { fetch, calls } = fakeFetch(async () => {
      await gate;
      return json(document);
    });
    const r = resolver({ fetch });
    const pending = Array.from({ length: 20 }, () => r.resolve(CLIENT_ID));
    release();
    const clients = await Promise.all(pending);
    expect(calls).toHaveLength(1);
    expect(new Set(clients.map((c) => c.clientId))).toEqual(new Set([CLIENT_ID]));
    clients[0].redirectUris.push('https://evil.example/cb');
    expect(clients[1].redirectUris).toEqual(['https://app.example.com/cb']);
  });

  it('S42 concurrent resolutions share one failure, and the failure is not cached', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { fetch, calls } = fakeFetch(async (_, call) => {
      await gate;
      return call === 1 ? json(document, { status: 503 }) : json(document);
    });
    const r = resolver({ fetch });
    const pending = Array.from({ length: 5 }, () =>
      r.resolve(CLIENT_ID).then(
        () => 'ok',
        () => 'failed',
      ),
    );
    release();
    expect(await Promise.all(pending)).toEqual(Array(5).fill('failed'));
    expect(calls).toHaveLength(1);
    await expect(r.resolve(CLIENT_ID)).resolves.toMatchObject({ clientId: CLIENT_ID });
    expect(calls).toHaveLength(2);
  });

  it('S42 a document is served from the cache within max-age and refetched after it (injected clock)', async () => {
    let now = 1_000_000;
    const { fetch, calls } = fakeFetch(() => json(document, { cacheControl: 'public, max-age=600' }));
    const r = resolver({ fetch, now: () => now });
    await r.resolve(CLIENT_ID);
    now += 599_000;
    await r.resolve(CLIENT_ID);
    expect(calls).toHaveLength(1);
    now += 1_000;
    await r.resolve(CLIENT_ID);
    expect(calls).toHaveLength(2);
  });

  it('S42 max-age is clamped: a tiny max-age still caches for minCacheSeconds, a huge one expires at maxCacheSeconds', async () => {
    let now = 0;
    const { fetch, calls } = fakeFetch((_, call) =>
      json(document, { cacheControl: call === 1 ? 'max-age=1' : 'max-age=31536000' }),
    );
    const r = resolver({ fetch, now: () => now, minCacheSeconds: 60, maxCacheSeconds: 3600 });
    await r.resolve(CLIENT_ID);
    now = 59_000;
    await r.resolve(CLIENT_ID);
    expect(calls).toHaveLength(1);
    now = 60_000;
    await r.resolve(CLIENT_ID);
    expect(calls).toHaveLength(2);
    now = 60_000 + 3_599_000;
    await r.resolve(CLIENT_ID);
    expect(calls).toHaveLength(2);
    now = 60_000 + 3_600_000;
    await r.resolve(CLIENT_ID);
    expect(calls).toHaveLength(3);
  });

  it('S42 Cache-Control: no-store is honoured (never cached)', async () => {
    const { fetch, calls } = fakeFetch(() => json(document, { cacheControl: 'no-store' }));
    const r = resolver({ fetch });
    await r.resolve(CLIENT_ID);
    await r.resolve(CLIENT_ID);
    expect(calls).toHaveLength(2);
  });

  it('S42 errors are never cached: a rejected document is refetched on the next resolution', async () => {
    const { fetch, calls } = fakeFetch((_, call) =>
      call === 1 ? json({ ...document, client_id: `${CLIENT_ID}/` }, { cacheControl: 'max-age=3600' }) : json(document),
    );
    const r = resolver({ fetch });
    expect(await refusal(r.resolve(CLIENT_ID))).toContain('does not match');
    await expect(r.resolve(CLIENT_ID)).resolves.toMatchObject({ clientId: CLIENT_ID });
    expect(calls).toHaveLength(2);
  });

  it('S42 the cache is bounded by maxCacheEntries (oldest dropped first)', async () => {
    const ids = ['https://a.example.com/c.json', 'https://b.example.com/c.json', 'https://c.example.com/c.json'];
    const { fetch, calls } = fakeFetch((request) => json({ ...document, client_id: request.url.href }));
    const r = resolver({ fetch, maxCacheEntries: 2 });
    for (const id of ids) await r.resolve(id);
    await r.resolve(ids[2]);
    await r.resolve(ids[1]);
    expect(calls).toHaveLength(3);
    await r.resolve(ids[0]);
    expect(calls).toHaveLength(4);
  });

  it('refuses bad options at construction with a plain message', () => {
    expect(() => new ClientIdMetadataDocumentResolver({ timeoutMs: 0 })).toThrow(McpAuthConfigurationError);
    expect(() => new ClientIdMetadataDocumentResolver({ maxBytes: -1 })).toThrow(/maxBytes/);
    expect(() => new ClientIdMetadataDocumentResolver({ minCacheSeconds: 100, maxCacheSeconds: 10 })).toThrow(
      /minCacheSeconds/,
    );
    expect(
      () => new ClientIdMetadataDocumentResolver({ supportedAuthMethods: ['client_secret_basic' as never] }),
    ).toThrow(/client_secret_basic/);
  });
});

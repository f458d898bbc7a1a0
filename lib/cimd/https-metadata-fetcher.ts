import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { LookupAddress } from 'node:dns';
import {
  MetadataDocumentFetchError,
  type MetadataDocumentFetcher,
  type MetadataDocumentFetchRequest,
  type MetadataDocumentFetchResponse,
} from './metadata-document-fetcher.js';

/** Resolves a host name to every address it has (like `dns.lookup(name, { all: true })`). */
export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

/** Options of {@link createHttpsMetadataFetcher}. */
export interface HttpsMetadataFetcherOptions {
  /** Name resolution. @default dns.promises.lookup with `all: true` */
  resolveHost?: HostResolver;
  /** Extra trusted CA certificates (PEM), e.g. a test server's self-signed certificate. @default the system's */
  ca?: string | Buffer | Array<string | Buffer>;
}

const defaultResolveHost: HostResolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The default {@link MetadataDocumentFetcher}: one `GET` with Node's `https.request`
 * (TLS certificate verification on, no redirects followed, no cookies, no agent pool).
 * An `http:` URL (the callers allow one only for a loopback identity-provider JWKS in
 * development) is fetched with `http.request` under the same rules.
 * Its `lookup` resolves the name, checks EVERY returned address with
 * `assertAddressAllowed` and hands only checked addresses to the socket, so the
 * address connected to is the address checked (no DNS rebinding window, S41).
 * The body is read up to `maxBytes` and the request is destroyed past it, or at
 * once when `Content-Length` announces more (S40).
 */
export function createHttpsMetadataFetcher(options: HttpsMetadataFetcherOptions = {}): MetadataDocumentFetcher {
  const resolveHost = options.resolveHost ?? defaultResolveHost;
  return (fetchRequest) =>
    new Promise<MetadataDocumentFetchResponse>((resolve, reject) => {
      const { url, signal } = fetchRequest;
      if (signal.aborted) return reject(new MetadataDocumentFetchError('the fetch was aborted'));
      const plainHttp = url.protocol === 'http:';
      const request = plainHttp ? httpRequest : httpsRequest;
      const req = request(
        {
          protocol: plainHttp ? 'http:' : 'https:',
          hostname: url.hostname,
          port: url.port || (plainHttp ? 80 : 443),
          path: `${url.pathname}${url.search}`,
          method: 'GET',
          headers: { accept: 'application/json', 'user-agent': 'nestjs-mcp-auth (client-id-metadata-document)' },
          agent: false,
          ...(plainHttp ? {} : { ca: options.ca }),
          signal,
          lookup: guardedLookup(resolveHost, fetchRequest) as never,
        },
        (response) =>
          readResponse(response, fetchRequest).then(resolve, (error: unknown) => {
            req.destroy();
            reject(error);
          }),
      );
      req.on('error', (error) => reject(error));
      req.end();
    });
}

function guardedLookup(resolveHost: HostResolver, fetchRequest: MetadataDocumentFetchRequest) {
  return (hostname: string, lookupOptions: { family?: number | string; all?: boolean }, callback: LookupCallback) => {
    resolveHost(hostname)
      .then((addresses) => {
        if (addresses.length === 0) throw new MetadataDocumentFetchError('the host name did not resolve');
        for (const { address } of addresses) fetchRequest.assertAddressAllowed(address);
        const family = Number(lookupOptions.family) || 0;
        const usable = family ? addresses.filter((a) => a.family === family) : addresses;
        if (usable.length === 0) throw new MetadataDocumentFetchError('the host name has no usable address');
        if (lookupOptions.all) callback(null, usable);
        else callback(null, usable[0].address, usable[0].family);
      })
      .catch((error: Error) => callback(error, ''));
  };
}

function readResponse(
  response: IncomingMessage,
  fetchRequest: MetadataDocumentFetchRequest,
): Promise<MetadataDocumentFetchResponse> {
  const head = {
    status: response.statusCode ?? 0,
    contentType: header(response, 'content-type'),
    cacheControl: header(response, 'cache-control'),
  };
  if (head.status !== 200) {
    response.destroy();
    return Promise.resolve({ ...head, body: new Uint8Array() });
  }
  const tooLarge = () => new MetadataDocumentFetchError(`the document is larger than ${fetchRequest.maxBytes} bytes`);
  const announced = Number(header(response, 'content-length'));
  if (Number.isFinite(announced) && announced > fetchRequest.maxBytes) {
    response.destroy();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    response.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > fetchRequest.maxBytes) {
        response.destroy();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve({ ...head, body: new Uint8Array(Buffer.concat(chunks)) }));
    response.on('error', reject);
    response.on('close', () => {
      if (!response.complete)
        reject(new MetadataDocumentFetchError('the connection closed before the document was complete'));
    });
  });
}

function header(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

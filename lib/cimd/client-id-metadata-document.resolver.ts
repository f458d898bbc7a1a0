import { InvalidClientError } from '../errors/index.js';
import { cacheLifetimeSeconds } from './cache-lifetime.js';
import { assertClientIdMetadataUrl, isClientIdMetadataUrl } from './client-id-url.js';
import type {
  ClientIdMetadataDocumentOptions,
  ResolvedClientIdMetadataDocumentOptions,
} from './client-id-metadata-document.options.js';
import type { MetadataDocumentClient } from './metadata-document-client.js';
import { MetadataDocumentFetchError, type MetadataDocumentFetchResponse } from './metadata-document-fetcher.js';
import { clientFromMetadataDocument } from './metadata-document-rules.js';
import { resolveClientIdMetadataDocumentOptions } from './resolve-options.js';
import { specialUseAddressReason } from './special-use-addresses.js';

interface CacheEntry {
  client: MetadataDocumentClient;
  /** ms since epoch. */
  expiresAt: number;
}

/**
 * Resolves a `client_id` that is an https URL to the client described by the
 * Client ID Metadata Document at that URL (draft-ietf-oauth-client-id-metadata-document,
 * MCP authorization 2025-11-25), with the SSRF defences of S41, the document rules
 * of S40 and the caching rules of S42.
 *
 * Every rejection is an {@link InvalidClientError} (401 `invalid_client`) whose
 * description names the rule; the endpoints show an error page and never redirect.
 * Concurrent resolutions of one URL share one fetch; successful documents are cached
 * per `Cache-Control` (clamped), failures never are.
 */
export class ClientIdMetadataDocumentResolver {
  private readonly options: ResolvedClientIdMetadataDocumentOptions;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<MetadataDocumentClient>>();

  constructor(options: ClientIdMetadataDocumentOptions = {}) {
    this.options = resolveClientIdMetadataDocumentOptions(options);
  }

  /** Whether the feature is switched on (`client_id_metadata_document_supported`). */
  get enabled(): boolean {
    return this.options.enabled;
  }

  /**
   * True when `clientId` is meant as a metadata document URL (starts with `https://`):
   * the endpoints then call {@link resolve} instead of looking the client up in the store.
   */
  isClientIdMetadataUrl(clientId: unknown): clientId is string {
    return isClientIdMetadataUrl(clientId);
  }

  /**
   * Fetches (or takes from the cache) and validates the document at `clientId`.
   * The returned object is a copy; changing it does not change the cache.
   * @throws InvalidClientError when the feature is off or any rule fails
   */
  async resolve(clientId: string): Promise<MetadataDocumentClient> {
    if (!this.options.enabled)
      throw new InvalidClientError('Client ID Metadata Documents are not supported by this server');
    const url = assertClientIdMetadataUrl(clientId, { allowPrivateNetworks: this.options.allowPrivateNetworks });
    if (this.options.allow && !(await this.options.allow(new URL(url.href)))) {
      throw new InvalidClientError('client_id metadata document URL refused: not allowed by the server policy');
    }
    const cached = this.cache.get(clientId);
    if (cached && cached.expiresAt > this.options.now()) return structuredClone(cached.client);
    if (cached) this.cache.delete(clientId);
    let pending = this.inFlight.get(clientId);
    if (!pending) {
      pending = this.fetchAndValidate(clientId, url);
      this.inFlight.set(clientId, pending);
      const forget = () => this.inFlight.delete(clientId);
      pending.then(forget, forget);
    }
    return structuredClone(await pending);
  }

  /** Drops every cached document (for tests and key rotation of a client). */
  clearCache(): void {
    this.cache.clear();
  }

  private async fetchAndValidate(clientId: string, url: URL): Promise<MetadataDocumentClient> {
    const response = await this.fetchWithTimeout(url);
    const client = clientFromMetadataDocument(this.parseBody(response), {
      clientId,
      host: url.host,
      supportedAuthMethods: this.options.supportedAuthMethods,
      fetchedAt: this.options.now(),
    });
    this.remember(clientId, client, response.cacheControl);
    return client;
  }

  private async fetchWithTimeout(url: URL): Promise<MetadataDocumentFetchResponse> {
    const { timeoutMs, maxBytes, allowPrivateNetworks } = this.options;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(
          new InvalidClientError(
            `client metadata document could not be fetched: no complete response within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
    });
    const assertAddressAllowed = (address: string) => {
      const reason = allowPrivateNetworks ? undefined : specialUseAddressReason(address);
      if (reason) throw new MetadataDocumentFetchError(`the host resolves to a refused address (${reason})`);
    };
    try {
      return await Promise.race([
        this.options.fetch({ url: new URL(url.href), signal: controller.signal, maxBytes, assertAddressAllowed }),
        timeout,
      ]);
    } catch (error) {
      throw fetchFailure(error);
    } finally {
      clearTimeout(timer);
    }
  }

  private parseBody(response: MetadataDocumentFetchResponse): unknown {
    const refuse = (rule: string): never => {
      throw new InvalidClientError(`client metadata document refused: ${rule}`);
    };
    if (response.status >= 300 && response.status < 400) refuse(`redirects are not followed (HTTP ${response.status})`);
    if (response.status !== 200) refuse(`HTTP status ${response.status}, expected 200`);
    const mediaType = (response.contentType ?? '').split(';')[0].trim().toLowerCase();
    if (mediaType !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(mediaType)) {
      refuse('Content-Type must be application/json');
    }
    if (response.body.byteLength > this.options.maxBytes)
      refuse(`the document is larger than ${this.options.maxBytes} bytes`);
    try {
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(response.body));
    } catch {
      return refuse('not valid UTF-8 JSON');
    }
  }

  private remember(clientId: string, client: MetadataDocumentClient, cacheControl: string | undefined): void {
    const seconds = cacheLifetimeSeconds(cacheControl, this.options);
    if (seconds <= 0 || this.options.maxCacheEntries === 0) return;
    const now = this.options.now();
    if (this.cache.size >= this.options.maxCacheEntries) {
      for (const [key, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(key);
    }
    while (this.cache.size >= this.options.maxCacheEntries) this.cache.delete(this.cache.keys().next().value!);
    this.cache.delete(clientId);
    this.cache.set(clientId, { client, expiresAt: now + seconds * 1000 });
  }
}

function fetchFailure(error: unknown): InvalidClientError {
  if (error instanceof InvalidClientError) return error;
  if (error instanceof MetadataDocumentFetchError) {
    return new InvalidClientError(`client metadata document could not be fetched: ${error.message}`);
  }
  return new InvalidClientError('client metadata document could not be fetched: connection or TLS failure');
}

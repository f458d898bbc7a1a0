import { InvalidClientError } from '../errors/index.js';
import { cacheLifetimeSeconds } from './cache-lifetime.js';
import { assertClientIdMetadataUrl, isClientIdMetadataUrl } from './client-id-url.js';
import type {
  ClientIdMetadataDocumentOptions,
  ResolvedClientIdMetadataDocumentOptions,
} from './client-id-metadata-document.options.js';
import type { MetadataDocumentClient } from './metadata-document-client.js';
import { fetchGuardedDocument, parseJsonDocument } from './guarded-document-fetch.js';
import type { MetadataDocumentFetchResponse } from './metadata-document-fetcher.js';
import { clientFromMetadataDocument } from './metadata-document-rules.js';
import { resolveClientIdMetadataDocumentOptions } from './resolve-options.js';

const DOCUMENT_LABEL = 'client metadata document';

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

  private fetchWithTimeout(url: URL): Promise<MetadataDocumentFetchResponse> {
    return fetchGuardedDocument(url, this.options.maxBytes, this.options, DOCUMENT_LABEL);
  }

  private parseBody(response: MetadataDocumentFetchResponse): unknown {
    return parseJsonDocument(response, this.options.maxBytes, DOCUMENT_LABEL);
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

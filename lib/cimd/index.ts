export type {
  ClientIdMetadataDocumentOptions,
  ResolvedClientIdMetadataDocumentOptions,
  MetadataDocumentAuthMethod,
} from './client-id-metadata-document.options.js';
export {
  MetadataDocumentFetchError,
  type MetadataDocumentFetcher,
  type MetadataDocumentFetchRequest,
  type MetadataDocumentFetchResponse,
} from './metadata-document-fetcher.js';
export {
  createHttpsMetadataFetcher,
  type HttpsMetadataFetcherOptions,
  type HostResolver,
} from './https-metadata-fetcher.js';
export {
  isMetadataDocumentClient,
  type MetadataDocumentClient,
  type MetadataDocumentSource,
} from './metadata-document-client.js';
export { isClientIdMetadataUrl, assertClientIdMetadataUrl } from './client-id-url.js';
export { specialUseAddressReason, isPublicUnicastAddress } from './special-use-addresses.js';
export { cacheLifetimeSeconds } from './cache-lifetime.js';
export { clientFromMetadataDocument } from './metadata-document-rules.js';
export { CIMD_DEFAULTS, resolveClientIdMetadataDocumentOptions } from './resolve-options.js';
export { ClientIdMetadataDocumentResolver } from './client-id-metadata-document.resolver.js';
export { RemoteJwksCache, assertJwksUrl, type RemoteJwksCacheSettings } from './remote-jwks-cache.js';
export { fetchGuardedDocument, parseJsonDocument, type GuardedFetchSettings } from './guarded-document-fetch.js';

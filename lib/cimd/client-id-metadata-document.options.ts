import type { MetadataDocumentFetcher } from './metadata-document-fetcher.js';

/**
 * Token endpoint authentication methods a metadata-document client may use:
 * `none`, or `private_key_jwt` (RFC 7523 §2.2) with `jwks` or `jwks_uri`
 * (MCP authorization 2026-07-28, Client ID Metadata Documents). Shared-secret
 * methods (`client_secret_*`) are never allowed (draft §4.1).
 */
export type MetadataDocumentAuthMethod = 'none' | 'private_key_jwt';

/**
 * OAuth Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document,
 * MCP authorization 2025-11-25 "Client ID Metadata Documents"): a client whose
 * `client_id` is an https URL is described by the JSON document at that URL.
 */
export interface ClientIdMetadataDocumentOptions {
  /** Opt in. Advertised as `client_id_metadata_document_supported: true`. @default false */
  enabled?: boolean;
  /**
   * Policy hook, called with the parsed client_id URL after the URL rules passed
   * and before anything is fetched. Return `false` to refuse (per URL or per domain).
   * @default every URL that passes the rules is allowed
   */
  allow?: (url: URL) => boolean | Promise<boolean>;
  /** Bound on the whole fetch: name resolution, connect, TLS, headers and body (S41). @default 5000 */
  timeoutMs?: number;
  /** Largest document accepted, in bytes (S40, draft §6.6). @default 5120 */
  maxBytes?: number;
  /** Lower clamp of the cache lifetime taken from `Cache-Control: max-age` (S42). @default 60 */
  minCacheSeconds?: number;
  /** Upper clamp of the cache lifetime (S42). @default 86400 */
  maxCacheSeconds?: number;
  /** Cache lifetime when the response has no `Cache-Control` max-age; clamped too. @default 300 */
  defaultCacheSeconds?: number;
  /** Most documents kept in the cache; the oldest entry is dropped first. @default 1000 */
  maxCacheEntries?: number;
  /**
   * Replaces the HTTPS fetcher (tests, proxies). It receives the URL, an abort
   * signal, the byte limit and the address check it must apply to every address
   * it connects to. @default {@link createHttpsMetadataFetcher}()
   */
  fetch?: MetadataDocumentFetcher;
  /**
   * Allow loopback, private and other special-use hosts and addresses, IP-literal
   * hosts and `localhost`. For tests and local development only. @default false
   */
  allowPrivateNetworks?: boolean;
  /**
   * Token endpoint authentication methods a document may use.
   * @default ['none', 'private_key_jwt'] (only `none` when the module's `privateKeyJwt` is off)
   */
  supportedAuthMethods?: readonly MetadataDocumentAuthMethod[];
  /** Clock in milliseconds since epoch (tests). @default Date.now */
  now?: () => number;
}

/** {@link ClientIdMetadataDocumentOptions} with every default applied. */
export interface ResolvedClientIdMetadataDocumentOptions extends Required<
  Omit<ClientIdMetadataDocumentOptions, 'allow'>
> {
  allow?: ClientIdMetadataDocumentOptions['allow'];
}

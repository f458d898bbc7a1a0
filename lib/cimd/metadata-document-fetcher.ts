/** What the resolver asks a {@link MetadataDocumentFetcher} to fetch. */
export interface MetadataDocumentFetchRequest {
  /** The validated client_id URL. */
  url: URL;
  /** Aborted when the overall timeout elapses; the fetcher must stop and free its socket. */
  signal: AbortSignal;
  /** Stop reading and throw {@link MetadataDocumentFetchError} past this many body bytes. */
  maxBytes: number;
  /**
   * Throws {@link MetadataDocumentFetchError} when the IP address must not be
   * connected to. Call it for EVERY address the host name resolved to, and connect
   * only to an address that passed (the check and the connection use the same
   * address, which defeats DNS rebinding).
   */
  assertAddressAllowed(address: string): void;
}

/** The parts of the HTTP response the resolver judges. */
export interface MetadataDocumentFetchResponse {
  status: number;
  /** `Content-Type` header value. */
  contentType?: string;
  /** `Cache-Control` header value. */
  cacheControl?: string;
  /** The body; empty when the status is not 200. */
  body: Uint8Array;
}

/** Fetches a Client ID Metadata Document (injectable, see `ClientIdMetadataDocumentOptions.fetch`). */
export type MetadataDocumentFetcher = (request: MetadataDocumentFetchRequest) => Promise<MetadataDocumentFetchResponse>;

/**
 * A fetch failure whose message is safe to show to the client (no internal
 * detail): becomes the `error_description` of an `invalid_client` error.
 */
export class MetadataDocumentFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetadataDocumentFetchError';
  }
}

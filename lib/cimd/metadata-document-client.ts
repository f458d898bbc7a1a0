import type { OAuthClientInformation } from '../interfaces/oauth-models.js';

/** Where a client's metadata came from, when it came from a Client ID Metadata Document. */
export interface MetadataDocumentSource {
  /** The document URL (identical to `clientId`). */
  url: string;
  /** The URL's host: show it prominently on the consent page (MCP 2025-11-25, CIMD security). */
  host: string;
  /** When the document was fetched, ms since epoch. */
  fetchedAt: number;
}

/**
 * A client described by a Client ID Metadata Document: never a secret; either a
 * public client (`none`) or one authenticating with `private_key_jwt` against the
 * document's `jwks` or `jwks_uri`. Consent must always be shown for it, with
 * `metadataDocument.host` prominent: the document is self-asserted.
 */
export interface MetadataDocumentClient extends OAuthClientInformation {
  tokenEndpointAuthMethod: 'none' | 'private_key_jwt';
  metadataDocument: MetadataDocumentSource;
}

/** Type guard: the client was resolved from a Client ID Metadata Document. */
export function isMetadataDocumentClient(
  client: OAuthClientInformation | undefined | null,
): client is MetadataDocumentClient {
  const source = (client as Partial<MetadataDocumentClient> | undefined | null)?.metadataDocument;
  return typeof source === 'object' && source !== null && typeof source.url === 'string';
}

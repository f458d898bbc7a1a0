import { InvalidClientError } from '../errors/index.js';
import {
  MetadataDocumentFetchError,
  type MetadataDocumentFetcher,
  type MetadataDocumentFetchResponse,
} from './metadata-document-fetcher.js';
import { specialUseAddressReason } from './special-use-addresses.js';

/** How documents that clients point at (metadata documents, `jwks_uri`) are fetched. */
export interface GuardedFetchSettings {
  /** The SSRF-guarded fetcher (S41). */
  fetch: MetadataDocumentFetcher;
  /** Bound on the whole fetch, in ms. */
  timeoutMs: number;
  /** Skip the special-use address check (tests and local development only). */
  allowPrivateNetworks: boolean;
}

/**
 * Fetches a client-supplied URL through the SSRF-guarded fetcher: every resolved
 * address is checked against the special-use ranges (S41), the whole fetch is
 * bounded by `timeoutMs` and aborted after it, and the body by `maxBytes`.
 * `label` names the document in error descriptions (e.g. `client metadata document`).
 *
 * @throws InvalidClientError with a description safe to show to the client
 */
export async function fetchGuardedDocument(
  url: URL,
  maxBytes: number,
  settings: GuardedFetchSettings,
  label: string,
): Promise<MetadataDocumentFetchResponse> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new InvalidClientError(`${label} could not be fetched: no complete response within ${settings.timeoutMs} ms`),
      );
    }, settings.timeoutMs);
  });
  const assertAddressAllowed = (address: string) => {
    const reason = settings.allowPrivateNetworks ? undefined : specialUseAddressReason(address);
    if (reason) throw new MetadataDocumentFetchError(`the host resolves to a refused address (${reason})`);
  };
  try {
    return await Promise.race([
      settings.fetch({ url: new URL(url.href), signal: controller.signal, maxBytes, assertAddressAllowed }),
      timeout,
    ]);
  } catch (error) {
    throw fetchFailure(error, label);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Judges a fetched response: status 200 (redirects are not followed), a JSON
 * media type, at most `maxBytes`, UTF-8 JSON.
 *
 * @throws InvalidClientError `<label> refused: <rule>`
 */
export function parseJsonDocument(response: MetadataDocumentFetchResponse, maxBytes: number, label: string): unknown {
  const refuse = (rule: string): never => {
    throw new InvalidClientError(`${label} refused: ${rule}`);
  };
  if (response.status >= 300 && response.status < 400) refuse(`redirects are not followed (HTTP ${response.status})`);
  if (response.status !== 200) refuse(`HTTP status ${response.status}, expected 200`);
  const mediaType = (response.contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(mediaType)) {
    refuse('Content-Type must be application/json');
  }
  if (response.body.byteLength > maxBytes) refuse(`the document is larger than ${maxBytes} bytes`);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(response.body));
  } catch {
    return refuse('not valid UTF-8 JSON');
  }
}

function fetchFailure(error: unknown, label: string): InvalidClientError {
  if (error instanceof InvalidClientError) return error;
  if (error instanceof MetadataDocumentFetchError) {
    return new InvalidClientError(`${label} could not be fetched: ${error.message}`);
  }
  return new InvalidClientError(`${label} could not be fetched: connection or TLS failure`);
}

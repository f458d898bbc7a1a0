import { InvalidClientError } from '../errors/index.js';
import { parseIpAddress } from './ip-address.js';
import { specialUseAddressReason } from './special-use-addresses.js';

/** Longest client_id URL accepted. */
export const MAX_CLIENT_ID_URL_LENGTH = 2048;

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * True when `clientId` is meant as a Client ID Metadata Document URL: it starts
 * with `https://` (any case). Purely syntactic; {@link assertClientIdMetadataUrl}
 * then applies the rules, so a malformed URL is refused with a reason instead
 * of being looked up as a registered client.
 */
export function isClientIdMetadataUrl(clientId: unknown): clientId is string {
  return typeof clientId === 'string' && /^https:\/\//i.test(clientId);
}

/**
 * Applies the client identifier URL rules (draft-ietf-oauth-client-id-metadata-document §3,
 * S41) to the RAW string before anything is resolved or fetched, and returns the parsed URL.
 *
 * - `https://` scheme, printable ASCII only (no whitespace, no backslash), well-formed
 *   percent-encoding, at most 2048 characters;
 * - no userinfo (not even an empty `https://@host`), no fragment (not even an empty `#`);
 * - a path other than `/`, without `.` or `..` segments (percent-encoded too);
 * - already in normalised form: the WHATWG-parsed URL serialises to the same string
 *   (the AS never normalises a client_id, draft §3), which also refuses `:443`,
 *   upper-case hosts and IPv4 shorthand such as `0x7f.1` or `2130706433`;
 * - a host that is a domain name: IP literals are refused, and so are `localhost`,
 *   `*.localhost` and single-label names (unless `allowPrivateNetworks`).
 *
 * @throws InvalidClientError naming the rule that failed
 */
export function assertClientIdMetadataUrl(clientId: string, options: { allowPrivateNetworks?: boolean } = {}): URL {
  const refuse = (rule: string): never => {
    throw new InvalidClientError(`client_id metadata document URL refused: ${rule}`);
  };
  if (typeof clientId !== 'string' || !clientId.startsWith('https://')) refuse('the scheme must be https (lower case)');
  if (clientId.length > MAX_CLIENT_ID_URL_LENGTH) refuse(`longer than ${MAX_CLIENT_ID_URL_LENGTH} characters`);
  if (!PRINTABLE_ASCII.test(clientId)) refuse('only printable ASCII characters are allowed');
  if (clientId.includes('\\')) refuse('backslashes are not allowed');
  if (clientId.includes('#')) refuse('a fragment is not allowed');
  if (/%(?![0-9a-f]{2})/i.test(clientId)) refuse('malformed percent-encoding');
  const afterScheme = clientId.slice('https://'.length);
  const authorityEnd = afterScheme.search(/[/?]/);
  const authority = authorityEnd === -1 ? afterScheme : afterScheme.slice(0, authorityEnd);
  if (authority.includes('@')) refuse('userinfo is not allowed');
  const pathAndQuery = authorityEnd === -1 ? '' : afterScheme.slice(authorityEnd);
  const path = pathAndQuery.split('?')[0];
  if (path === '' || path === '/') refuse('a path component is required');
  if (path.split('/').some((segment) => DOT_SEGMENT.test(segment))) refuse('dot segments are not allowed in the path');
  if (!URL.canParse(clientId)) refuse('not a valid URL');
  const url = new URL(clientId);
  assertHostAllowed(url.hostname, options.allowPrivateNetworks ?? false, refuse);
  if (url.href !== clientId) refuse('not in normalised form (the authorization server does not normalise client_id)');
  return url;
}

/**
 * Refuses IP-literal hosts, `localhost`, `*.localhost` and single-label names (S41)
 * unless `allowPrivateNetworks`; shared with the `jwks_uri` rules.
 */
export function assertHostAllowed(
  hostname: string,
  allowPrivateNetworks: boolean,
  refuse: (rule: string) => never,
): void {
  if (allowPrivateNetworks) return;
  const ip = parseIpAddress(hostname);
  if (ip) {
    const reason = specialUseAddressReason(hostname);
    refuse(reason ? `the host is an IP address in a special-use range: ${reason}` : 'the host is an IP address');
  }
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) refuse('the host is a loopback name (RFC 6761)');
  if (!name.includes('.')) refuse('the host must be a fully qualified domain name');
}

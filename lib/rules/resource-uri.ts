/**
 * The one comparison rule for resource URIs (RFC 8707 §2, RFC 9728 §3.3, S60),
 * used by the authorization and token endpoints, the guard's audience check and
 * the protected-resource metadata alike: two URIs name the same resource exactly
 * when their canonical forms are equal.
 */

const PERCENT_ENCODED = /%([0-9A-Fa-f]{2})/g;
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * Canonical form of a resource URI (RFC 3986 §6.2.2 syntax-based normalization,
 * via the WHATWG URL parser): scheme and host in lowercase, the scheme's default
 * port dropped, dot segments removed, an empty path as `/`, percent-encodings in
 * uppercase and unreserved characters decoded (`%7e` → `~`). The path's case, a
 * trailing slash and the query stay significant. `undefined` for anything that is
 * not an absolute URI with a host, or that carries a fragment (RFC 8707 §2).
 */
export function canonicalResourceUri(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.includes('#') || !URL.canParse(value)) return undefined;
  const url = new URL(value);
  if (!url.protocol || !url.host) return undefined;
  url.pathname = normalizePercentEncoding(url.pathname);
  if (url.search) url.search = normalizePercentEncoding(url.search);
  return url.href;
}

/** True when `a` and `b` are both resource URIs with the same canonical form. */
export function sameResource(a: unknown, b: unknown): boolean {
  const left = canonicalResourceUri(a);
  return left !== undefined && left === canonicalResourceUri(b);
}

function normalizePercentEncoding(value: string): string {
  return value.replace(PERCENT_ENCODED, (_match, hex: string) => {
    const character = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(character) ? character : `%${hex.toUpperCase()}`;
  });
}

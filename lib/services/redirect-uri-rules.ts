import { isLoopbackHost, parseAbsoluteUrl } from './url-rules.js';

/** Schemes never accepted as redirect URIs (S39). */
const FORBIDDEN_SCHEMES = new Set([
  'javascript:',
  'data:',
  'file:',
  'vbscript:',
  'about:',
  'blob:',
  'filesystem:',
  'ftp:',
  'ws:',
  'wss:',
]);

/** Hosts RFC 8252 §7.3 treats as loopback for the any-port rule (S19). */
function isLoopbackRedirect(url: URL): boolean {
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

/**
 * True when `requested` matches `registered` (RFC 6749 §3.1.2.3, OAuth 2.1
 * §2.3.1): exact string comparison, except that for `http` loopback URIs
 * (127.0.0.1, [::1], localhost) any port is accepted while path and query must
 * still match exactly (RFC 8252 §7.3, S19).
 */
export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  const reg = parseAbsoluteUrl(registered);
  const req = parseAbsoluteUrl(requested);
  if (!reg || !req || !isLoopbackRedirect(reg) || !isLoopbackRedirect(req)) return false;
  if (requested.includes('#') || req.username || req.password) return false;
  return (
    reg.hostname.toLowerCase() === req.hostname.toLowerCase() &&
    withoutAuthority(registered) === withoutAuthority(requested)
  );
}

/**
 * Resolves the redirect URI of an authorization request: the requested one
 * when it matches a registered one (S17, S19), or the only registered one when
 * none was requested (S21). `undefined` means the request must not redirect.
 */
export function resolveRedirectUri(registered: readonly string[], requested: string | undefined): string | undefined {
  if (requested === undefined) return registered.length === 1 ? registered[0] : undefined;
  return registered.some((uri) => redirectUriMatches(uri, requested)) ? requested : undefined;
}

/**
 * Checks a redirect URI offered at registration (RFC 7591 §2, RFC 8252 §7,
 * S39): absolute, no fragment, no wildcard, no userinfo; https, or http on a
 * loopback host; a private-use scheme (`com.example.app:/cb`) only for native
 * clients. Returns the reason it is refused, or `undefined` when accepted.
 */
export function redirectUriRegistrationProblem(uri: unknown, applicationType: 'web' | 'native'): string | undefined {
  if (typeof uri !== 'string' || !uri) return 'each redirect URI must be a non-empty string';
  const url = parseAbsoluteUrl(uri);
  if (!url) return 'redirect URIs must be absolute URIs';
  if (uri.includes('#')) return 'redirect URIs must not contain a fragment';
  if (uri.includes('*')) return 'redirect URIs must not contain wildcards';
  if (url.username || url.password || /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(uri)) {
    return 'redirect URIs must not contain user information';
  }
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return `the ${url.protocol} scheme is not allowed`;
  if (url.protocol === 'https:') return url.hostname ? undefined : 'https redirect URIs need a host';
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname) ? undefined : 'http redirect URIs are allowed only on loopback hosts';
  }
  if (applicationType !== 'native') return 'private-use URI schemes are allowed only for native clients';
  return undefined;
}

function withoutAuthority(uri: string): string {
  const rest = uri.slice(uri.indexOf(':') + 1);
  if (!rest.startsWith('//')) return rest;
  const end = rest.slice(2).search(/[/?#]/);
  return end === -1 ? '' : rest.slice(end + 2);
}

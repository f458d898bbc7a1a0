import { isLoopbackHost, parseAbsoluteUrl } from './url-rules.js';

/**
 * Schemes never accepted as redirect URIs (S39, S53): script and data
 * carriers, browser-internal pages, operating-system protocol handlers
 * (RFC 9700 §4.11, RFC 8252 §8.2), and non-HTTP network schemes.
 */
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
  'view-source:',
  'chrome:',
  'chrome-extension:',
  'chrome-search:',
  'edge:',
  'brave:',
  'opera:',
  'moz-extension:',
  'resource:',
  'jar:',
  'intent:',
  'search:',
  'search-ms:',
  'shell:',
  'mailto:',
  'tel:',
  'sms:',
]);

/** Windows protocol handlers (`ms-msdt:`, `ms-settings:`, `ms-officecmd:` …) are refused as a family (S53). */
const FORBIDDEN_SCHEME_PREFIXES = ['ms-'];

/** A reverse-domain private-use scheme such as `com.example.app` (RFC 8252 §7.1, S53). */
const REVERSE_DOMAIN_SCHEME = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/;

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** Hosts RFC 8252 §7.3 treats as loopback for the any-port rule (S19). */
function isLoopbackRedirect(url: URL): boolean {
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

/**
 * Why the text of a URI and its WHATWG parse disagree (S54), or `undefined`
 * when they agree: a browser follows the parse, so a URI is only compared or
 * redirected to when its text already says what the parse says. Refused:
 * characters outside printable ASCII (tabs and newlines are silently dropped
 * by the parser), backslashes (read as `/` in http(s)), percent-encoded
 * characters in the authority (`%2F`, `%5C`, `%40`), and anything else the
 * parser would rewrite (dot segments, numeric IPv4 forms). Letter case of
 * scheme and http(s) host, an explicit default port and an empty http(s) path
 * are normalisations that keep the meaning and are allowed.
 */
export function redirectUriTextProblem(uri: string): string | undefined {
  if (/[^\x21-\x7e]/.test(uri)) return 'redirect URIs must not contain spaces, control or non-ASCII characters';
  if (uri.includes('\\')) return 'redirect URIs must not contain backslashes';
  const url = parseAbsoluteUrl(uri);
  if (!url) return 'redirect URIs must be absolute URIs';
  const colon = uri.indexOf(':');
  const scheme = uri.slice(0, colon + 1).toLowerCase();
  let rest = uri.slice(colon + 1);
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    const authority = end === -1 ? rest.slice(2) : rest.slice(2, end + 2);
    if (authority.includes('%')) return 'redirect URIs must not contain percent-encoded characters in the host';
    const special = scheme in DEFAULT_PORTS;
    let host = special ? authority.toLowerCase() : authority;
    if (special && host.endsWith(`:${DEFAULT_PORTS[scheme]}`)) host = host.slice(0, host.lastIndexOf(':'));
    let path = end === -1 ? '' : rest.slice(end + 2);
    if (special && (path === '' || path.startsWith('?') || path.startsWith('#'))) path = `/${path}`;
    rest = `//${host}${path}`;
  }
  return `${scheme}${rest}` === url.href ? undefined : 'the redirect URI is not in its normal form';
}

/**
 * True when `requested` matches `registered` (RFC 6749 §3.1.2.3, OAuth 2.1
 * §2.3.1): exact string comparison, except that for `http` loopback URIs
 * (127.0.0.1, [::1], localhost) any port is accepted while path and query must
 * still match exactly (RFC 8252 §7.3, S19). A requested URI whose text and
 * parse disagree never matches (S54), and the any-port rule compares the
 * parsed path and query too, so it can never change where the browser goes.
 */
export function redirectUriMatches(registered: string, requested: string): boolean {
  if (redirectUriTextProblem(requested) !== undefined) return false;
  if (registered === requested) return true;
  const reg = parseAbsoluteUrl(registered);
  const req = parseAbsoluteUrl(requested);
  if (!reg || !req || !isLoopbackRedirect(reg) || !isLoopbackRedirect(req)) return false;
  if (requested.includes('#') || req.username || req.password) return false;
  return (
    reg.hostname.toLowerCase() === req.hostname.toLowerCase() &&
    reg.pathname === req.pathname &&
    reg.search === req.search &&
    withoutAuthority(registered) === withoutAuthority(requested)
  );
}

/**
 * Resolves the redirect URI of an authorization request: the requested one
 * when it matches a registered one (S17, S19, S54), or the only registered one
 * when none was requested (S21). `undefined` means the request must not redirect.
 */
export function resolveRedirectUri(registered: readonly string[], requested: string | undefined): string | undefined {
  if (requested === undefined) return registered.length === 1 ? registered[0] : undefined;
  return registered.some((uri) => redirectUriMatches(uri, requested)) ? requested : undefined;
}

/**
 * The one rule for redirect URIs a client declares, at registration (RFC 7591
 * §2) and in Client ID Metadata Documents alike (S39, S53, S54): absolute, in
 * normal form (text = parse), no fragment, no wildcard, no userinfo; https,
 * or http on a loopback host; for native clients also a private-use scheme
 * that is a reverse domain name (`com.example.app:/cb`, RFC 8252 §7.1).
 * Script, browser-internal and operating-system handler schemes are refused.
 * Returns the reason it is refused, or `undefined` when accepted.
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
  const scheme = url.protocol;
  if (FORBIDDEN_SCHEMES.has(scheme) || FORBIDDEN_SCHEME_PREFIXES.some((prefix) => scheme.startsWith(prefix))) {
    return `the ${scheme} scheme is not allowed`;
  }
  const textProblem = redirectUriTextProblem(uri);
  if (textProblem) return textProblem;
  if (scheme === 'https:') return url.hostname ? undefined : 'https redirect URIs need a host';
  if (scheme === 'http:') {
    return isLoopbackHost(url.hostname) ? undefined : 'http redirect URIs are allowed only on loopback hosts';
  }
  if (applicationType !== 'native') return 'private-use URI schemes are allowed only for native clients';
  if (!REVERSE_DOMAIN_SCHEME.test(scheme.slice(0, -1))) {
    return 'private-use URI schemes must be reverse domain names such as com.example.app (RFC 8252 §7.1)';
  }
  return undefined;
}

function withoutAuthority(uri: string): string {
  const rest = uri.slice(uri.indexOf(':') + 1);
  if (!rest.startsWith('//')) return rest;
  const end = rest.slice(2).search(/[/?#]/);
  return end === -1 ? '' : rest.slice(end + 2);
}

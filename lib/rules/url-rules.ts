/** URL predicates shared by option validation, redirect-URI rules and resource indicators. */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for `localhost`, `127.0.0.0/8` and `[::1]` (RFC 8252 §7.3, RFC 6761). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Parses an absolute URL; `undefined` when it is not one. */
export function parseAbsoluteUrl(value: string): URL | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) return undefined;
  return new URL(value);
}

/** Removes one trailing slash from a path, keeping `/` as the empty path (for path insertion, RFC 8414 §3.1). */
export function pathWithoutTrailingSlash(pathname: string): string {
  return pathname === '/' ? '' : pathname.replace(/\/$/, '');
}

import type { Request } from 'express';
import { readCookie, serializeCookie } from '../interaction/session-cookie.js';

/** Name of the cookie that binds an upstream sign-in to the browser that started it. */
export const UPSTREAM_BROWSER_COOKIE = 'mcp_auth_upstream';

const VALUE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The browser-binding value of this request, when it carries a well-formed one. */
export function readBrowserBinding(req: Request): string | undefined {
  const value = readCookie(req, UPSTREAM_BROWSER_COOKIE);
  return value && VALUE_PATTERN.test(value) ? value : undefined;
}

/**
 * `Set-Cookie` of the browser binding: HttpOnly, `SameSite=Lax` (sent on the
 * top-level GET back from the upstream), Secure on https, scoped to the issuer path.
 */
export function serializeBrowserBinding(
  value: string,
  options: { path: string; secure: boolean; maxAgeSeconds: number },
): string {
  return serializeCookie(UPSTREAM_BROWSER_COOKIE, value, options);
}

import type { Request } from 'express';

/** Name of the built-in login's session cookie. */
export const SESSION_COOKIE_NAME = 'mcp_auth_session';

/** Attributes of the session cookie. */
export interface SessionCookieAttributes {
  path: string;
  secure: boolean;
  maxAgeSeconds: number;
}

/** Reads one cookie from the `Cookie` header (RFC 6265 §5.4) without a cookie-parser dependency. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

/** `Set-Cookie` value of a session: HttpOnly, SameSite=Lax, Secure on https, scoped to the issuer path. */
export function serializeSessionCookie(value: string, attributes: SessionCookieAttributes): string {
  return serializeCookie(SESSION_COOKIE_NAME, value, attributes);
}

/** `Set-Cookie` value of one of the library's cookies: HttpOnly, SameSite=Lax, Secure on https, a path and a lifetime. */
export function serializeCookie(name: string, value: string, attributes: SessionCookieAttributes): string {
  const parts = [
    `${name}=${value}`,
    `Path=${attributes.path}`,
    `Max-Age=${Math.floor(attributes.maxAgeSeconds)}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (attributes.secure) parts.push('Secure');
  return parts.join('; ');
}

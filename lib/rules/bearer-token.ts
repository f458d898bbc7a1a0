/**
 * Bearer credential parsing (RFC 6750 §2.1, RFC 7235 §2.1).
 *
 * `credentials = "Bearer" 1*SP b64token`, the scheme matched case-insensitively,
 * `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
 */

/** Outcome of parsing an `Authorization` header value. */
export type BearerHeaderParseResult = { kind: 'absent' } | { kind: 'malformed' } | { kind: 'token'; token: string };

const BEARER_CREDENTIALS = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Parses the `Authorization` header. `absent` when there is none; `malformed`
 * when it is present but is not a single syntactically valid Bearer credential
 * (other scheme, missing scheme, empty or invalid token, several values).
 */
export function parseBearerAuthorizationHeader(value: string | string[] | undefined): BearerHeaderParseResult {
  if (value === undefined) return { kind: 'absent' };
  if (Array.isArray(value))
    return value.length === 1 ? parseBearerAuthorizationHeader(value[0]) : { kind: 'malformed' };
  const match = BEARER_CREDENTIALS.exec(value.trim());
  return match ? { kind: 'token', token: match[1]! } : { kind: 'malformed' };
}

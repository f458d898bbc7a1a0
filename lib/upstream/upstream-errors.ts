/** How an upstream failure is reported to the MCP client (RFC 6749 §4.1.2.1). */
export type UpstreamFailure = 'access_denied' | 'temporarily_unavailable';

const UNAVAILABLE_CODES = new Set([
  'OAUTH_TIMEOUT',
  'OAUTH_ABORT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);
const UNAVAILABLE_NAMES = new Set(['TimeoutError', 'AbortError']);

/**
 * Classifies an error of a call to an upstream: unreachable, slow, or
 * answering 5xx / `temporarily_unavailable` → `temporarily_unavailable`;
 * anything else (refused code, bad ID token, wrong nonce) → `access_denied`.
 */
export function classifyUpstreamError(error: unknown): UpstreamFailure {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const candidate = current as {
      name?: unknown;
      code?: unknown;
      status?: unknown;
      error?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof candidate.code === 'string' && UNAVAILABLE_CODES.has(candidate.code)) return 'temporarily_unavailable';
    if (typeof candidate.name === 'string' && UNAVAILABLE_NAMES.has(candidate.name)) return 'temporarily_unavailable';
    if (typeof candidate.status === 'number' && candidate.status >= 500) return 'temporarily_unavailable';
    if (candidate.error === 'temporarily_unavailable' || candidate.error === 'server_error')
      return 'temporarily_unavailable';
    if (candidate.name === 'TypeError' && candidate.message === 'fetch failed') return 'temporarily_unavailable';
    current = candidate.cause;
  }
  return 'access_denied';
}

/** A loggable description of an upstream error: its class and code only, never its message (S46). */
export function describeUpstreamError(error: unknown): string {
  if (!error || typeof error !== 'object') return typeof error;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return [typeof name === 'string' ? name : 'Error', typeof code === 'string' ? code : undefined]
    .filter(Boolean)
    .join(' ');
}

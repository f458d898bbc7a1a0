import { HttpException, Logger } from '@nestjs/common';
import { StorageUnavailableError } from './storage-errors.js';
import { TooManyRequestsError } from './http-status-errors.js';
import {
  InvalidClientError,
  OAuthError,
  ServerError,
  TemporarilyUnavailableError,
  UseDpopNonceError,
} from './oauth-error.js';
import { renderBasicChallenge } from './www-authenticate.js';

const logger = new Logger('McpAuth');

/**
 * Failures of the body parsers the HTTP platform runs before routing, and what
 * each becomes: Express body-parser `type`s, Fastify content-type-parser `code`s.
 */
const BODY_PARSER_FAILURES: Readonly<Record<string, readonly [status: number, description: string]>> = {
  'entity.too.large': [413, 'The request body is too large'],
  'parameters.too.many': [413, 'The request body has too many parameters'],
  'querystring.parse.rangeError': [400, 'The request body is nested too deeply'],
  'entity.parse.failed': [400, 'The request body is malformed'],
  'entity.verify.failed': [400, 'The request body is malformed'],
  'request.size.invalid': [400, 'The request body does not match its Content-Length'],
  'request.aborted': [400, 'The request body was not received completely'],
  'encoding.unsupported': [415, 'The request body content encoding is not supported'],
  'charset.unsupported': [415, 'The request body charset is not supported'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'The request body is too large'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'The request body is malformed'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'The request body is malformed'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'The request body does not match its Content-Length'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'The request body media type is not supported'],
};

/**
 * The one mapping from any failure to an OAuth error (RFC 6749 §5.2) with its
 * status, used by every endpoint, the body-parser handler and the guard:
 * - an `OAuthError` as it is;
 * - a store that cannot serve ({@link StorageUnavailableError}) → 503
 *   `temporarily_unavailable` with `Retry-After` (S49);
 * - a body-parser failure → `invalid_request` with 400/413/415 (S38, S50);
 * - an `HttpException` carrying an `OAuthError` as its `cause` (the guard's) → that error;
 * - another client-side `HttpException` → `invalid_request` with its status;
 * - anything else → 500 `server_error`, logged by class and frames only (S46).
 */
export function toOAuthError(failure: unknown): OAuthError {
  if (failure instanceof OAuthError) return failure;
  if (failure instanceof StorageUnavailableError) {
    return new TemporarilyUnavailableError(
      'The authorization store is temporarily unavailable',
      failure.retryAfterSeconds,
    );
  }
  const parserFailure = bodyParserFailure(failure);
  if (parserFailure) return parserFailure;
  if (failure instanceof HttpException && failure.cause instanceof OAuthError) return failure.cause;
  if (failure instanceof HttpException && failure.getStatus() >= 400 && failure.getStatus() < 500) {
    return new OAuthError('invalid_request', undefined, failure.getStatus());
  }
  logUnexpected(failure);
  return new ServerError();
}

/**
 * The same policy for a request the guard could not verify: client errors
 * (invalid token, scope, request) and 503 as they are, a store outage as 503,
 * and anything else (a verifier that crashed, another 5xx) fails closed as 503
 * `temporarily_unavailable` rather than 500, logged by class only (S46, S49).
 */
export function toVerificationError(failure: unknown): OAuthError {
  if (failure instanceof OAuthError && (failure.getStatus() < 500 || failure.getStatus() === 503)) return failure;
  if (failure instanceof StorageUnavailableError) return toOAuthError(failure);
  logger.error(`Unexpected failure while authenticating (${failureName(failure)}); answering 503`);
  return new TemporarilyUnavailableError('The token could not be verified right now');
}

/**
 * The OAuth error for a failure of the platform's body parsers, or `undefined`
 * for any other failure. The parser's own message is never used: it may quote
 * the body (S46).
 */
export function bodyParserFailure(failure: unknown): OAuthError | undefined {
  const { type, code } = (failure ?? {}) as { type?: unknown; code?: unknown };
  const key = typeof type === 'string' ? type : code;
  const known =
    typeof key === 'string' && Object.hasOwn(BODY_PARSER_FAILURES, key) ? BODY_PARSER_FAILURES[key] : undefined;
  return known ? new OAuthError('invalid_request', known[1], known[0]) : undefined;
}

/** Logs an unexpected failure by class and stack frames only: its message may hold a secret (S46). */
export function logUnexpected(failure: unknown): void {
  const name = failureName(failure);
  const frames = failure instanceof Error ? (failure.stack ?? '').split('\n').slice(1).join('\n') : '';
  logger.error(`Unexpected ${name} in an OAuth endpoint`, frames);
}

/**
 * The response headers that go with an OAuth error, the one place that writes
 * `Retry-After` (RFC 9110 §10.2.3: 429 and 503) and the Basic challenge of a
 * failed HTTP Basic client authentication (RFC 6749 §5.2, RFC 7235), and the
 * `DPoP-Nonce` of a `use_dpop_nonce` error (RFC 9449 §8).
 */
export function oauthErrorHeaders(error: OAuthError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (error instanceof InvalidClientError && error.usedBasicAuth) headers['WWW-Authenticate'] = renderBasicChallenge();
  if (error instanceof UseDpopNonceError) headers['DPoP-Nonce'] = error.nonce;
  const retryAfter = retryAfterSeconds(error);
  if (retryAfter !== undefined) headers['Retry-After'] = String(Math.ceil(retryAfter));
  return headers;
}

/** Seconds a client should wait before retrying, for 429 and 503 errors; `undefined` otherwise. */
export function retryAfterSeconds(error: OAuthError): number | undefined {
  if (error instanceof TooManyRequestsError || error instanceof TemporarilyUnavailableError) {
    return error.retryAfterSeconds;
  }
  return undefined;
}

function failureName(failure: unknown): string {
  return failure instanceof Error ? failure.name : typeof failure;
}

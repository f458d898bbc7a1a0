import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { applyNoStore } from '../http/no-store.js';
import { TooManyRequestsError } from './http-status-errors.js';
import { InvalidClientError, OAuthError, ServerError, TemporarilyUnavailableError } from './oauth-error.js';
import { renderBasicChallenge } from './www-authenticate.js';

const logger = new Logger('McpAuth');

/**
 * Turns any exception into an OAuth error: an `OAuthError` as is, another
 * client-side `HttpException` as `invalid_request` with its status, anything
 * else as `server_error` (its message is never shown, S46).
 */
export function toOAuthError(exception: unknown): OAuthError {
  if (exception instanceof OAuthError) return exception;
  if (exception instanceof HttpException && exception.getStatus() >= 400 && exception.getStatus() < 500) {
    return new OAuthError('invalid_request', undefined, exception.getStatus());
  }
  logUnexpected(exception);
  return new ServerError();
}

/** Logs an unexpected exception by class and stack frames only: its message may hold a secret (S46). */
export function logUnexpected(exception: unknown): void {
  const name = exception instanceof Error ? exception.name : typeof exception;
  const frames = exception instanceof Error ? (exception.stack ?? '').split('\n').slice(1).join('\n') : '';
  logger.error(`Unexpected ${name} in an OAuth endpoint`, frames);
}

/** Response headers that go with an OAuth error (RFC 6749 §5.2, RFC 7235, RFC 9110 §10.2.3). */
export function oauthErrorHeaders(error: OAuthError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (error instanceof InvalidClientError && error.usedBasicAuth) headers['WWW-Authenticate'] = renderBasicChallenge();
  const retryAfter =
    error instanceof TooManyRequestsError || error instanceof TemporarilyUnavailableError
      ? error.retryAfterSeconds
      : undefined;
  if (retryAfter !== undefined) headers['Retry-After'] = String(Math.ceil(retryAfter));
  return headers;
}

/**
 * The one exception filter of the JSON authorization-server endpoints (token,
 * registration, revocation, introspection, metadata): renders the RFC 6749
 * §5.2 body with `Cache-Control: no-store` (S31) and the error's headers.
 * CORS headers set by the controller before the error stay in place.
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const error = toOAuthError(exception);
    if (res.headersSent) return;
    sendOAuthError(res, error);
  }
}

/** Sends an OAuth error as the RFC 6749 §5.2 JSON body with `Cache-Control: no-store` (S31) and its headers. */
export function sendOAuthError(res: Response, error: OAuthError): void {
  applyNoStore(res);
  res.set(oauthErrorHeaders(error)).status(error.getStatus()).json(error.toJSON());
}

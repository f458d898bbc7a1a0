import type { ErrorRequestHandler, Request } from 'express';
import { OAuthError } from '../errors/oauth-error.js';
import { sendOAuthError } from '../errors/oauth-exception.filter.js';

/** Body-parser failure `type`s and the `invalid_request` status and description each becomes. */
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
};

/**
 * The OAuth error (`invalid_request`, RFC 6749 §5.2) for a failure of the body
 * parsers Nest mounts before routing, or `undefined` for any other error.
 * The parser's own message is never used: it may quote the body (S46).
 */
export function bodyParserErrorToOAuthError(err: unknown): OAuthError | undefined {
  const type = (err as { type?: unknown } | null)?.type;
  const failure = typeof type === 'string' ? BODY_PARSER_FAILURES[type] : undefined;
  return failure ? new OAuthError('invalid_request', failure[1], failure[0]) : undefined;
}

/**
 * An Express error handler that answers body-parser failures of the requests
 * `owns` accepts with an OAuth error body (S38, S50) and passes every other
 * error on. Mounted after the routes and before Nest's own error handler.
 */
export function createBodyParserErrorHandler(owns: (req: Request) => boolean): ErrorRequestHandler {
  return (err, req, res, next) => {
    const error = res.headersSent || !owns(req) ? undefined : bodyParserErrorToOAuthError(err);
    if (!error) return next(err);
    sendOAuthError(res, error);
  };
}

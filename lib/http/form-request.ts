import type { Request } from 'express';
import { InvalidRequestError } from '../errors/oauth-error.js';
import { assertBodyWithinLimit } from './body-limit.js';

/**
 * Checks a form-encoded request to the token, revocation or introspection
 * endpoint (RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1): size (S38) and
 * `application/x-www-form-urlencoded`.
 */
export function assertFormRequest(req: Request, bodyLimitBytes: number): void {
  assertBodyWithinLimit(req, bodyLimitBytes);
  if (!req.is('application/x-www-form-urlencoded')) {
    throw new InvalidRequestError('The request body must be application/x-www-form-urlencoded');
  }
}

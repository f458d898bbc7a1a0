import { OAuthError } from './oauth-error.js';

/**
 * Too many requests from one client address (S36). Status 429 with
 * `Retry-After`; the body uses `temporarily_unavailable`, the closest RFC 6749
 * §4.1.2.1 code.
 */
export class TooManyRequestsError extends OAuthError {
  constructor(readonly retryAfterSeconds: number) {
    super('temporarily_unavailable', 'Too many requests; retry later', 429);
  }
}

/** The request body is larger than the configured limit (S38). Status 413. */
export class PayloadTooLargeError extends OAuthError {
  constructor() {
    super('invalid_request', 'The request body is too large', 413);
  }
}

/** The endpoint does not serve this HTTP method (RFC 9110 §15.5.6). Status 405; the caller sets `Allow`. */
export class MethodNotAllowedError extends OAuthError {
  constructor() {
    super('invalid_request', 'The HTTP method is not allowed on this endpoint', 405);
  }
}

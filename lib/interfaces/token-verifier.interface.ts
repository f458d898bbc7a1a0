import type { AccessToken } from './oauth-models.js';

/**
 * Turns a bearer token into a verified {@link AccessToken}, or `undefined`
 * when the token is not valid (unknown, bad signature, wrong issuer, expired,
 * revoked). Audience and scope checks are done by the guard.
 *
 * May throw a `TemporarilyUnavailableError` when its backing store or remote
 * service cannot be reached (the guard then fails closed with 503).
 */
export interface TokenVerifier {
  /**
   * The verified token, or `undefined` when it is not valid (unknown, expired, revoked, bad
   * signature): the guard answers 401 `invalid_token`.
   */
  verifyToken(token: string): Promise<AccessToken | undefined>;
  /**
   * Optional: told when the guard answers 403 `insufficient_scope` for a
   * verified token (RFC 6750 §3.1), before the answer is sent. The built-in
   * authorization server uses it to make a refresh of that grant ask for a new
   * authorization (S63). Never called for successful requests; a failure here
   * is logged and does not change the 403.
   */
  onInsufficientScope?(accessToken: AccessToken, requiredScopes: string[]): Promise<void>;
}

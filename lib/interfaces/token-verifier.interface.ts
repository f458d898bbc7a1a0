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
  verifyToken(token: string): Promise<AccessToken | undefined>;
}

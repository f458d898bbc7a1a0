import { HttpException } from '@nestjs/common';
import type { OAuthError } from '../errors/oauth-error.js';

/**
 * What `BearerAuthGuard` throws to Nest: an `HttpException` whose response is
 * the OAuth error's RFC 6749 §5.2 / RFC 6750 §3.1 body and whose status is the
 * error's, so Nest's own exception handling (and an application's filter for
 * `HttpException`) answers it on Express and Fastify alike. The `OAuthError`
 * is its `cause`.
 */
export class OAuthHttpException extends HttpException {
  constructor(readonly oauthError: OAuthError) {
    super(oauthError.toJSON(), oauthError.getStatus(), { cause: oauthError });
  }
}

import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { writeResult } from '../http/express/express-endpoints.js';
import { toOAuthError } from './error-policy.js';
import { oauthErrorResult } from './oauth-error-response.js';

/**
 * An exception filter for an application's own OAuth-style JSON endpoints:
 * any exception, through the library's one error policy, rendered as the
 * RFC 6749 §5.2 body with `Cache-Control: no-store` (S31) and the error's
 * headers. The library's endpoints do not need it: their pipeline applies the
 * same policy.
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const error = toOAuthError(exception);
    if (res.headersSent) return;
    writeResult(res, oauthErrorResult(error), {});
  }
}

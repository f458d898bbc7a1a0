import { type ArgumentsHost, Catch, type ExceptionFilter, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { writePlatformResult } from '../http/write-platform-result.js';
import { toOAuthError } from './error-policy.js';
import { OAuthError } from './oauth-error.js';
import { oauthErrorResult } from './oauth-error-response.js';

/**
 * Answers an {@link OAuthError} that an application's own handler let escape
 * (`AuthContext.requireScopes()`, a method with `@RequireScopes`, a provider
 * call) with its status and the RFC 6749 §5.2 body, `Cache-Control: no-store`
 * (S31) and the error's headers, through the library's one error policy, on
 * Express and Fastify. `McpAuthModule` registers it as a global filter
 * (`APP_FILTER`); it catches nothing else, and leaves non-HTTP contexts
 * (microservices, WebSockets) to their own handling.
 */
@Injectable()
@Catch(OAuthError)
export class OAuthExceptionFilter implements ExceptionFilter<OAuthError> {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: OAuthError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const response = host.switchToHttp().getResponse<unknown>();
    writePlatformResult(this.adapterHost.httpAdapter, response, oauthErrorResult(toOAuthError(exception)));
  }
}

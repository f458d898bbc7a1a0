import { All, Controller, Inject, Next, Req, Res } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MethodNotAllowedError } from '../errors/http-status-errors.js';
import { oauthErrorHeaders, toOAuthError } from '../errors/oauth-exception.filter.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';
import { AuthorizationRequestService } from '../services/authorization-request.service.js';
import { assertBodyWithinLimit } from '../http/body-limit.js';
import { isConfiguredEndpoint } from '../services/endpoint-routing.js';
import { OAuthRateLimiter } from '../services/rate-limiter.service.js';
import { sendAuthorizationErrorPage } from '../interaction/authorization-error-page.js';
import { Public } from '../decorators/public.decorator.js';

/**
 * The authorization endpoint (RFC 6749 §3.1, OAuth 2.1 §4.1.1): GET with a
 * query, or POST with a form. Redirects with 302 after GET and 303 after POST
 * (S30); errors that cannot or may not be redirected (S17, S18, S52) are shown as an HTML page. Sends no
 * CORS headers (S32): it is a browser navigation, not an API.
 */
@Controller()
@Public()
export class AuthorizationController {
  constructor(
    @Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig,
    private readonly requests: AuthorizationRequestService,
    private readonly rateLimiter: OAuthRateLimiter,
  ) {}

  /** `GET|POST <issuer>/authorize`. */
  @All(['authorize', '*prefix/authorize'])
  async authorize(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): Promise<void> {
    if (!isConfiguredEndpoint(req, this.config, 'authorization')) return next();
    try {
      if (req.method !== 'GET' && req.method !== 'POST') {
        res.set('Allow', 'GET, POST');
        throw new MethodNotAllowedError();
      }
      await this.rateLimiter.consume('authorize', req, requestedClientId(req));
      if (req.method === 'POST') assertBodyWithinLimit(req, this.config.bodyLimitBytes);
    } catch (exception) {
      const error = toOAuthError(exception);
      return sendAuthorizationErrorPage(res, error, oauthErrorHeaders(error), undefined, this.config.pages.appearance);
    }
    const params = req.method === 'POST' ? (req.is('application/x-www-form-urlencoded') ? req.body : {}) : req.query;
    const outcome = await this.requests.handle(params);
    if (outcome.kind === 'page')
      return sendAuthorizationErrorPage(
        res,
        outcome.error,
        oauthErrorHeaders(outcome.error),
        outcome.redirectUri,
        this.config.pages.appearance,
      );
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    res.redirect(req.method === 'POST' ? 303 : 302, outcome.location);
  }
}

/** The `client_id` of an authorization request (query or form body), for counting only. */
function requestedClientId(req: Request): string | undefined {
  const source = (req.method === 'POST' ? req.body : req.query) as Record<string, unknown> | undefined;
  const value = source?.client_id;
  return typeof value === 'string' ? value : undefined;
}

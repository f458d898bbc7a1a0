import { Inject, Injectable } from '@nestjs/common';
import { hasMediaType, type EndpointRequest } from '../http/endpoint-request.js';
import { type EndpointResult, redirectResult } from '../http/endpoint-result.js';
import { oauthErrorHeaders } from '../errors/error-policy.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';
import { AuthorizationRequestService } from '../services/authorization-request.service.js';
import { authorizationErrorPage } from '../interaction/authorization-error-page.js';
import type { ProtocolEndpoint } from './endpoint.js';
import { authorizationServerPath } from './endpoint-paths.js';

/**
 * The authorization endpoint (RFC 6749 §3.1, OAuth 2.1 §4.1.1): GET with a
 * query, or POST with a form. Redirects with 302 after GET and 303 after POST
 * (S30); errors that cannot or may not be redirected (S17, S18, S52) are shown
 * as an HTML page. No CORS (S32): it is a browser navigation, not an API.
 */
@Injectable()
export class AuthorizationEndpoint implements ProtocolEndpoint {
  readonly kind = 'protocol';
  readonly name = 'authorization';
  readonly methods = ['GET', 'POST'] as const;
  readonly cors = false;
  readonly noStore = false;
  readonly preflight = false;
  readonly errors = 'page';
  readonly rateLimit = { limit: 'authorize', clientId: requestedClientId } as const;

  constructor(
    @Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig,
    private readonly requests: AuthorizationRequestService,
  ) {}

  paths(config: McpAuthConfig): string[] {
    return authorizationServerPath(config, 'authorization');
  }

  async handle(req: EndpointRequest): Promise<EndpointResult> {
    const outcome = await this.requests.handle(authorizationParameters(req));
    if (outcome.kind === 'page') {
      const headers = oauthErrorHeaders(outcome.error);
      return authorizationErrorPage(outcome.error, headers, outcome.redirectUri, this.config.pages.appearance);
    }
    const headers = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };
    return redirectResult(req.method === 'POST' ? 303 : 302, outcome.location, headers);
  }
}

/** The request's parameters: the query of a GET, the form of a POST (any other POST body has none). */
function authorizationParameters(req: EndpointRequest): unknown {
  if (req.method !== 'POST') return req.query ?? {};
  return hasMediaType(req, 'application/x-www-form-urlencoded') ? (req.body ?? {}) : {};
}

/** The `client_id` of an authorization request (query or form body), for counting only. */
function requestedClientId(req: EndpointRequest): string | undefined {
  const source = (req.method === 'POST' ? req.body : req.query) as Record<string, unknown> | undefined;
  const value = source?.client_id;
  return typeof value === 'string' ? value : undefined;
}

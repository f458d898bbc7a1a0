import { Inject, Injectable } from '@nestjs/common';
import { toOAuthError, oauthErrorHeaders } from '../errors/error-policy.js';
import { MethodNotAllowedError, TooManyRequestsError } from '../errors/http-status-errors.js';
import { OAuthError } from '../errors/oauth-error.js';
import { oauthErrorResult } from '../errors/oauth-error-response.js';
import { assertBodyWithinLimit } from '../http/body-limit.js';
import { corsHeaders } from '../http/cors.js';
import { type EndpointRequest, hasMediaType } from '../http/endpoint-request.js';
import { type EndpointResult, emptyResult } from '../http/endpoint-result.js';
import { jsonValueExceedsDepth } from '../http/json-depth.js';
import { NO_STORE_HEADERS } from '../http/no-store.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';
import { OAuthRateLimiter } from '../services/rate-limiter.service.js';
import { authorizationErrorPage } from '../interaction/authorization-error-page.js';
import type { Endpoint, EndpointDeclaration, ProtocolEndpoint } from './endpoint.js';

/**
 * The cross-cutting steps every endpoint goes through, in order: method
 * (preflight 204, else 405 with `Allow`), rate limits (S36, S55, S62), body
 * size, depth and media type (S38, S58), the handler, and on any failure the
 * one error policy rendered in the endpoint's medium. The static headers
 * (CORS S32, `no-store` S31) are on every response, errors included.
 */
@Injectable()
export class EndpointPipeline {
  constructor(
    @Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig,
    private readonly rateLimiter: OAuthRateLimiter,
  ) {}

  /** Runs a protocol endpoint end to end; never throws. */
  async run(endpoint: ProtocolEndpoint, req: EndpointRequest, path: string): Promise<EndpointResult> {
    try {
      return (
        (await this.before(endpoint, req)) ?? (await this.guarded(endpoint, req, () => endpoint.handle(req, path)))
      );
    } catch (failure) {
      return this.errorResult(endpoint, failure);
    }
  }

  /**
   * The steps before the handler. A result ends the request (a preflight);
   * a thrown error is rendered by {@link errorResult}.
   */
  async before(endpoint: Endpoint, req: EndpointRequest): Promise<EndpointResult | undefined> {
    if (req.method === 'OPTIONS' && endpoint.preflight) return emptyResult(204, { Allow: allowHeader(endpoint) });
    if (!endpoint.methods.includes(req.method as never)) throw new MethodNotAllowedError();
    const limit = endpoint.rateLimit;
    if (!limit) return undefined;
    const clientId = limit.clientId?.(req);
    if (limit.failures) this.rateLimiter.assertNotBlocked(limit.failures, this.rateLimiter.clientKey(req, clientId));
    await this.rateLimiter.consume(limit.limit, req, clientId);
    return undefined;
  }

  /**
   * Checks the body, then runs `work`; a client error counts against the
   * endpoint's failure limit, and the failure that crosses it answers 429.
   */
  async guarded<T>(endpoint: Endpoint, req: EndpointRequest, work: () => Promise<T> | T): Promise<T> {
    try {
      this.checkBody(endpoint, req);
      return await work();
    } catch (failure) {
      const failures = endpoint.rateLimit?.failures;
      if (failures && isCountedFailure(failure)) {
        const key = this.rateLimiter.clientKey(req, endpoint.rateLimit?.clientId?.(req));
        const blockedSeconds = await this.rateLimiter.recordFailure(failures, key);
        if (blockedSeconds > 0) throw new TooManyRequestsError(blockedSeconds);
      }
      throw failure;
    }
  }

  /** Any failure, through the one error policy, in the endpoint's medium, with its static headers. */
  errorResult(endpoint: Endpoint, failure: unknown): EndpointResult {
    const error = toOAuthError(failure);
    const extra: Record<string, string> =
      error instanceof MethodNotAllowedError ? { Allow: allowHeader(endpoint) } : {};
    if (endpoint.errors === 'page') {
      return authorizationErrorPage(
        error,
        { ...oauthErrorHeaders(error), ...extra },
        undefined,
        this.config.pages.appearance,
      );
    }
    const result = oauthErrorResult(error);
    return { ...result, headers: { ...result.headers, ...extra } };
  }

  private checkBody(endpoint: Endpoint, req: EndpointRequest): void {
    if (req.method !== 'POST') return;
    const body = req.body;
    if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) {
      if (jsonValueExceedsDepth(body, this.config.jsonMaxDepth)) {
        throw new OAuthError('invalid_request', 'The request body is nested too deeply');
      }
    }
    assertBodyWithinLimit(req, this.config.bodyLimitBytes);
    if (endpoint.body && !hasMediaType(req, endpoint.body.mediaType)) throw endpoint.body.wrongMediaType();
  }
}

/** The headers every response of `endpoint` carries (CORS S32, `no-store` S31). */
export function staticHeaders(endpoint: EndpointDeclaration): Record<string, string> {
  return {
    ...(endpoint.cors ? corsHeaders([...endpoint.methods, 'OPTIONS']) : {}),
    ...(endpoint.noStore ? NO_STORE_HEADERS : {}),
  };
}

function allowHeader(endpoint: EndpointDeclaration): string {
  return [...endpoint.methods, ...(endpoint.preflight ? ['OPTIONS'] : [])].join(', ');
}

/** A client error that counts against a failure limit; a DPoP nonce challenge (RFC 9449 §8) is a normal step, not a failure. */
function isCountedFailure(failure: unknown): boolean {
  return (
    failure instanceof OAuthError &&
    failure.getStatus() < 500 &&
    !(failure instanceof TooManyRequestsError) &&
    failure.error !== 'use_dpop_nonce'
  );
}

import type { Request, Response } from 'express';
import type { OAuthError } from '../errors/oauth-error.js';
import type { EndpointRequest } from '../http/endpoint-request.js';
import type { EndpointResult } from '../http/endpoint-result.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import type { FailureLimit, RateLimitedEndpoint } from '../services/rate-limiter.service.js';

/** An HTTP method an endpoint serves. */
export type EndpointMethod = 'GET' | 'HEAD' | 'POST';

/** How an endpoint's errors reach the client: an RFC 6749 §5.2 JSON body, or an HTML page for a person. */
export type ErrorMedium = 'json' | 'page';

/** How requests to an endpoint are counted (S36, S55, S62). */
export interface EndpointRateLimit {
  /** The limit counted per client and address (besides the per-address bound). */
  readonly limit: RateLimitedEndpoint;
  /** The client the request claims to be, for counting only (authentication happens later). */
  readonly clientId?: (req: EndpointRequest) => string | undefined;
  /** A failure limit: client errors count against it, and a blocked client is refused before any work. */
  readonly failures?: FailureLimit;
}

/** What a request body must be (S38 size and S58 depth always apply to bodies). */
export interface EndpointBodyRule {
  /** The one media type accepted (`application/x-www-form-urlencoded`, `application/json`). */
  readonly mediaType: string;
  /** The error for any other media type. */
  readonly wrongMediaType: () => OAuthError;
}

/**
 * One endpoint, declared once: where it is served, which methods, and the
 * cross-cutting steps the pipeline applies before and around its handler
 * (CORS, `no-store`, preflight and 405, rate limits, body rules, the error
 * medium). The handler holds protocol logic only.
 */
export interface EndpointDeclaration {
  /** Name for logs and the route table (`token`, `authorization-server-metadata`). */
  readonly name: string;
  /** The exact request paths it answers at in this configuration; none when it is not served. */
  paths(config: McpAuthConfig): readonly string[];
  /** Methods served; any other gets 405 with `Allow` (RFC 9110 §15.5.6). */
  readonly methods: readonly EndpointMethod[];
  /** Cross-origin reads allowed (S32), and CORS preflights answered. */
  readonly cors: boolean;
  /** `Cache-Control: no-store` on every response (S31). */
  readonly noStore: boolean;
  /** Whether `OPTIONS` is answered with 204 and `Allow` (without CORS, for server-to-server endpoints too). */
  readonly preflight: boolean;
  readonly errors: ErrorMedium;
  readonly rateLimit?: EndpointRateLimit;
  /** The media type a POST body must have; without a rule, only size and depth are checked. */
  readonly body?: EndpointBodyRule;
}

/** An endpoint answering with an {@link EndpointResult}, on any HTTP platform. */
export interface ProtocolEndpoint extends EndpointDeclaration {
  readonly kind: 'protocol';
  handle(req: EndpointRequest, path: string): Promise<EndpointResult> | EndpointResult;
}

/**
 * An interactive page (sign-in, consent, upstream sign-in) that writes its own
 * response: cookies, forms and redirects of a browser session. On Fastify,
 * `req` is the `FastifyRequest` and `res` an Express-like facade over the reply.
 */
export interface PageEndpoint extends EndpointDeclaration {
  readonly kind: 'page';
  serve(req: Request, res: Response, path: string): Promise<void>;
}

/** Any endpoint of the route table. */
export type Endpoint = ProtocolEndpoint | PageEndpoint;

import type { IncomingHttpHeaders } from 'node:http';

/**
 * What an endpoint handler may read of a request, whatever the HTTP platform.
 * An Express `Request` and a Fastify `FastifyRequest` both have these fields
 * (the body already parsed by the platform, `ip` honouring its trust-proxy
 * setting), so the adapters pass their own request object through.
 */
export interface EndpointRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body?: unknown;
  readonly query?: unknown;
  readonly ip?: string;
  readonly socket?: { readonly remoteAddress?: string };
}

/** The media type (`type/subtype`, lower case, no parameters) of the request body, or `''` when none is declared. */
export function mediaTypeOf(req: EndpointRequest): string {
  const header = req.headers['content-type'];
  if (typeof header !== 'string') return '';
  const end = header.indexOf(';');
  return (end === -1 ? header : header.slice(0, end)).trim().toLowerCase();
}

/** True when the request declares a body of exactly this media type (parameters such as `charset` ignored). */
export function hasMediaType(req: EndpointRequest, mediaType: string): boolean {
  return mediaTypeOf(req) === mediaType;
}

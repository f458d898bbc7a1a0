import type { Request } from 'express';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { bodyParserFailure, logUnexpected } from '../../errors/error-policy.js';
import { oauthErrorResult } from '../../errors/oauth-error-response.js';
import type { EndpointPipeline } from '../../endpoints/endpoint-pipeline.js';
import { type MountedRoute, type RouteTable, requestPathOf } from '../../endpoints/route-table.js';
import { type EndpointResult, JSON_CONTENT_TYPE, withCharset } from '../endpoint-result.js';
import { decodeBodyEncoding } from './fastify-body-encoding.js';
import { expressResponseFacade } from './express-response-facade.js';

/** Every method a route answers, so that the pipeline itself answers preflights and 405 (RFC 9110 §15.5.6). */
const ALL_METHODS: readonly HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/** Content-type parser failures after which the request is served as if no parser had read its body. */
const BODY_NOT_PARSED: Readonly<Record<string, unknown>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: undefined,
  FST_ERR_CTP_EMPTY_JSON_BODY: {},
};

/**
 * The Fastify adapter of the route table: one Fastify route per exact path,
 * for every method, running the endpoint's pipeline. Failures of Fastify's
 * content-type parsers on these routes go through the error policy: a body
 * too large 413, malformed 400 (S38, S50); a media type no parser reads is
 * served with no body, so the endpoint's body rule answers as on Express.
 * Request bodies are limited to `bodyLimitBytes` while they are read.
 */
export function fastifyEndpoints(
  instance: FastifyInstance,
  table: RouteTable,
  pipeline: EndpointPipeline,
  bodyLimitBytes: number,
): void {
  for (const route of table.values()) {
    instance.route({
      method: [...ALL_METHODS],
      url: fastifyPath(route.path),
      exposeHeadRoute: false,
      bodyLimit: bodyLimitBytes,
      preParsing: decodeBodyEncoding,
      handler: (request, reply) => handle(route, pipeline, request, reply, request.body),
      errorHandler: (error, request, reply) => {
        const code = (error as FastifyError).code;
        if (code !== undefined && Object.hasOwn(BODY_NOT_PARSED, code)) {
          return handle(route, pipeline, request, reply, BODY_NOT_PARSED[code]);
        }
        if (reply.sent) throw error;
        const failure = bodyParserFailure(error);
        if (failure) return writeReply(reply, oauthErrorResult(failure), {});
        return writeReply(reply, pipeline.errorResult(route.endpoint, error), route.headers);
      },
    });
  }
}

/**
 * Wraps the application's Fastify error handler so that body-parser failures
 * on `paths` (the MCP resource, whose route is the application's) are
 * answered as OAuth errors (S38, S50); every other error goes to `handler`.
 */
export function fastifyBodyParserErrors<
  H extends (error: unknown, request: FastifyRequest, reply: FastifyReply) => unknown,
>(paths: ReadonlySet<string>, handler: H): H {
  return ((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const owned = !reply.sent && paths.has(requestPathOf(request.url));
    const failure = owned ? bodyParserFailure(error) : undefined;
    if (!failure) return handler(error, request, reply);
    return writeReply(reply, oauthErrorResult(failure), {});
  }) as H;
}

/** The find-my-way pattern that matches exactly `path`; a path it cannot express is refused at boot. */
export function fastifyPath(path: string): string {
  if (path.includes('*')) {
    throw new Error(`McpAuthModule: the path ${path} contains "*", which Fastify routes cannot match literally`);
  }
  return path.replaceAll(':', '::');
}

async function handle(
  route: MountedRoute,
  pipeline: EndpointPipeline,
  request: FastifyRequest,
  reply: FastifyReply,
  body: unknown,
): Promise<FastifyReply> {
  if (requestPathOf(request.url) !== route.path) {
    reply.callNotFound();
    return reply;
  }
  request.body = typeof body === 'string' ? undefined : body;
  const { endpoint, headers, path } = route;
  if (endpoint.kind === 'protocol') return writeReply(reply, await pipeline.run(endpoint, request, path), headers);
  try {
    reply.headers(headers);
    const early = await pipeline.before(endpoint, request);
    if (early) return writeReply(reply, early, headers);
    await pipeline.guarded(endpoint, request, () =>
      endpoint.serve(request as unknown as Request, expressResponseFacade(reply), path),
    );
  } catch (failure) {
    if (reply.sent) {
      logUnexpected(failure);
      return reply;
    }
    return writeReply(reply, pipeline.errorResult(endpoint, failure), headers);
  }
  return reply;
}

/** Writes an endpoint result on a Fastify reply. */
export function writeReply(
  reply: FastifyReply,
  result: EndpointResult,
  headers: Readonly<Record<string, string>>,
): FastifyReply {
  reply.code(result.status).headers(headers);
  if (result.headers) reply.headers(result.headers);
  switch (result.kind) {
    case 'json':
      return reply.type(JSON_CONTENT_TYPE).send(JSON.stringify(result.body));
    case 'text':
      return reply.type(withCharset(result.contentType)).send(result.text);
    case 'redirect':
      return reply.redirect(result.location, result.status);
    case 'empty':
      return reply.send();
  }
}

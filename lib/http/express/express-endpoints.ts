import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { bodyParserFailure, logUnexpected } from '../../errors/error-policy.js';
import { oauthErrorResult } from '../../errors/oauth-error-response.js';
import type { EndpointPipeline } from '../../endpoints/endpoint-pipeline.js';
import { type MountedRoute, type RouteTable, requestPathOf } from '../../endpoints/route-table.js';
import { type EndpointResult, JSON_CONTENT_TYPE, withCharset } from '../endpoint-result.js';

/**
 * The Express adapter of the route table: one middleware that looks the exact
 * request path up and runs the endpoint's pipeline; other requests pass on.
 */
export function expressEndpoints(table: RouteTable, pipeline: EndpointPipeline): RequestHandler {
  return (req, res, next) => {
    const route = table.get(requestPathOf(req.originalUrl ?? req.url));
    if (!route) return next();
    serve(route, pipeline, req, res).catch(next);
  };
}

/**
 * An Express error handler that answers body-parser failures (too large,
 * malformed, unsupported encoding; S38, S50) on `paths` with an OAuth error
 * body and passes every other error on. Mounted after the routes and before
 * Nest's own error handler.
 */
export function expressBodyParserErrors(paths: ReadonlySet<string>): ErrorRequestHandler {
  return (err, req, res, next) => {
    const owned = !res.headersSent && paths.has(requestPathOf(req.originalUrl ?? req.url));
    const error = owned ? bodyParserFailure(err) : undefined;
    if (!error) return next(err);
    writeResult(res, oauthErrorResult(error), {});
  };
}

async function serve(route: MountedRoute, pipeline: EndpointPipeline, req: Request, res: Response): Promise<void> {
  const { endpoint, headers, path } = route;
  if (endpoint.kind === 'protocol') return writeResult(res, await pipeline.run(endpoint, req, path), headers);
  try {
    res.set(headers);
    const early = await pipeline.before(endpoint, req);
    if (early) return writeResult(res, early, headers);
    await pipeline.guarded(endpoint, req, () => endpoint.serve(req, res, path));
  } catch (failure) {
    if (res.headersSent) return logUnexpected(failure);
    writeResult(res, pipeline.errorResult(endpoint, failure), headers);
  }
}

/**
 * Writes an endpoint result on an Express response. Bodies go out through
 * Node's own response API: Express's `res.json` / `res.send` would add an
 * `ETag` (a SHA-1 of every body, pointless on `no-store` answers) that Fastify
 * does not send.
 */
export function writeResult(res: Response, result: EndpointResult, headers: Readonly<Record<string, string>>): void {
  res.statusCode = result.status;
  setHeaders(res, headers);
  if (result.headers) setHeaders(res, result.headers);
  switch (result.kind) {
    case 'json':
      writeBody(res, JSON_CONTENT_TYPE, JSON.stringify(result.body));
      return;
    case 'text':
      writeBody(res, withCharset(result.contentType), result.text);
      return;
    case 'redirect':
      res.redirect(result.status, result.location);
      return;
    case 'empty':
      res.end();
  }
}

function setHeaders(res: Response, headers: Readonly<Record<string, string>>): void {
  for (const name in headers) res.setHeader(name, headers[name]);
}

function writeBody(res: Response, contentType: string, body: string): void {
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

import type { AbstractHttpAdapter } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { EndpointPipeline } from '../endpoints/endpoint-pipeline.js';
import type { RouteTable } from '../endpoints/route-table.js';
import { expressBodyParserErrors, expressEndpoints } from './express/express-endpoints.js';
import { fastifyBodyParserErrors, fastifyEndpoints } from './fastify/fastify-endpoints.js';

/**
 * Mounts the route table on the application's HTTP platform (Express or
 * Fastify), at the exact paths, after the application's own controllers and
 * before the platform's 404 and error handlers. `ownPaths` are the paths whose
 * body-parser failures are answered as OAuth errors (the endpoints and the MCP
 * resource). `bodyLimitBytes` bounds the bodies Fastify reads for the endpoints.
 */
export function mountEndpoints(
  adapter: AbstractHttpAdapter,
  table: RouteTable,
  pipeline: EndpointPipeline,
  ownPaths: ReadonlySet<string>,
  bodyLimitBytes: number,
): void {
  const platform = adapter.getType();
  if (platform === 'express') {
    adapter.use(expressEndpoints(table, pipeline));
    adapter.use(expressBodyParserErrors(ownPaths));
    return;
  }
  if (platform === 'fastify') {
    fastifyEndpoints(adapter.getInstance<FastifyInstance>(), table, pipeline, bodyLimitBytes);
    wrapErrorHandler(adapter, ownPaths);
    return;
  }
  throw new Error(
    `McpAuthModule: the HTTP platform "${platform}" is not supported; use @nestjs/platform-express or @nestjs/platform-fastify`,
  );
}

/**
 * Nest installs its Fastify error handler after the module init hooks: the
 * handler it installs is wrapped so that body-parser failures on the MCP
 * resource (an application route) are answered as OAuth errors, as on Express.
 */
function wrapErrorHandler(adapter: AbstractHttpAdapter, ownPaths: ReadonlySet<string>): void {
  const setErrorHandler = adapter.setErrorHandler.bind(adapter);
  adapter.setErrorHandler = (handler: Parameters<typeof fastifyBodyParserErrors>[1], prefix?: string) =>
    setErrorHandler(fastifyBodyParserErrors(ownPaths, handler), prefix);
}

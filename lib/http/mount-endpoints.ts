import type { AbstractHttpAdapter } from '@nestjs/core';
import type { EndpointPipeline } from '../endpoints/endpoint-pipeline.js';
import type { RouteTable } from '../endpoints/route-table.js';
import { expressBodyParserErrors, expressEndpoints } from './express/express-endpoints.js';

/**
 * Mounts the route table on the application's HTTP platform, at the exact
 * paths, after the application's own controllers and before the platform's
 * 404 and error handlers. `ownPaths` are the paths whose body-parser failures
 * are answered as OAuth errors (the endpoints and the MCP resource).
 */
export function mountEndpoints(
  adapter: AbstractHttpAdapter,
  table: RouteTable,
  pipeline: EndpointPipeline,
  ownPaths: ReadonlySet<string>,
): void {
  const platform = adapter.getType();
  if (platform !== 'express') {
    throw new Error(`McpAuthModule: the HTTP platform "${platform}" is not supported; use @nestjs/platform-express`);
  }
  adapter.use(expressEndpoints(table, pipeline));
  adapter.use(expressBodyParserErrors(ownPaths));
}

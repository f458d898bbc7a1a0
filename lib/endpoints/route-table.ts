import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import type { Endpoint } from './endpoint.js';
import { staticHeaders } from './endpoint-pipeline.js';

/** One mounted path: the endpoint that answers there and the headers on every one of its responses. */
export interface MountedRoute {
  readonly path: string;
  readonly endpoint: Endpoint;
  readonly headers: Readonly<Record<string, string>>;
}

/** Exact request path → route, for the endpoints the configured mode serves. */
export type RouteTable = ReadonlyMap<string, MountedRoute>;

/**
 * The routes of `endpoints` in this configuration: each endpoint at each of
 * its exact paths; endpoints the mode does not serve have no paths and are
 * not mounted. Two endpoints at one path is a configuration error.
 */
export function buildRouteTable(endpoints: readonly Endpoint[], config: McpAuthConfig): RouteTable {
  const table = new Map<string, MountedRoute>();
  for (const endpoint of endpoints) {
    const headers = Object.freeze(staticHeaders(endpoint));
    for (const path of endpoint.paths(config)) {
      const taken = table.get(path);
      if (taken && taken.endpoint !== endpoint) {
        throw new Error(`McpAuthModule: ${endpoint.name} and ${taken.endpoint.name} would both be served at ${path}`);
      }
      table.set(path, { path, endpoint, headers });
    }
  }
  return table;
}

/** The request path without query or fragment, as received (not decoded): routes match it exactly. */
export function requestPathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { MCP_AUTH_ROUTE_TABLE } from '../endpoints/endpoints.js';
import { type RouteTable, requestPathOf } from '../endpoints/route-table.js';
import { runWithAuthHolder } from './auth-storage.js';

/**
 * Opens the per-request AsyncLocalStorage slot that {@link BearerAuthGuard}
 * fills, so `getAccessToken()` and `AuthContext.current()` work in every later
 * stage of the request. Mounted for all routes by `McpAuthModule`; the
 * library's own OAuth endpoints never read the slot, so their requests pass
 * without one.
 */
@Injectable()
export class AuthContextMiddleware implements NestMiddleware {
  constructor(@Inject(MCP_AUTH_ROUTE_TABLE) private readonly endpoints: RouteTable) {}

  use(req: { originalUrl?: string; url?: string }, _res: unknown, next: (error?: unknown) => void): void {
    if (this.endpoints.has(requestPathOf(req.originalUrl ?? req.url ?? ''))) return next();
    runWithAuthHolder(next);
  }
}

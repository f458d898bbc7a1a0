import { Injectable, type NestMiddleware } from '@nestjs/common';
import { runWithAuthHolder } from './auth-storage.js';

/**
 * Opens the per-request AsyncLocalStorage slot that {@link BearerAuthGuard}
 * fills, so `getAccessToken()` and `AuthContext.current()` work in every later
 * stage of the request. Mounted for all routes by `McpAuthModule`.
 */
@Injectable()
export class AuthContextMiddleware implements NestMiddleware {
  use(_req: unknown, _res: unknown, next: (error?: unknown) => void): void {
    runWithAuthHolder(next);
  }
}

import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Request } from 'express';
import { TooManyRequestsError } from '../errors/http-status-errors.js';
import type { McpAuthConfig, ResolvedRateLimits } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';

/**
 * Injection token of the rate-limit storage: any `@nestjs/throttler`
 * `ThrottlerStorage` (the in-memory `ThrottlerStorageService` by default; a
 * Redis-backed storage shares the counts between instances).
 */
export const OAUTH_RATE_LIMIT_STORAGE = Symbol('OAUTH_RATE_LIMIT_STORAGE');

/** An endpoint with its own rate limit (S36). */
export type RateLimitedEndpoint = keyof ResolvedRateLimits;

/**
 * Sliding-window rate limits per endpoint and client address (S36). The
 * address is `req.ip`, so it is the real client behind a proxy when the app
 * sets Express's `trust proxy`.
 */
@Injectable()
export class OAuthRateLimiter implements OnApplicationShutdown {
  constructor(
    @Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig,
    @Inject(OAUTH_RATE_LIMIT_STORAGE) private readonly storage: ThrottlerStorage,
  ) {}

  /** Counts the request; throws {@link TooManyRequestsError} when over the limit. */
  async consume(endpoint: RateLimitedEndpoint, req: Request): Promise<void> {
    const limit = this.config.rateLimits[endpoint];
    if (!limit) return;
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const record = await this.storage.increment(
      `mcp-auth:${endpoint}:${address}`,
      limit.ttlSeconds * 1000,
      limit.limit,
      0,
      endpoint,
    );
    if (record.isBlocked) throw new TooManyRequestsError(Math.max(1, record.timeToBlockExpire));
  }

  /** Stops the default storage's sweep timer. */
  onApplicationShutdown(): void {
    (this.storage as Partial<OnApplicationShutdown>).onApplicationShutdown?.();
  }
}

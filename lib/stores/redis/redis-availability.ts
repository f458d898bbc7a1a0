import { Logger } from '@nestjs/common';
import type { RedisOptions } from 'ioredis';
import { StorageUnavailableError } from '../../errors/storage-errors.js';

/** Default bound of one store operation, in ms. */
export const DEFAULT_REDIS_OPERATION_TIMEOUT_MS = 2000;

/** `Retry-After` (seconds) suggested while Redis is unreachable. */
export const REDIS_UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

/**
 * ioredis client options for an OAuth store that fails fast (S49): no offline
 * queue (a command while disconnected fails at once instead of waiting), one
 * retry per command, bounded connect and command timeouts, and reconnection
 * forever with a capped back-off, so service resumes by itself when Redis
 * returns. Spread them into your client options:
 * `new Redis(url, { ...REDIS_FAIL_FAST_OPTIONS, ...yours })`.
 */
export const REDIS_FAIL_FAST_OPTIONS = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2000,
  commandTimeout: 2000,
  /** Reconnect after 50 ms, doubling per attempt, at most every 2 s, forever. */
  retryStrategy: (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 6), 2000),
} satisfies RedisOptions;

/**
 * Runs Redis operations with a time bound and turns every failure
 * (connection refused, offline, timeout, cluster down, …) into
 * {@link StorageUnavailableError}: the OAuth endpoints answer 503
 * `temporarily_unavailable` and the guard fails closed. Logs once when Redis
 * becomes unavailable and once when it is back, by error class only (S46).
 */
export class RedisAvailability {
  private readonly logger = new Logger('RedisOAuthStore');
  private down = false;

  constructor(private readonly timeoutMs: number = DEFAULT_REDIS_OPERATION_TIMEOUT_MS) {}

  async run<T>(operation: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisOperationTimeoutError()), this.timeoutMs);
      timer.unref?.();
    });
    try {
      const result = await Promise.race([operation(), timeout]);
      if (this.down) {
        this.down = false;
        this.logger.log('Redis is reachable again');
      }
      return result;
    } catch (error) {
      if (!this.down) {
        this.down = true;
        this.logger.error(
          `Redis unavailable (${error instanceof Error ? error.name : typeof error}); answering 503 until it returns`,
        );
      }
      throw new StorageUnavailableError('Redis', REDIS_UNAVAILABLE_RETRY_AFTER_SECONDS);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A store operation exceeded its bound. */
export class RedisOperationTimeoutError extends Error {
  constructor() {
    super('Redis operation timed out');
    this.name = 'RedisOperationTimeoutError';
  }
}

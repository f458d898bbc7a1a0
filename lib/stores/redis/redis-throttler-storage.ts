import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Cluster, Redis } from 'ioredis';
import { DEFAULT_REDIS_OPERATION_TIMEOUT_MS, RedisAvailability } from './redis-availability.js';
import type { RedisScript } from './redis-scripts.js';

/** Options of {@link RedisThrottlerStorage}. */
export interface RedisThrottlerStorageOptions {
  /** An ioredis client (standalone or Cluster), ideally with `REDIS_FAIL_FAST_OPTIONS`. */
  client: Redis | Cluster;
  /** Prefix of the counter keys; must not contain `{` or `}`. @default 'mcp-auth:rl:' */
  keyPrefix?: string;
  /** Bound of one increment in ms (then 503 `temporarily_unavailable`). @default 2000 */
  operationTimeoutMs?: number;
}

/**
 * Fixed-window hit counter with an optional block. KEYS: counter, block.
 * ARGV: ttlMs, limit, blockMs. Returns {hits, counterPttl, blocked (0/1), blockPttl}.
 */
export const RATE_LIMIT_SCRIPT: RedisScript = {
  name: 'mcpAuthRateLimit',
  numberOfKeys: 2,
  lua: `
local ttl = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local blockMs = tonumber(ARGV[3])
local blockTtl = redis.call('PTTL', KEYS[2])
if blockTtl > 0 then
  return {tonumber(redis.call('GET', KEYS[1]) or limit + 1), math.max(redis.call('PTTL', KEYS[1]), 0), 1, blockTtl}
end
local hits = redis.call('INCR', KEYS[1])
local counterTtl = redis.call('PTTL', KEYS[1])
if counterTtl < 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  counterTtl = ttl
end
if hits <= limit then return {hits, counterTtl, 0, 0} end
if blockMs > 0 then
  redis.call('SET', KEYS[2], '1', 'PX', blockMs)
  return {hits, counterTtl, 1, blockMs}
end
return {hits, counterTtl, 1, counterTtl}`,
};

/**
 * A `@nestjs/throttler` storage on Redis, so every instance of the app counts
 * against one limit per client address (S36). Each increment is one Lua
 * script (`INCR` + `PEXPIRE` on the Redis clock: a fixed window of `ttl` ms
 * that starts at the first hit), so concurrent instances never lose a count
 * and a counter never outlives its window. Pass it as the module's
 * `rateLimitStorage`. When Redis is down, increments fail with
 * `StorageUnavailableError` (503), like the OAuth store.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly client: Redis | Cluster;
  private readonly prefix: string;
  private readonly availability: RedisAvailability;

  constructor(options: RedisThrottlerStorageOptions) {
    if (!options?.client) throw new Error('RedisThrottlerStorage: `client` (an ioredis Redis or Cluster) is required');
    this.client = options.client;
    this.prefix = options.keyPrefix ?? 'mcp-auth:rl:';
    if (/[{}]/.test(this.prefix)) throw new Error('RedisThrottlerStorage: keyPrefix must not contain "{" or "}"');
    this.availability = new RedisAvailability(options.operationTimeoutMs ?? DEFAULT_REDIS_OPERATION_TIMEOUT_MS);
    if (typeof (this.client as unknown as Record<string, unknown>)[RATE_LIMIT_SCRIPT.name] !== 'function') {
      this.client.defineCommand(RATE_LIMIT_SCRIPT.name, {
        numberOfKeys: RATE_LIMIT_SCRIPT.numberOfKeys,
        lua: RATE_LIMIT_SCRIPT.lua,
      });
    }
  }

  /** Counts one hit of `key` (times in ms, as `ThrottlerStorage` defines them; the record's times in seconds). */
  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    return this.availability.run(async () => {
      const tag = `{${throttlerName}:${key}}`;
      const call = (this.client as unknown as Record<string, (...args: (string | number)[]) => Promise<number[]>>)[
        RATE_LIMIT_SCRIPT.name
      ].bind(this.client);
      const [hits, counterTtl, blocked, blockTtl] = await call(
        `${this.prefix}${tag}:hits`,
        `${this.prefix}${tag}:block`,
        Math.max(1, Math.ceil(ttl)),
        limit,
        Math.max(0, Math.ceil(blockDuration)),
      );
      return {
        totalHits: hits,
        timeToExpire: Math.ceil(counterTtl / 1000),
        isBlocked: blocked === 1,
        timeToBlockExpire: blocked === 1 ? Math.ceil(blockTtl / 1000) : 0,
      };
    });
  }
}

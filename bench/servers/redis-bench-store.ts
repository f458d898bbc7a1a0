import { Redis } from 'ioredis';
import { REDIS_FAIL_FAST_OPTIONS, RedisOAuthStore } from '../../lib/index.js';

/** The Redis the benchmark uses: `REDIS_URL`, else the local server on 127.0.0.1:6379. */
export const BENCH_REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** A `RedisOAuthStore` under a key prefix of its own; `drop()` deletes every key under it. */
export async function openBenchRedisStore(): Promise<{ store: RedisOAuthStore; drop(): Promise<void> }> {
  const client = new Redis(BENCH_REDIS_URL, { ...REDIS_FAIL_FAST_OPTIONS, lazyConnect: true });
  client.on('error', () => undefined);
  await client.connect();
  const keyPrefix = `mcp-bench-${process.pid}:`;
  return {
    store: new RedisOAuthStore({ client, keyPrefix }),
    async drop() {
      for (let cursor = '0', first = true; first || cursor !== '0'; first = false) {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
        if (keys.length) await client.unlink(...keys);
        cursor = next;
      }
      client.disconnect();
    },
  };
}

/** Why the Redis benchmark cannot run, or `undefined` when Redis answers. */
export async function benchRedisUnavailableReason(): Promise<string | undefined> {
  const client = new Redis(BENCH_REDIS_URL, {
    ...REDIS_FAIL_FAST_OPTIONS,
    lazyConnect: true,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return `no Redis at REDIS_URL (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    client.disconnect();
  }
}

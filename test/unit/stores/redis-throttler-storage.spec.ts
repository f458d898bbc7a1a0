import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisThrottlerStorage } from '../../../lib/stores/redis/redis-throttler-storage.js';
import {
  announceRedisSkip,
  redisUnavailableReason,
  startTestRedis,
  type TestRedis,
  whenReady,
} from '../../support/redis-server.js';

announceRedisSkip('RedisThrottlerStorage unit tests');

describe.skipIf(redisUnavailableReason())('RedisThrottlerStorage', () => {
  let redis: TestRedis;
  let clients: Redis[];

  beforeAll(async () => {
    redis = await startTestRedis();
    clients = await Promise.all([0, 1, 2].map(() => whenReady(redis.client())));
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('S36 counts hits from several instances atomically; over the limit is blocked until the window ends', async () => {
    const storages = clients.map((client) => new RedisThrottlerStorage({ client, keyPrefix: `rl-${process.pid}:` }));
    const records = await Promise.all(
      Array.from({ length: 30 }, (_, i) => storages[i % 3].increment('token:10.0.0.1', 60_000, 20, 0, 'token')),
    );
    expect(records.map((r) => r.totalHits).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(records.filter((r) => r.isBlocked)).toHaveLength(10);
    for (const r of records) {
      expect(r.timeToExpire).toBeGreaterThan(0);
      expect(r.timeToExpire).toBeLessThanOrEqual(60);
      if (r.isBlocked) expect(r.timeToBlockExpire).toBeGreaterThan(0);
    }
    const other = await storages[0].increment('token:10.0.0.2', 60_000, 20, 0, 'token');
    expect(other).toMatchObject({ totalHits: 1, isBlocked: false, timeToBlockExpire: 0 });
    const keys = await clients[0].keys(`rl-${process.pid}:*`);
    for (const key of keys) expect(await clients[0].pttl(key)).toBeGreaterThan(0);
  });

  it('honours a block duration longer than the window', async () => {
    const storage = new RedisThrottlerStorage({ client: clients[0], keyPrefix: `rlb-${process.pid}:` });
    await storage.increment('k', 1000, 1, 0, 'register');
    const over = await storage.increment('k', 1000, 1, 120_000, 'register');
    expect(over.isBlocked).toBe(true);
    expect(over.timeToBlockExpire).toBe(120);
    const still = await storage.increment('k', 1000, 1, 120_000, 'register');
    expect(still.isBlocked).toBe(true);
  });
});

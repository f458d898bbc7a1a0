import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_FAIL_FAST_OPTIONS } from '../../../lib/stores/redis/redis-availability.js';
import { RedisOAuthStore } from '../../../lib/stores/redis/redis-oauth-store.js';
import { RedisThrottlerStorage } from '../../../lib/stores/redis/redis-throttler-storage.js';
import { describeOAuthStoreContract } from '../../support/oauth-store-contract.js';
import {
  announceRedisSkip,
  redisUnavailableReason,
  startTestRedis,
  type TestRedis,
} from '../../support/redis-server.js';

announceRedisSkip('RedisOAuthStore on Redis Cluster');
const unavailable =
  redisUnavailableReason() ?? (process.env.REDIS_URL ? 'REDIS_URL is set: no local cluster node' : undefined);

/**
 * A one-node Redis Cluster owning every slot: Redis still refuses commands and
 * scripts whose keys span several slots (CROSSSLOT), so this proves the hash tags.
 */
describe.skipIf(unavailable)('RedisOAuthStore on Redis Cluster (hash tags)', () => {
  let redis: TestRedis;
  let cluster: Cluster;
  let seq = 0;

  beforeAll(async () => {
    redis = await startTestRedis({ cluster: true });
    cluster = new Cluster([{ host: '127.0.0.1', port: redis.port }], {
      enableOfflineQueue: false,
      redisOptions: { ...REDIS_FAIL_FAST_OPTIONS },
    });
    cluster.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      cluster.once('ready', () => resolve());
      setTimeout(() => reject(new Error('cluster not ready')), 5000).unref();
    });
  });
  afterAll(async () => {
    cluster?.disconnect();
    await redis?.stop();
  });

  it('the node refuses cross-slot scripts (so the contract below really checks slots)', async () => {
    await expect(cluster.eval("return redis.call('MGET', KEYS[1], KEYS[2])", 2, 'a', 'b')).rejects.toThrow(/CROSSSLOT/);
  });

  describeOAuthStoreContract(
    'RedisOAuthStore on Cluster',
    (clock) => new RedisOAuthStore({ client: cluster, clock, keyPrefix: `cl-${++seq}:` }),
    { usesInjectedClock: false },
  );

  it('S36 the rate-limit script keeps its two keys in one slot', async () => {
    const storage = new RedisThrottlerStorage({ client: cluster });
    expect((await storage.increment('token:127.0.0.1', 60_000, 5, 1000, 'token')).totalHits).toBe(1);
  });
});

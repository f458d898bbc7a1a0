import type { INestApplication } from '@nestjs/common';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { type DocBlockDriver, setEnv } from '../../support/doc-block-runtime.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';
import {
  announceRedisSkip,
  redisUnavailableReason,
  startTestRedis,
  type TestRedis,
  whenReady,
} from '../../support/redis-server.js';
import { createTestApplicationFromModule } from '../../support/test-app.js';

const UNHANDLED = '[ioredis] Unhandled error event';

/** docs/stores.md, Redis: the block's client, store and throttler storage on a Redis of the test's own. */
const redisStore: DocBlockDriver = (block) => {
  const skipped = redisUnavailableReason();
  announceRedisSkip(`doc-test ${block.name}`);
  let testRedis: TestRedis;
  let app: INestApplication;
  let redis: Redis;
  let restoreEnv: () => void;

  beforeAll(async () => {
    if (skipped) return;
    testRedis = await startTestRedis();
    restoreEnv = setEnv({ REDIS_URL: testRedis.url, SIGNING_KEY_PEM: ecKeyPem().privateKey });
    const { exports } = await block.run();
    redis = await whenReady(exports.redis as Redis);
    app = await createTestApplicationFromModule(exports.AppModule, { logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    redis?.disconnect();
    await testRedis?.stop();
    restoreEnv?.();
  });

  it.skipIf(skipped)('S44 a registered client is stored in Redis under the key prefix', async () => {
    const registered = await request(app.getHttpServer())
      .post('/register')
      .send({ redirect_uris: ['http://127.0.0.1:38133/callback'], token_endpoint_auth_method: 'none' })
      .expect(201);
    const keys = await (await whenReady(testRedis.client())).keys('notes-mcp:*');
    expect(keys.length).toBeGreaterThan(0);
    expect(registered.body.client_id).toEqual(expect.any(String));
  });

  it.skipIf(Boolean(skipped || process.env.REDIS_URL))(
    'S49 Redis down: 503 temporarily_unavailable with Retry-After, and the error listener keeps ioredis quiet',
    async () => {
      const consoleError = vi.spyOn(console, 'error');
      const emitted = vi.spyOn(redis, 'emit');
      try {
        await testRedis.kill();
        const refused = await request(app.getHttpServer())
          .post('/register')
          .send({ redirect_uris: ['http://127.0.0.1:38133/callback'], token_endpoint_auth_method: 'none' });
        expect(refused.status).toBe(503);
        expect(refused.body.error).toBe('temporarily_unavailable');
        expect(refused.headers['retry-after']).toMatch(/^\d+$/);
        await vi.waitFor(() => expect(emitted.mock.calls.some(([event]) => event === 'error')).toBe(true), {
          timeout: 5000,
          interval: 100,
        });
        expect(consoleError.mock.calls.filter(([first]) => String(first).startsWith(UNHANDLED))).toEqual([]);
      } finally {
        consoleError.mockRestore();
        emitted.mockRestore();
      }
    },
  );
};

export default redisStore;

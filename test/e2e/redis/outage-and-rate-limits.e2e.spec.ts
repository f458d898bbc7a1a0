import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisThrottlerStorage } from '../../../lib/stores/redis/redis-throttler-storage.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';
import {
  announceRedisSkip,
  redisUnavailableReason,
  startTestRedis,
  type TestRedis,
  whenReady,
} from '../../support/redis-server.js';
import { callMcp, type Instance, OAuthFlow, startInstance } from './redis-as-app.js';

announceRedisSkip('Redis outage and shared rate-limit e2e (S49, S36)');

const unavailable =
  redisUnavailableReason() ?? (process.env.REDIS_URL ? 'REDIS_URL is external: cannot kill it' : undefined);

describe.skipIf(unavailable)('Redis outage (S49)', () => {
  let redis: TestRedis;
  let app: Instance;
  const signingKey = ecKeyPem().privateKey;

  beforeAll(async () => {
    redis = await startTestRedis();
    app = await startInstance(await whenReady(redis.client()), signingKey);
  });
  afterAll(async () => {
    await app?.close();
    await redis?.stop();
  });

  it('S49 answers 503 temporarily_unavailable fast while Redis is down, then resumes by itself', async () => {
    const flow = new OAuthFlow(() => app);
    await flow.register();
    const tokens = (await flow.redeem(app, await flow.authorize())).body;
    expect((await callMcp(app, tokens.access_token)).status).toBe(200);

    const inFlight = Array.from({ length: 20 }, () => callMcp(app, tokens.access_token));
    await redis.kill();
    for (const res of await Promise.all(inFlight)) expect([200, 503]).toContain(res.status);
    const started = Date.now();
    const during = await Promise.all([
      callMcp(app, tokens.access_token),
      flow.refresh(app, tokens.refresh_token),
      app
        .http()
        .post('/register')
        .send({ redirect_uris: ['http://127.0.0.1:9/cb'], token_endpoint_auth_method: 'none' }),
      flow.revoke(app, tokens.access_token),
      callMcp(app, tokens.access_token),
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
    for (const res of during) {
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('temporarily_unavailable');
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(JSON.stringify(res.body)).not.toContain(tokens.refresh_token);
    }
    const authorize = await app.http().get('/authorize').query({ client_id: flow.clientId });
    expect(authorize.status).toBe(503);

    await redis.restart();
    const clientOfApp = await waitForRecovery(app);
    expect(clientOfApp).toBe(true);
    const again = new OAuthFlow(() => app);
    await again.register();
    const fresh = await again.redeem(app, await again.authorize());
    expect(fresh.status).toBe(200);
    expect((await callMcp(app, fresh.body.access_token)).status).toBe(200);
  });
});

describe.skipIf(redisUnavailableReason())('rate limits shared across instances (S36)', () => {
  let redis: TestRedis;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    redis = await startTestRedis();
    const key = ecKeyPem().privateKey;
    const options = {
      rateLimits: { register: { limit: 3, ttlSeconds: 3600 }, tokenFailures: { limit: 5, ttlSeconds: 900 } },
      rateLimitStorage: new RedisThrottlerStorage({ client: await whenReady(redis.client()) }),
    };
    a = await startInstance(await whenReady(redis.client()), key, options);
    b = await startInstance(await whenReady(redis.client()), key, options);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it('S36 the register limit counts requests on both instances together: the 4th is 429 with Retry-After', async () => {
    const register = (on: Instance) =>
      on
        .http()
        .post('/register')
        .send({ redirect_uris: ['http://127.0.0.1:9/cb'], token_endpoint_auth_method: 'none' });
    expect((await register(a)).status).toBe(201);
    expect((await register(b)).status).toBe(201);
    expect((await register(a)).status).toBe(201);
    const limited = await register(b);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(3500);
    expect((await register(a)).status).toBe(429);
  });

  it('S62 failed token requests of one client count on both instances together; then both throttle it, other clients not', async () => {
    const fail = (on: Instance, clientId: string) =>
      on
        .http()
        .post('/token')
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: 'guess', client_id: clientId });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await fail(i % 2 ? b : a, 'noisy-client')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const onA = await fail(a, 'noisy-client');
    expect(onA.status).toBe(429);
    expect(Number(onA.headers['retry-after'])).toBeGreaterThan(800);
    expect((await fail(b, 'noisy-client')).status).toBe(429);
    expect((await fail(a, 'quiet-client')).status).toBe(401);
  });
});

/** Polls (bounded) until a request that needs the store succeeds again. */
async function waitForRecovery(app: Instance): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const res = await app.http().get('/authorize').query({ client_id: 'probe' });
    if (res.status !== 503) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

import { Redis as IORedis, type Redis, type RedisOptions } from 'ioredis';
import { REDIS_FAIL_FAST_OPTIONS } from '../../../lib/stores/redis/redis-availability.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageUnavailableError } from '../../../lib/errors/storage-errors.js';
import { RedisOAuthStore } from '../../../lib/stores/redis/redis-oauth-store.js';
import { ManualClock } from '../../support/manual-clock.js';
import { describeOAuthStoreContract } from '../../support/oauth-store-contract.js';
import {
  announceRedisSkip,
  freeLoopbackPort,
  redisUnavailableReason,
  startTestRedis,
  type TestRedis,
  whenReady,
} from '../../support/redis-server.js';

announceRedisSkip('RedisOAuthStore unit tests');

describe.skipIf(redisUnavailableReason())('RedisOAuthStore', () => {
  let redis: TestRedis;
  let client: Redis;
  let seq = 0;
  const prefix = () => `test-${process.pid}-${++seq}:`;

  beforeAll(async () => {
    redis = await startTestRedis();
    client = await whenReady(redis.client());
  });
  afterAll(async () => {
    await redis?.stop();
  });

  describeOAuthStoreContract(
    'RedisOAuthStore',
    (clock) => new RedisOAuthStore({ client, clock, keyPrefix: prefix() }),
    {
      usesInjectedClock: false,
    },
  );

  const grantRecord = (clock: ManualClock, grantId: string, lifetimeMs: number) => ({
    grantId,
    clientId: 'c',
    subject: 'alice',
    scopes: [],
    createdAtMs: clock.now(),
    expiresAtMs: clock.now() + lifetimeMs,
  });

  it('S11 S22 gives every key a TTL; a rotated-out refresh token and a consumed code are kept for the grant lifetime', async () => {
    const clock = new ManualClock();
    const keyPrefix = prefix();
    const store = new RedisOAuthStore({ client, clock, keyPrefix });
    await store.createGrant(grantRecord(clock, 'g1', 3_600_000));
    const refresh = (ms: number) => ({
      grantId: 'g1',
      clientId: 'c',
      subject: 'alice',
      issuedAtMs: clock.now(),
      expiresAtMs: clock.now() + ms,
    });
    await store.saveRefreshToken('rt-old', refresh(60_000));
    expect((await store.rotateRefreshToken('rt-old', 'rt-new', refresh(60_000))).status).toBe('ok');
    await store.saveAuthorizationCode('code-1', {
      grantId: 'g1',
      clientId: 'c',
      scopes: [],
      codeChallenge: 'x',
      redirectUri: 'http://127.0.0.1/cb',
      redirectUriProvidedExplicitly: true,
      subject: 'alice',
      expiresAtMs: clock.now() + 60_000,
    });
    await store.consumeAuthorizationCode('code-1');
    await store.saveAuthorizationCode('code-2', {
      grantId: 'g1',
      clientId: 'c',
      scopes: [],
      codeChallenge: 'x',
      redirectUri: 'http://127.0.0.1/cb',
      redirectUriProvidedExplicitly: true,
      subject: 'alice',
      expiresAtMs: clock.now() + 60_000,
      replayDetectionUntilMs: clock.now() + 3_600_000,
    });
    await store.consumeAuthorizationCode('code-2');
    await store.revokeAccessToken('jti-1', clock.now() + 900_000);
    await store.saveSession('s1', { subject: 'alice', expiresAtMs: clock.now() + 10_000 });
    await store.saveConsent('alice', 'c', { scopes: [], expiresAtMs: clock.now() + 10_000 });
    await store.revokeGrant('g1');

    const keys = await client.keys(`${keyPrefix}*`);
    expect(keys.length).toBeGreaterThanOrEqual(8);
    for (const key of keys) expect(await client.pttl(key), key).toBeGreaterThan(0);
    const usedTtl = await client.pttl(store.keys.grant('g1').refreshToken('rt-old'));
    expect(usedTtl).toBeGreaterThan(3_500_000);
    expect(await client.pttl(store.keys.code('code-1'))).toBeLessThanOrEqual(60_000);
    expect(await client.pttl(store.keys.code('code-2'))).toBeGreaterThan(3_500_000);
    expect(await store.findRefreshToken('rt-old')).toMatchObject({ status: 'reused', grantId: 'g1' });
    expect(await store.findRefreshToken('rt-new')).toEqual({ status: 'reused', grantId: 'g1' });
  });

  it('keeps the keys of one grant in one hash slot (Cluster) and honours the key prefix', async () => {
    const store = new RedisOAuthStore({ client, keyPrefix: 'app1:' });
    const keys = store.keys.grant('abc');
    const slots = new Set(
      [keys.grant, keys.revoked, keys.live, keys.stepUp, keys.refreshToken('x'), keys.refreshToken('y')].map(hashTag),
    );
    expect(slots).toEqual(new Set(['g:abc']));
    expect(store.keys.code('h')).toBe('app1:code:h');
    expect(() => new RedisOAuthStore({ client, keyPrefix: 'bad{tag}:' })).toThrow(/keyPrefix/);
  });

  it('stores no plain secret: keys are the hashes the provider gives, client secrets stay hashed', async () => {
    const keyPrefix = prefix();
    const store = new RedisOAuthStore({ client, keyPrefix });
    await store.saveClient({ clientId: 'c1', metadata: {}, clientSecretHash: 'sha256:abc' });
    const raw = await client.get(`${keyPrefix}client:c1`);
    expect(JSON.parse(raw!).clientSecretHash).toBe('sha256:abc');
  });

  it('S12 at store level: 50 parallel consumptions on separate connections, exactly one wins', async () => {
    const clock = new ManualClock();
    const keyPrefix = prefix();
    const clients = await Promise.all(Array.from({ length: 5 }, () => whenReady(redis.client())));
    const stores = clients.map((c) => new RedisOAuthStore({ client: c, clock, keyPrefix }));
    await stores[0].createGrant(grantRecord(clock, 'g-race', 60_000));
    await stores[0].saveAuthorizationCode('race', {
      grantId: 'g-race',
      clientId: 'c',
      scopes: [],
      codeChallenge: 'x',
      redirectUri: 'http://127.0.0.1/cb',
      redirectUriProvidedExplicitly: true,
      subject: 'alice',
      expiresAtMs: clock.now() + 60_000,
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => stores[i % 5].consumeAuthorizationCode('race')),
    );
    expect(results.filter((r) => r.status === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'reused')).toHaveLength(49);
  });

  it('S49 fails fast with StorageUnavailableError when Redis is unreachable', async () => {
    const dead = await deadClient();
    const store = new RedisOAuthStore({ client: dead, operationTimeoutMs: 1000 });
    await new Promise((resolve) => dead.once('error', resolve));
    const started = Date.now();
    await expect(store.getClient('x')).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(store.consumeAuthorizationCode('x')).rejects.toMatchObject({ retryAfterSeconds: expect.any(Number) });
    expect(Date.now() - started).toBeLessThan(5000);
    dead.disconnect();
  });

  it('S49 bounds an operation even on a client that queues commands while offline', async () => {
    const queued = await deadClient({
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      commandTimeout: undefined,
    });
    const store = new RedisOAuthStore({ client: queued, operationTimeoutMs: 200 });
    await expect(store.getGrant('g')).rejects.toBeInstanceOf(StorageUnavailableError);
    queued.disconnect();
  });
});

/** A fail-fast client pointed at a loopback port where nothing listens. */
async function deadClient(options: RedisOptions = {}): Promise<Redis> {
  const port = await freeLoopbackPort();
  const client = new IORedis({ ...REDIS_FAIL_FAST_OPTIONS, host: '127.0.0.1', port, ...options });
  client.on('error', () => undefined);
  return client;
}

function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return key.slice(open + 1, close);
}

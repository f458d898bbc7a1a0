import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageUnavailableError } from '../../../lib/errors/storage-errors.js';
import { PostgresOAuthStore } from '../../../lib/stores/postgres/postgres-oauth-store.js';
import { ManualClock } from '../../support/manual-clock.js';
import { describeOAuthStoreContract } from '../../support/oauth-store-contract.js';
import {
  announcePostgresSkip,
  createTestSchema,
  postgresUnavailableReason,
  type TestSchema,
} from '../../support/postgres-server.js';
import { freeLoopbackPort } from '../../support/redis-server.js';
import pg from 'pg';

announcePostgresSkip('PostgresOAuthStore unit tests (S70)');

describe.skipIf(postgresUnavailableReason())('PostgresOAuthStore', () => {
  let db: TestSchema;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestSchema('store_unit');
    pool = db.pool({ max: 20 });
  });
  afterAll(async () => {
    await db?.drop();
  });

  describeOAuthStoreContract(
    'PostgresOAuthStore',
    (clock) => new PostgresOAuthStore({ pool, clock, purgeIntervalMs: 0 }),
    {
      dispose: (store) => (store as PostgresOAuthStore).close(),
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
  const refreshRecord = (clock: ManualClock, grantId: string) => ({
    grantId,
    clientId: 'c',
    subject: 'alice',
    issuedAtMs: clock.now(),
    expiresAtMs: clock.now() + 60_000,
  });

  it('S70 S12 50 parallel consumptions of one code over 10 pooled connections: exactly one wins', async () => {
    const clock = new ManualClock();
    const stores = Array.from(
      { length: 5 },
      () => new PostgresOAuthStore({ pool: db.pool({ max: 2 }), clock, purgeIntervalMs: 0 }),
    );
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

  it('S70 S22 concurrent rotations of one refresh token on separate pools: one wins, losers see the rotation', async () => {
    const clock = new ManualClock();
    const stores = Array.from(
      { length: 4 },
      () => new PostgresOAuthStore({ pool: db.pool({ max: 3 }), clock, purgeIntervalMs: 0 }),
    );
    await stores[0].createGrant(grantRecord(clock, 'g-rot', 3_600_000));
    await stores[0].saveRefreshToken('rt-0', refreshRecord(clock, 'g-rot'));
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        stores[i % 4].rotateRefreshToken('rt-0', `rt-1-${i}`, refreshRecord(clock, 'g-rot'), {
          sealedSuccessor: `sealed-${i}`,
        }),
      ),
    );
    const winner = results.findIndex((r) => r.status === 'ok');
    expect(results.filter((r) => r.status === 'ok')).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 'ok')) {
      expect(r).toEqual({
        status: 'reused',
        grantId: 'g-rot',
        rotation: { clientId: 'c', rotatedAtMs: clock.now(), successorLive: true, sealedSuccessor: `sealed-${winner}` },
      });
    }
    expect((await stores[1].findRefreshToken(`rt-1-${winner}`)).status).toBe('ok');
    expect(await stores[2].findRefreshToken(`rt-1-${(winner + 1) % 24}`)).toEqual({ status: 'unknown' });
    await stores[3].rotateRefreshToken(`rt-1-${winner}`, 'rt-2', refreshRecord(clock, 'g-rot'));
    const twiceRotated = await stores[0].findRefreshToken('rt-0');
    expect(twiceRotated.status === 'reused' && twiceRotated.rotation?.successorLive).toBe(false);
    await stores[0].revokeGrant('g-rot');
    const afterRevoke = await stores[0].findRefreshToken(`rt-1-${winner}`);
    expect(afterRevoke.status === 'reused' && afterRevoke.rotation?.successorLive).toBe(false);
    expect(await stores[0].findRefreshToken('rt-2')).toEqual({ status: 'reused', grantId: 'g-rot' });
  });

  it('S70 marks a one-time id once across pools; step-up marker and unconfirmed clients', async () => {
    const clock = new ManualClock();
    const stores = Array.from(
      { length: 3 },
      () => new PostgresOAuthStore({ pool: db.pool({ max: 3 }), clock, purgeIntervalMs: 0 }),
    );
    const firsts = await Promise.all(
      Array.from({ length: 30 }, (_, i) => stores[i % 3].markUsedOnce('jti', 'abc', clock.now() + 10_000)),
    );
    expect(firsts.filter(Boolean)).toHaveLength(1);
    expect(await stores[0].markUsedOnce('other', 'abc', clock.now() + 10_000)).toBe(true);
    clock.advanceSeconds(11);
    expect(await stores[1].markUsedOnce('jti', 'abc', clock.now() + 10_000)).toBe(true);

    await stores[0].createGrant(grantRecord(clock, 'g-step', 60_000));
    await stores[0].requireStepUp('g-step', clock.now() + 600_000);
    expect((await stores[1].getGrant('g-step'))?.stepUpRequiredUntilMs).toBe(clock.now() + 600_000);
    await stores[0].requireStepUp('no-such-grant', clock.now() + 1000);

    await stores[0].saveClient({ clientId: 'u1', metadata: {}, unconfirmedExpiresAtMs: clock.now() + 1000 });
    await stores[0].saveClient({ clientId: 'u2', metadata: {}, unconfirmedExpiresAtMs: clock.now() + 1000 });
    expect((await stores[1].getClient('u1'))?.unconfirmedExpiresAtMs).toBe(clock.now() + 1000);
    await stores[1].confirmClient('u1');
    clock.advanceSeconds(2);
    expect(await stores[2].getClient('u1')).toEqual({ clientId: 'u1', metadata: {} });
    expect(await stores[2].getClient('u2')).toBeUndefined();
    expect(await stores[2].purgeExpired()).toBeGreaterThanOrEqual(1);
  });

  it('S70 keeps keys as hashes and client secrets hashed in the table', async () => {
    const store = new PostgresOAuthStore({ pool, purgeIntervalMs: 0 });
    await store.saveClient({ clientId: 'hashed', metadata: {}, clientSecretHash: 'sha256:abc' });
    const { rows } = await pool.query(`SELECT data FROM mcp_auth_clients WHERE client_id = 'hashed'`);
    expect(rows[0].data.clientSecretHash).toBe('sha256:abc');
  });

  it('S70 runs its purge on an unref()ed timer that close() stops', async () => {
    const store = new PostgresOAuthStore({ pool, purgeIntervalMs: 1000 });
    const timer = (store as unknown as { purgeTimer: NodeJS.Timeout }).purgeTimer;
    expect(timer.hasRef()).toBe(false);
    store.close();
    expect(new PostgresOAuthStore({ pool, purgeIntervalMs: 0 })).not.toHaveProperty('purgeTimer', expect.anything());
  });

  it('S49 S70 fails fast with StorageUnavailableError when PostgreSQL is unreachable', async () => {
    const port = await freeLoopbackPort();
    const dead = new pg.Pool({
      connectionString: `postgres://postgres@127.0.0.1:${port}/test`,
      connectionTimeoutMillis: 1000,
    });
    dead.on('error', () => undefined);
    const store = new PostgresOAuthStore({ pool: dead, operationTimeoutMs: 1500, purgeIntervalMs: 0 });
    const started = Date.now();
    await expect(store.getClient('x')).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(store.consumeAuthorizationCode('x')).rejects.toMatchObject({ retryAfterSeconds: expect.any(Number) });
    expect(Date.now() - started).toBeLessThan(4000);
    await dead.end();
  });

  it('S49 S70 bounds an operation that hangs (a lock held elsewhere) by operationTimeoutMs', async () => {
    const locker = await pool.connect();
    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE mcp_auth_clients IN ACCESS EXCLUSIVE MODE`);
    try {
      const store = new PostgresOAuthStore({
        pool: db.pool({ statement_timeout: 0, query_timeout: 0 }),
        operationTimeoutMs: 300,
        purgeIntervalMs: 0,
      });
      const started = Date.now();
      await expect(store.getClient('x')).rejects.toBeInstanceOf(StorageUnavailableError);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
    }
  });

  it('S70 rethrows errors that are not outages (a missing table is a bug, not a 503)', async () => {
    const bare = await createTestSchema('store_bare', { migrate: false });
    try {
      const store = new PostgresOAuthStore({ pool: bare.pool(), purgeIntervalMs: 0 });
      const error = await store.getClient('x').catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(StorageUnavailableError);
      expect((error as { code?: string }).code).toBe('42P01');
    } finally {
      await bare.drop();
    }
  });
});

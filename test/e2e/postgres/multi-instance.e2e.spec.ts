import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresOAuthStore } from '../../../lib/stores/postgres/postgres-oauth-store.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';
import {
  announcePostgresSkip,
  createTestSchema,
  postgresUnavailableReason,
  type TestSchema,
} from '../../support/postgres-server.js';
import { callMcp, type Instance, OAuthFlow, startInstanceOn } from '../redis/redis-as-app.js';

announcePostgresSkip('PostgreSQL multi-instance e2e (S70: S11, S12, S22, S44)');

describe.skipIf(postgresUnavailableReason())('two instances sharing one PostgreSQL database (S70)', () => {
  let db: TestSchema;
  let a: Instance;
  let b: Instance;
  const signingKey = ecKeyPem().privateKey;
  /** Each instance has its own pool (its own connections), as separate processes would. */
  const instance = () => startInstanceOn(new PostgresOAuthStore({ pool: db.pool(), purgeIntervalMs: 0 }), signingKey);

  beforeAll(async () => {
    db = await createTestSchema('multi_instance');
    a = await instance();
    b = await instance();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('S70 S11 S44 a code issued on A is redeemed on B; a replay on A is refused and kills the tokens on both', async () => {
    const flow = new OAuthFlow(() => a);
    await flow.register();
    const code = await flow.authorize();
    const tokens = await flow.redeem(b, code);
    expect(tokens.status).toBe(200);
    expect((await callMcp(a, tokens.body.access_token)).status).toBe(200);
    expect((await callMcp(b, tokens.body.access_token)).status).toBe(200);
    const replay = await flow.redeem(a, code);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect((await callMcp(b, tokens.body.access_token)).status).toBe(401);
    expect((await callMcp(a, tokens.body.access_token)).status).toBe(401);
    expect((await flow.refresh(b, tokens.body.refresh_token)).body.error).toBe('invalid_grant');
  });

  it('S70 S12 50 parallel redemptions of one code through /token on both instances: exactly one succeeds', async () => {
    const flow = new OAuthFlow(() => a);
    await flow.register();
    const code = await flow.authorize();
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => flow.redeem(i % 2 ? a : b, code)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(49);
    for (const r of responses) if (r.status === 400) expect(r.body.error).toBe('invalid_grant');
    const winner = responses.find((r) => r.status === 200)!;
    expect((await callMcp(a, winner.body.access_token)).status).toBe(401);
  });

  it('S70 S22 S44 a refresh token rotated on A and replayed on B is detected and the whole grant revoked', async () => {
    const flow = new OAuthFlow(() => b);
    await flow.register();
    const tokens = (await flow.redeem(a, await flow.authorize())).body;
    const rotated = await flow.refresh(a, tokens.refresh_token);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(tokens.refresh_token);
    const later = await flow.refresh(b, rotated.body.refresh_token);
    expect(later.status).toBe(200);
    const replay = await flow.refresh(b, tokens.refresh_token);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    const newest = await flow.refresh(a, later.body.refresh_token);
    expect(newest.status).toBe(400);
    expect(newest.body.error).toBe('invalid_grant');
    expect((await callMcp(a, later.body.access_token)).status).toBe(401);
    expect((await callMcp(b, rotated.body.access_token)).status).toBe(401);
  });

  it('S70 S44 a token revoked on A is refused on B; revoking the refresh token on B ends the grant on A', async () => {
    const flow = new OAuthFlow(() => a);
    await flow.register();
    const tokens = (await flow.redeem(a, await flow.authorize())).body;
    expect((await callMcp(b, tokens.access_token)).status).toBe(200);
    expect((await flow.revoke(a, tokens.access_token)).status).toBe(200);
    expect((await callMcp(b, tokens.access_token)).status).toBe(401);
    expect((await flow.revoke(b, tokens.refresh_token)).status).toBe(200);
    expect((await flow.refresh(a, tokens.refresh_token)).body.error).toBe('invalid_grant');
  });

  it('S70 S44 every step on alternating instances, with both instances restarted (new processes, new pools) mid-flow', async () => {
    let step = 0;
    const flow = new OAuthFlow(() => (step++ % 2 === 0 ? a : b));
    await flow.register();
    const code = await flow.authorize();
    await a.close();
    a = await instance();
    const tokens = await flow.redeem(a, code);
    expect(tokens.status).toBe(200);
    await b.close();
    b = await instance();
    expect((await callMcp(b, tokens.body.access_token)).status).toBe(200);
    const rotated = await flow.refresh(b, tokens.body.refresh_token);
    expect(rotated.status).toBe(200);
    await a.close();
    a = await instance();
    expect((await callMcp(a, rotated.body.access_token)).status).toBe(200);
    const onwards = await flow.refresh(a, rotated.body.refresh_token);
    expect(onwards.status).toBe(200);
    const replay = await flow.refresh(b, tokens.body.refresh_token);
    expect(replay.body.error).toBe('invalid_grant');
    expect((await callMcp(b, onwards.body.access_token)).status).toBe(401);
  });
});

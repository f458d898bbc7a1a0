import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecKeyPem } from '../../support/provider-fixtures.js';
import {
  announceRedisSkip,
  redisUnavailableReason,
  startTestRedis,
  type TestRedis,
  whenReady,
} from '../../support/redis-server.js';
import { clientSigningKey, JWT_BEARER, signClientAssertion } from '../../support/client-assertion.js';
import { callMcp, type Instance, ISSUER, OAuthFlow, REDIRECT_URI, startInstance } from './redis-as-app.js';

announceRedisSkip('Redis multi-instance e2e (S44, S12)');

describe.skipIf(redisUnavailableReason())('two instances sharing one Redis (S44)', () => {
  let redis: TestRedis;
  let a: Instance;
  let b: Instance;
  const signingKey = ecKeyPem().privateKey;
  const prefix = `e2e-${process.pid}:`;

  beforeAll(async () => {
    redis = await startTestRedis();
    a = await startInstance(await whenReady(redis.client()), signingKey, {}, prefix);
    b = await startInstance(await whenReady(redis.client()), signingKey, {}, prefix);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it('S44 a code issued on A is redeemed on B; the token works on both; a replay on A is refused', async () => {
    const flow = new OAuthFlow(() => a);
    await flow.register();
    const code = await flow.authorize();
    const tokens = await flow.redeem(b, code);
    expect(tokens.status).toBe(200);
    expect(tokens.body.token_type).toBe('Bearer');
    expect((await callMcp(a, tokens.body.access_token)).status).toBe(200);
    expect((await callMcp(b, tokens.body.access_token)).status).toBe(200);
    const replay = await flow.redeem(a, code);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect((await callMcp(b, tokens.body.access_token)).status).toBe(401);
  });

  it('S44 S22 a refresh token rotated on A, whose successor was used, replayed on B is detected and the grant revoked', async () => {
    const flow = new OAuthFlow(() => b);
    await flow.register();
    const tokens = (await flow.redeem(a, await flow.authorize())).body;
    const rotated = await flow.refresh(a, tokens.refresh_token);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(tokens.refresh_token);
    const successorUsed = await flow.refresh(a, rotated.body.refresh_token);
    expect(successorUsed.status).toBe(200);
    const replay = await flow.refresh(b, tokens.refresh_token);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    const newest = await flow.refresh(a, successorUsed.body.refresh_token);
    expect(newest.status).toBe(400);
    expect(newest.body.error).toBe('invalid_grant');
    expect((await callMcp(a, successorUsed.body.access_token)).status).toBe(401);
    expect((await callMcp(b, tokens.access_token)).status).toBe(401);
  });

  it('S44 S9 a token revoked on A is refused on B', async () => {
    const flow = new OAuthFlow(() => a);
    await flow.register();
    const tokens = (await flow.redeem(a, await flow.authorize())).body;
    expect((await callMcp(b, tokens.access_token)).status).toBe(200);
    expect((await flow.revoke(a, tokens.access_token)).status).toBe(200);
    const refused = await callMcp(b, tokens.access_token);
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');
    expect((await flow.revoke(b, tokens.refresh_token)).status).toBe(200);
    expect((await flow.refresh(a, tokens.refresh_token)).body.error).toBe('invalid_grant');
  });

  it('S44 every step of the flow on alternating instances, with A closed and re-created mid-flow', async () => {
    let step = 0;
    const flow = new OAuthFlow(() => (step++ % 2 === 0 ? a : b));
    await flow.register();
    const code = await flow.authorize();
    await a.close();
    a = await startInstance(await whenReady(redis.client()), signingKey, {}, prefix);
    const tokens = await flow.redeem(a, code);
    expect(tokens.status).toBe(200);
    await b.close();
    b = await startInstance(await whenReady(redis.client()), signingKey, {}, prefix);
    expect((await callMcp(b, tokens.body.access_token)).status).toBe(200);
    const rotated = await flow.refresh(b, tokens.body.refresh_token);
    expect(rotated.status).toBe(200);
    expect((await callMcp(a, rotated.body.access_token)).status).toBe(200);
  });

  it('S12 50 parallel redemptions of one code through /token on both instances: exactly one succeeds', async () => {
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

  it('S65 S44 a client assertion accepted on A is a replay on B (jti in Redis); of 10 parallel uses on both, one succeeds', async () => {
    const key = await clientSigningKey('ES256', 'redis-e2e');
    const registered = await a
      .http()
      .post('/register')
      .send({
        redirect_uris: [REDIRECT_URI],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [key.publicJwk] },
      });
    expect(registered.status).toBe(201);
    const clientId = registered.body.client_id as string;
    const revokeWith = (on: Instance, assertion: string) =>
      on.http().post('/revoke').type('form').send({
        token: 'unknown-token',
        client_assertion_type: JWT_BEARER,
        client_assertion: assertion,
      });
    const assertion = await signClientAssertion(key, clientId, ISSUER);
    expect((await revokeWith(a, assertion)).status).toBe(200);
    const replay = await revokeWith(b, assertion);
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('invalid_client');
    expect(replay.body.error_description).toContain('already used');

    const contested = await signClientAssertion(key, clientId, ISSUER);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => revokeWith(i % 2 ? a : b, contested)));
    expect(results.map((res) => res.status).sort()).toEqual([200, ...Array(9).fill(401)]);
  });
});

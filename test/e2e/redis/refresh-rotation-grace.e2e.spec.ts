import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryOAuthStore } from '../../../lib/stores/memory-oauth-store.js';
import { RedisOAuthStore } from '../../../lib/stores/redis/redis-oauth-store.js';
import { ManualClock } from '../../support/manual-clock.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';
import {
  announceRedisSkip,
  redisUnavailableReason,
  startTestRedis,
  type TestRedis,
  whenReady,
} from '../../support/redis-server.js';
import { callMcp, type Instance, OAuthFlow, startInstanceOn } from './redis-as-app.js';

announceRedisSkip('Refresh rotation grace e2e on Redis (S61)');

const signingKey = ecKeyPem().privateKey;
const PARALLEL = 8;
const ROUNDS = 15;

interface Target {
  name: string;
  needsRedis: boolean;
  start(clock: ManualClock, redis?: TestRedis): Promise<Instance[]>;
}

const targets: Target[] = [
  {
    name: 'memory store',
    needsRedis: false,
    start: async (clock) => [
      await startInstanceOn(new MemoryOAuthStore({ clock, sweepIntervalMs: 0 }), signingKey, {}, { clock }),
    ],
  },
  {
    name: 'Redis store',
    needsRedis: true,
    start: async (clock, redis) => {
      const store = new RedisOAuthStore({ client: await whenReady(redis!.client()), clock, keyPrefix: 'grace1:' });
      return [await startInstanceOn(store, signingKey, {}, { clock })];
    },
  },
  {
    name: 'two instances on one Redis',
    needsRedis: true,
    start: async (clock, redis) => {
      const instance = async () =>
        startInstanceOn(
          new RedisOAuthStore({ client: await whenReady(redis!.client()), clock, keyPrefix: 'grace2:' }),
          signingKey,
          {},
          { clock },
        );
      return [await instance(), await instance()];
    },
  },
];

let redis: TestRedis | undefined;
beforeAll(async () => {
  if (!redisUnavailableReason()) redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

for (const target of targets) {
  describe.skipIf(target.needsRedis && redisUnavailableReason())(
    `refresh rotation grace over HTTP: ${target.name}`,
    () => {
      let instances: Instance[] = [];
      let clock: ManualClock;
      let turn = 0;
      const next = () => instances[turn++ % instances.length]!;

      beforeAll(async () => {
        clock = new ManualClock(Date.now());
        instances = await target.start(clock, redis);
      });
      afterAll(async () => {
        for (const instance of instances) await instance.close();
      });

      async function signedIn(): Promise<{ flow: OAuthFlow; tokens: { access_token: string; refresh_token: string } }> {
        const flow = new OAuthFlow(() => next());
        await flow.register();
        const redeemed = await flow.redeem(next(), await flow.authorize());
        expect(redeemed.status).toBe(200);
        return { flow, tokens: redeemed.body };
      }

      it(`S61 ${PARALLEL} identical refreshes at the same moment, ${ROUNDS} rounds: all succeed with one successor`, async () => {
        const { flow, tokens } = await signedIn();
        let refreshToken = tokens.refresh_token;
        for (let round = 0; round < ROUNDS; round++) {
          const responses = await Promise.all(
            Array.from({ length: PARALLEL }, (_, i) => flow.refresh(instances[i % instances.length]!, refreshToken)),
          );
          expect(responses.map((r) => r.status)).toEqual(Array(PARALLEL).fill(200));
          const successors = new Set(responses.map((r) => r.body.refresh_token as string));
          expect(successors.size).toBe(1);
          const [successor] = [...successors];
          expect(successor).not.toBe(refreshToken);
          for (const response of responses.slice(0, 2)) {
            expect((await callMcp(next(), response.body.access_token)).status).toBe(200);
          }
          refreshToken = successor!;
        }
      });

      it('S61 a lost refresh response and a retry 2 s later get the same successor; the chain goes on', async () => {
        const { flow, tokens } = await signedIn();
        const lost = await flow.refresh(next(), tokens.refresh_token);
        expect(lost.status).toBe(200);
        clock.advanceSeconds(2);
        const retry = await flow.refresh(next(), tokens.refresh_token);
        expect(retry.status).toBe(200);
        expect(retry.body.refresh_token).toBe(lost.body.refresh_token);
        expect(retry.body.access_token).not.toBe(lost.body.access_token);
        expect((await callMcp(next(), retry.body.access_token)).status).toBe(200);
        const onwards = await flow.refresh(next(), retry.body.refresh_token);
        expect(onwards.status).toBe(200);
      });

      it('S61 S22 after the successor was used, the rotated token is reuse and the grant is revoked', async () => {
        const { flow, tokens } = await signedIn();
        const second = await flow.refresh(next(), tokens.refresh_token);
        const third = await flow.refresh(next(), second.body.refresh_token);
        expect(third.status).toBe(200);
        const replay = await flow.refresh(next(), tokens.refresh_token);
        expect(replay.status).toBe(400);
        expect(replay.body.error).toBe('invalid_grant');
        expect((await callMcp(next(), third.body.access_token)).status).toBe(401);
        expect((await flow.refresh(next(), third.body.refresh_token)).status).toBe(400);
      });

      it('S61 S22 after the 30 s window, the rotated token is reuse and the grant is revoked', async () => {
        const { flow, tokens } = await signedIn();
        const second = await flow.refresh(next(), tokens.refresh_token);
        clock.advanceSeconds(31);
        const replay = await flow.refresh(next(), tokens.refresh_token);
        expect(replay.status).toBe(400);
        expect(replay.body.error).toBe('invalid_grant');
        expect((await callMcp(next(), second.body.access_token)).status).toBe(401);
      });

      it('S61 S23 another client presenting a rotated token within the window is refused and the grant revoked', async () => {
        const { flow, tokens } = await signedIn();
        const second = await flow.refresh(next(), tokens.refresh_token);
        const thief = new OAuthFlow(() => next());
        await thief.register();
        const stolen = await thief.refresh(next(), tokens.refresh_token);
        expect(stolen.status).toBe(400);
        expect(stolen.body.error).toBe('invalid_grant');
        expect((await callMcp(next(), second.body.access_token)).status).toBe(401);
        expect((await flow.refresh(next(), second.body.refresh_token)).status).toBe(400);
      });
    },
  );
}

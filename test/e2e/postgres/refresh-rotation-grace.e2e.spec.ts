import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefaultOAuthProvider } from '../../../lib/provider/default-oauth-provider.js';
import { PostgresOAuthStore } from '../../../lib/stores/postgres/postgres-oauth-store.js';
import { ManualClock } from '../../support/manual-clock.js';
import {
  announcePostgresSkip,
  createTestSchema,
  postgresUnavailableReason,
  type TestSchema,
} from '../../support/postgres-server.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';
import { callMcp, type Instance, OAuthFlow, startInstanceOn } from '../redis/redis-as-app.js';

announcePostgresSkip('Refresh rotation grace e2e on PostgreSQL (S70: S61 across instances)');

/** Rotation grace (S61) lives in the provider; this file runs once the provider has it. */
const noGrace =
  'graceSuccessor' in DefaultOAuthProvider.prototype
    ? undefined
    : 'DefaultOAuthProvider has no refresh rotation grace (S61) yet';
if (noGrace) console.warn(`\n!!! SKIPPED refresh rotation grace on PostgreSQL: ${noGrace} !!!\n`);

const PARALLEL = 8;
const ROUNDS = 10;

describe.skipIf(postgresUnavailableReason() ?? noGrace)(
  'refresh rotation grace: two instances on one PostgreSQL (S70)',
  () => {
    let db: TestSchema;
    let instances: Instance[] = [];
    let clock: ManualClock;
    let turn = 0;
    const next = () => instances[turn++ % instances.length]!;
    const signingKey = ecKeyPem().privateKey;

    beforeAll(async () => {
      db = await createTestSchema('grace');
      clock = new ManualClock(Date.now());
      const instance = () =>
        startInstanceOn(
          new PostgresOAuthStore({ pool: db.pool(), clock, purgeIntervalMs: 0 }),
          signingKey,
          {},
          { clock },
        );
      instances = [await instance(), await instance()];
    });
    afterAll(async () => {
      for (const instance of instances) await instance.close();
      await db?.drop();
    });

    async function signedIn(): Promise<{ flow: OAuthFlow; tokens: { access_token: string; refresh_token: string } }> {
      const flow = new OAuthFlow(() => next());
      await flow.register();
      const redeemed = await flow.redeem(next(), await flow.authorize());
      expect(redeemed.status).toBe(200);
      return { flow, tokens: redeemed.body };
    }

    it(`S70 ${PARALLEL} identical refreshes at once on both instances, ${ROUNDS} rounds: all succeed with one successor`, async () => {
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
        expect((await callMcp(next(), responses[0]!.body.access_token)).status).toBe(200);
        refreshToken = successor!;
      }
    });

    it('S70 a lost refresh response on A and a retry on B 2 s later get the same successor', async () => {
      const { flow, tokens } = await signedIn();
      const lost = await flow.refresh(instances[0]!, tokens.refresh_token);
      expect(lost.status).toBe(200);
      clock.advanceSeconds(2);
      const retry = await flow.refresh(instances[1]!, tokens.refresh_token);
      expect(retry.status).toBe(200);
      expect(retry.body.refresh_token).toBe(lost.body.refresh_token);
      expect((await flow.refresh(instances[0]!, retry.body.refresh_token)).status).toBe(200);
    });

    it('S70 S22 after the successor was used, or after the window, the rotated token is reuse and the grant is revoked', async () => {
      const used = await signedIn();
      const second = await used.flow.refresh(instances[0]!, used.tokens.refresh_token);
      const third = await used.flow.refresh(instances[1]!, second.body.refresh_token);
      expect(third.status).toBe(200);
      const replay = await used.flow.refresh(instances[0]!, used.tokens.refresh_token);
      expect(replay.body.error).toBe('invalid_grant');
      expect((await callMcp(instances[1]!, third.body.access_token)).status).toBe(401);

      const late = await signedIn();
      const rotated = await late.flow.refresh(instances[1]!, late.tokens.refresh_token);
      clock.advanceSeconds(31);
      const lateReplay = await late.flow.refresh(instances[0]!, late.tokens.refresh_token);
      expect(lateReplay.body.error).toBe('invalid_grant');
      expect((await callMcp(instances[0]!, rotated.body.access_token)).status).toBe(401);
    });
  },
);

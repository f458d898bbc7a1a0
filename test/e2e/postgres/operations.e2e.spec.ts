import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpAuthEvent } from '../../../lib/events/mcp-auth-events.js';
import { McpAuthOperations } from '../../../lib/operations/mcp-auth-operations.service.js';
import { MemoryOAuthStore } from '../../../lib/stores/memory-oauth-store.js';
import type { OAuthStore } from '../../../lib/stores/oauth-store.interface.js';
import { PostgresOAuthStore } from '../../../lib/stores/postgres/postgres-oauth-store.js';
import { RedisOAuthStore } from '../../../lib/stores/redis/redis-oauth-store.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';
import { createTestSchema, postgresUnavailableReason, type TestSchema } from '../../support/postgres-server.js';
import { redisUnavailableReason, startTestRedis, type TestRedis, whenReady } from '../../support/redis-server.js';
import { callMcp, type Instance, OAuthFlow, startInstanceOn } from '../redis/redis-as-app.js';

interface StoreUnderTest {
  name: string;
  skip?: string;
  open(): Promise<OAuthStore>;
  close(): Promise<void>;
}

let db: TestSchema | undefined;
let redis: TestRedis | undefined;
const stores: StoreUnderTest[] = [
  {
    name: 'memory',
    open: async () => new MemoryOAuthStore({ sweepIntervalMs: 0 }),
    close: async () => undefined,
  },
  {
    name: 'PostgreSQL',
    skip: postgresUnavailableReason(),
    open: async () => {
      db = await createTestSchema('operations');
      return new PostgresOAuthStore({ pool: db.pool(), purgeIntervalMs: 0 });
    },
    close: async () => db?.drop(),
  },
  {
    name: 'Redis',
    skip: redisUnavailableReason(),
    open: async () => {
      redis = await startTestRedis();
      return new RedisOAuthStore({ client: await whenReady(redis.client()), keyPrefix: `ops-${process.pid}:` });
    },
    close: async () => redis?.stop(),
  },
];

for (const storeUnderTest of stores) {
  if (storeUnderTest.skip)
    console.warn(`\n!!! SKIPPED operations e2e on ${storeUnderTest.name}: ${storeUnderTest.skip} !!!\n`);

  describe.skipIf(storeUnderTest.skip)(`McpAuthOperations on ${storeUnderTest.name} (S70)`, () => {
    let app: Instance;
    let operations: McpAuthOperations;
    const events: McpAuthEvent[] = [];

    beforeAll(async () => {
      app = await startInstanceOn(await storeUnderTest.open(), ecKeyPem().privateKey, {
        onEvent: (event) => void events.push(event),
      });
      operations = app.app.get(McpAuthOperations);
    });
    afterAll(async () => {
      await app?.close();
      await storeUnderTest.close();
    });

    const signedIn = async () => {
      const flow = new OAuthFlow(() => app);
      await flow.register();
      const tokens = (await flow.redeem(app, await flow.authorize())).body;
      return { flow, tokens };
    };

    it("S70 lists a user's grants and revokes everything of the user: refresh and access tokens stop working", async () => {
      const first = await signedIn();
      const second = await signedIn();
      const grants = await operations.grantsOfUser('alice');
      const ours = grants.filter((g) => [first.flow.clientId, second.flow.clientId].includes(g.clientId));
      expect(ours).toHaveLength(2);
      expect(ours.every((g) => !g.revoked && g.subject === 'alice')).toBe(true);
      expect(await operations.grantsOfClient(first.flow.clientId)).toHaveLength(1);

      const revoked = await operations.revokeAllOfUser('alice');
      expect(revoked).toBeGreaterThanOrEqual(2);
      for (const { flow, tokens } of [first, second]) {
        expect((await callMcp(app, tokens.access_token)).status).toBe(401);
        expect((await flow.refresh(app, tokens.refresh_token)).body.error).toBe('invalid_grant');
      }
      expect((await operations.grantsOfUser('alice')).every((g) => g.revoked)).toBe(true);
      expect(await operations.revokeAllOfUser('alice')).toBe(0);
      const revokedEvents = events.filter((e) => e.type === 'grant.revoked' && e.reason === 'operations');
      expect(revokedEvents.length).toBe(revoked);
    });

    it('S70 revokes one grant and leaves the others', async () => {
      const kept = await signedIn();
      const ended = await signedIn();
      const [grant] = await operations.grantsOfClient(ended.flow.clientId);
      await operations.revokeGrant(grant.grantId);
      expect((await callMcp(app, ended.tokens.access_token)).status).toBe(401);
      expect((await callMcp(app, kept.tokens.access_token)).status).toBe(200);
      expect((await kept.flow.refresh(app, kept.tokens.refresh_token)).status).toBe(200);
      await operations.revokeGrant('no-such-grant');
    });

    it('S70 lists clients page by page and deletes a client with its grants', async () => {
      const { flow, tokens } = await signedIn();
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await operations.listClients({ limit: 2, cursor });
        seen.push(...page.clients.map((c) => c.clientId));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toContain(flow.clientId);
      await operations.deleteClient(flow.clientId);
      expect((await operations.listClients({ limit: 1000 })).clients.map((c) => c.clientId)).not.toContain(
        flow.clientId,
      );
      expect((await callMcp(app, tokens.access_token)).status).toBe(401);
      expect((await flow.refresh(app, tokens.refresh_token)).status).toBe(401);
      expect(typeof (await operations.purgeExpired())).toBe('number');
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresOAuthStore } from '../../../lib/stores/postgres/postgres-oauth-store.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';
import {
  createTestSchema,
  type OwnPostgres,
  ownPostgresUnavailableReason,
  startOwnPostgres,
  type TestSchema,
} from '../../support/postgres-server.js';
import { callMcp, type Instance, OAuthFlow, startInstanceOn } from '../redis/redis-as-app.js';

const unavailable = ownPostgresUnavailableReason();
if (unavailable) console.warn(`\n!!! SKIPPED PostgreSQL outage e2e (S49, S70): ${unavailable} !!!\n`);

describe.skipIf(unavailable)('PostgreSQL outage: a server of our own, killed and started again (S49, S70)', () => {
  let server: OwnPostgres;
  let db: TestSchema;
  let app: Instance;
  const signingKey = ecKeyPem().privateKey;

  beforeAll(async () => {
    server = await startOwnPostgres();
    db = await createTestSchema('outage', { url: server.url });
    app = await startInstanceOn(
      new PostgresOAuthStore({ pool: db.pool(), purgeIntervalMs: 0, operationTimeoutMs: 1500 }),
      signingKey,
    );
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await db?.drop().catch(() => undefined);
    await server?.destroy();
  });

  it('S49 S70 answers 503 temporarily_unavailable fast while PostgreSQL is down, then resumes by itself with its data intact', async () => {
    const flow = new OAuthFlow(() => app);
    await flow.register();
    const tokens = (await flow.redeem(app, await flow.authorize())).body;
    expect((await callMcp(app, tokens.access_token)).status).toBe(200);

    await server.kill();
    const started = Date.now();
    const during = await Promise.all([
      callMcp(app, tokens.access_token),
      flow.refresh(app, tokens.refresh_token),
      app
        .http()
        .post('/register')
        .send({ redirect_uris: ['http://127.0.0.1:9/cb'], token_endpoint_auth_method: 'none' }),
      flow.revoke(app, tokens.access_token),
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
    for (const res of during) {
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('temporarily_unavailable');
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(JSON.stringify(res.body)).not.toContain(tokens.refresh_token);
    }

    await server.start();
    let recovered = 0;
    for (let attempt = 0; attempt < 60 && recovered !== 200; attempt++) {
      recovered = (await callMcp(app, tokens.access_token)).status;
      if (recovered !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(recovered).toBe(200);
    const rotated = await flow.refresh(app, tokens.refresh_token);
    expect(rotated.status).toBe(200);
    expect((await flow.refresh(app, rotated.body.refresh_token)).status).toBe(200);
    const replay = await flow.refresh(app, tokens.refresh_token);
    expect(replay.body.error).toBe('invalid_grant');
  }, 60_000);
});

import type { INestApplication } from '@nestjs/common';
import type { Pool } from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type DocBlockDriver, setEnv } from '../../support/doc-block-runtime.js';
import {
  announcePostgresSkip,
  createTestSchema,
  postgresUnavailableReason,
  type TestSchema,
} from '../../support/postgres-server.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';
import { freeLoopbackPort } from '../../support/redis-server.js';
import { createTestApplicationFromModule } from '../../support/test-app.js';
import { tokenThroughPages } from '../../support/token-through-pages.js';

/** docs/stores.md, PostgreSQL: the block's pool on a fresh schema of the test database, migrated at startup. */
const postgresStore: DocBlockDriver = (block) => {
  const skipped = postgresUnavailableReason();
  announcePostgresSkip(`doc-test ${block.name}`);
  let db: TestSchema;
  let app: INestApplication;
  let pool: Pool | undefined;
  let baseUrl: string;
  let restoreEnv: () => void;

  beforeAll(async () => {
    if (skipped) return;
    db = await createTestSchema('docs', { migrate: false });
    const databaseUrl = new URL(db.url);
    databaseUrl.searchParams.set('options', `-c search_path=${db.schema}`);
    const port = await freeLoopbackPort();
    baseUrl = `http://127.0.0.1:${port}`;
    restoreEnv = setEnv({
      DATABASE_URL: databaseUrl.toString(),
      BASE_URL: baseUrl,
      SIGNING_KEY_PEM: ecKeyPem().privateKey,
    });
    const { exports } = await block.run();
    pool = exports.pool as Pool;
    app = await createTestApplicationFromModule(exports.AppModule, { logger: false });
    await app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await pool?.end();
    await db?.drop();
    restoreEnv?.();
  });

  it.skipIf(skipped)(
    'S70 migrates the schema at startup and keeps the grant of a sign-in through the pages in PostgreSQL',
    async () => {
      const { rows: versions } = await db.pool().query('SELECT count(*)::int AS n FROM mcp_auth_schema_version');
      expect(versions[0].n).toBeGreaterThan(0);
      const tokens = await tokenThroughPages(baseUrl, 'notes:read');
      expect(tokens.accessToken).toEqual(expect.any(String));
      const { rows } = await db.pool().query('SELECT count(*)::int AS n FROM mcp_auth_grants');
      expect(rows[0].n).toBe(1);
    },
  );
};

export default postgresStore;

import pg from 'pg';
import { migrate, POSTGRES_FAIL_FAST_OPTIONS, PostgresOAuthStore } from '../../lib/index.js';

/** The database the PostgreSQL benchmark uses: `DATABASE_URL`, else the local server's `test` database. */
export const BENCH_DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** A `PostgresOAuthStore` on a schema of its own (created, migrated, dropped by `drop()`). */
export async function openBenchPostgresStore(): Promise<{ store: PostgresOAuthStore; drop(): Promise<void> }> {
  const schema = `mcp_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  await admin.end();
  const pool = new pg.Pool({
    connectionString: BENCH_DATABASE_URL,
    ...POSTGRES_FAIL_FAST_OPTIONS,
    max: 10,
    options: `-c search_path=${schema}`,
  });
  await migrate(pool);
  const store = new PostgresOAuthStore({ pool, purgeIntervalMs: 0 });
  return {
    store,
    async drop() {
      store.close();
      await pool.end();
      const cleanup = new pg.Client({ connectionString: BENCH_DATABASE_URL });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await cleanup.end();
    },
  };
}

/** Why the PostgreSQL benchmark cannot run, or `undefined` when the database answers. */
export async function benchPostgresUnavailableReason(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `no PostgreSQL at DATABASE_URL (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

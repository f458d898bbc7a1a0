import pg from 'pg';
import { POSTGRES_FAIL_FAST_OPTIONS, PostgresOAuthStore } from '../lib/index.js';

/**
 * The sample's PostgreSQL store: a fail-fast pool on `databaseUrl`, the
 * schema migrated at start (safe with several instances), then checked.
 */
export async function openPostgresStore(databaseUrl: string): Promise<PostgresOAuthStore> {
  const pool = new pg.Pool({ connectionString: databaseUrl, ...POSTGRES_FAIL_FAST_OPTIONS });
  pool.on('error', () => undefined);
  return PostgresOAuthStore.open({ pool, migrate: true });
}

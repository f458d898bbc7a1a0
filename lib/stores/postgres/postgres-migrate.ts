import type { Pool } from 'pg';
import { POSTGRES_MIGRATIONS, POSTGRES_SCHEMA_VERSION } from './postgres-migrations.js';

/** Key of the transaction-scoped advisory lock that serializes concurrent migrations. */
const MIGRATION_LOCK_KEY = 'nestjs-mcp-auth:migrate';

/** What {@link migrate} did. */
export interface MigrationResult {
  /** Versions applied by this call (empty when the schema was already current). */
  applied: number[];
  /** Schema version after the call. */
  version: number;
}

/**
 * Brings the schema of {@link PostgresOAuthStore} up to date: creates
 * `mcp_auth_schema_version` and runs every shipped migration not recorded
 * there, all in ONE transaction under an advisory lock, so concurrent callers
 * (several instances starting at once) wait for each other and running it
 * twice is harmless. Tables go into the connection's `search_path` schema.
 *
 * Command line: `DATABASE_URL=postgres://… npx nestjs-mcp-auth-migrate`.
 */
export async function migrate(pool: Pool): Promise<MigrationResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [MIGRATION_LOCK_KEY]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS mcp_auth_schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number }>('SELECT version FROM mcp_auth_schema_version');
    const done = new Set(rows.map((row) => Number(row.version)));
    const applied: number[] = [];
    for (const migration of POSTGRES_MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO mcp_auth_schema_version (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return { applied, version: Math.max(0, ...done, ...applied) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Checks at startup that the database holds the schema version this package
 * needs, and throws an error that says what to run when it does not.
 */
export async function checkPostgresSchema(pool: Pool): Promise<void> {
  let version: number;
  try {
    const { rows } = await pool.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM mcp_auth_schema_version',
    );
    version = Number(rows[0]?.version ?? 0);
  } catch (error) {
    if ((error as { code?: string }).code !== '42P01') throw error;
    version = 0;
  }
  if (version === POSTGRES_SCHEMA_VERSION) return;
  if (version > POSTGRES_SCHEMA_VERSION) {
    throw new PostgresSchemaVersionError(
      `PostgresOAuthStore: the database schema is at version ${version}, newer than this nestjs-mcp-auth ` +
        `knows (${POSTGRES_SCHEMA_VERSION}). Upgrade nestjs-mcp-auth.`,
    );
  }
  throw new PostgresSchemaVersionError(
    `PostgresOAuthStore: the database schema is at version ${version}, this nestjs-mcp-auth needs version ` +
      `${POSTGRES_SCHEMA_VERSION}. Run the migrations: \`DATABASE_URL=… npx nestjs-mcp-auth-migrate\`, ` +
      `or \`await migrate(pool)\` at startup (or pass \`migrate: true\` to PostgresOAuthStore.open).`,
  );
}

/** The database schema does not match the version this package needs. */
export class PostgresSchemaVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PostgresSchemaVersionError';
  }
}

#!/usr/bin/env node
import { migrate } from './postgres-migrate.js';

/**
 * `npx nestjs-mcp-auth-migrate`: applies the PostgresOAuthStore migrations to
 * the database in `DATABASE_URL` (tables go into its `search_path`; set
 * `PGOPTIONS=-csearch_path=<schema>` for another schema). Safe to run twice.
 */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('nestjs-mcp-auth-migrate: set DATABASE_URL (postgres://user@host:5432/db)');
    process.exitCode = 2;
    return;
  }
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 10_000 });
  try {
    const result = await migrate(pool);
    console.log(
      result.applied.length
        ? `nestjs-mcp-auth-migrate: applied ${result.applied.join(', ')}; schema version ${result.version}`
        : `nestjs-mcp-auth-migrate: schema already at version ${result.version}`,
    );
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(`nestjs-mcp-auth-migrate: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});

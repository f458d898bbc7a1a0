import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresOAuthStore } from '../../../lib/stores/postgres/postgres-oauth-store.js';
import {
  checkPostgresSchema,
  migrate,
  PostgresSchemaVersionError,
} from '../../../lib/stores/postgres/postgres-migrate.js';
import { POSTGRES_SCHEMA_VERSION } from '../../../lib/stores/postgres/postgres-migrations.js';
import {
  announcePostgresSkip,
  createTestSchema,
  postgresUnavailableReason,
  type TestSchema,
} from '../../support/postgres-server.js';

announcePostgresSkip('PostgreSQL migrations (S70)');

describe.skipIf(postgresUnavailableReason())('PostgreSQL migrations', () => {
  let db: TestSchema | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('S70 migrations are versioned and running them twice is harmless', async () => {
    db = await createTestSchema('migrate_twice', { migrate: false });
    const pool = db.pool();
    expect(await migrate(pool)).toEqual({ applied: [1], version: POSTGRES_SCHEMA_VERSION });
    const store = new PostgresOAuthStore({ pool, purgeIntervalMs: 0 });
    await store.saveClient({ clientId: 'kept', metadata: { clientName: 'Kept' } });
    expect(await migrate(pool)).toEqual({ applied: [], version: POSTGRES_SCHEMA_VERSION });
    expect((await store.getClient('kept'))?.metadata).toEqual({ clientName: 'Kept' });
    const { rows } = await pool.query('SELECT version, name FROM mcp_auth_schema_version ORDER BY version');
    expect(rows).toEqual([{ version: 1, name: 'initial' }]);
  });

  it('S70 five instances migrating at once apply each migration exactly once (advisory lock)', async () => {
    db = await createTestSchema('migrate_race', { migrate: false });
    const results = await Promise.all(Array.from({ length: 5 }, () => migrate(db!.pool({ max: 1 }))));
    expect(results.filter((r) => r.applied.length === 1)).toHaveLength(1);
    expect(results.every((r) => r.version === POSTGRES_SCHEMA_VERSION)).toBe(true);
  });

  it('S70 the startup check refuses a missing or outdated schema with the command to run, and open({ migrate }) fixes it', async () => {
    db = await createTestSchema('schema_check', { migrate: false });
    const pool = db.pool();
    const missing = await checkPostgresSchema(pool).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(PostgresSchemaVersionError);
    expect((missing as Error).message).toMatch(/version 0.*needs version 1.*npx nestjs-mcp-auth-migrate/);
    await expect(PostgresOAuthStore.open({ pool })).rejects.toThrow(/nestjs-mcp-auth-migrate/);
    const store = await PostgresOAuthStore.open({ pool, migrate: true, purgeIntervalMs: 0 });
    await store.saveClient({ clientId: 'c', metadata: {} });
    await checkPostgresSchema(pool);
    await pool.query(`INSERT INTO mcp_auth_schema_version (version, name) VALUES (99, 'from the future')`);
    await expect(checkPostgresSchema(pool)).rejects.toThrow(/version 99, newer than.*Upgrade nestjs-mcp-auth/);
  });

  it('S70 the documented command `npx nestjs-mcp-auth-migrate` migrates DATABASE_URL and is safe to repeat', async () => {
    db = await createTestSchema('migrate_cli', { migrate: false });
    const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', 'dist'], { encoding: 'utf8' });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    const runCli = () =>
      spawnSync(process.execPath, ['dist/lib/stores/postgres/migrate-cli.js'], {
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: db!.url, PGOPTIONS: `-csearch_path=${db!.schema}` },
      });
    const first = runCli();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('applied 1; schema version 1');
    const second = runCli();
    expect(second.stdout).toContain('schema already at version 1');
    await checkPostgresSchema(db.pool());
    const noUrl = spawnSync(process.execPath, ['dist/lib/stores/postgres/migrate-cli.js'], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: '' },
    });
    expect(noUrl.status).toBe(2);
  }, 120_000);
});

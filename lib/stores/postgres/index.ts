export {
  PostgresOAuthStore,
  type PostgresOAuthStoreOptions,
  type PostgresOAuthStoreOpenOptions,
} from './postgres-oauth-store.js';
export { migrate, checkPostgresSchema, PostgresSchemaVersionError, type MigrationResult } from './postgres-migrate.js';
export { POSTGRES_MIGRATIONS, POSTGRES_SCHEMA_VERSION } from './postgres-migrations.js';
export type { PostgresMigration } from './postgres-migration.js';
export {
  POSTGRES_FAIL_FAST_OPTIONS,
  DEFAULT_POSTGRES_OPERATION_TIMEOUT_MS,
  POSTGRES_UNAVAILABLE_RETRY_AFTER_SECONDS,
} from './postgres-availability.js';

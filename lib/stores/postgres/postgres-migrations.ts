import { MIGRATION_0001_INITIAL } from './migrations/0001-initial.js';
import type { PostgresMigration } from './postgres-migration.js';

/** Every migration, in order. Append new ones; never edit a shipped one. */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [MIGRATION_0001_INITIAL];

/** The schema version this package needs. */
export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1].version;

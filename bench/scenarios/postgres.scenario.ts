import { benchPostgresUnavailableReason } from '../servers/postgres-bench-store.js';
import { storeScenario } from './store.scenario.js';

/** The refresh grant on `PostgresOAuthStore` beside the memory store; skipped without a database. */
export const postgresScenario = storeScenario({
  id: 'postgres',
  variant: 'postgres',
  label: 'PostgreSQL',
  unavailableReason: benchPostgresUnavailableReason,
  notes: [
    'PostgreSQL on DATABASE_URL (default the local test database), pool of 10, a schema of its own.',
    'Each refresh makes several store round trips (client, refresh-token lookup, grant, one-statement rotation).',
  ],
});

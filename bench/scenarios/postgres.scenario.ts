import { compareVariants, ratioOf } from '../compare.js';
import { withServers } from '../harness.js';
import type { Scenario } from '../scenario.js';
import { benchPostgresUnavailableReason } from '../servers/postgres-bench-store.js';
import { refreshChainVariant } from './token-chains.js';

/**
 * Scenario: the refresh grant (rotation with reuse detection) on
 * `PostgresOAuthStore` next to the memory store, same server otherwise.
 * Reported as a ratio with p50/p99 latency; skipped without a database.
 */
export const postgresScenario: Scenario = {
  id: 'postgres',
  title: 'Token endpoint: refresh_token rotation on PostgreSQL vs the memory store',
  async run({ config, log }) {
    const unavailable = await benchPostgresUnavailableReason();
    if (unavailable) {
      log(`!!! SKIPPED postgres scenario: ${unavailable} !!!`);
      return { id: this.id, title: this.title, variants: [], ratios: [], notes: [], skipped: unavailable };
    }
    const c = config.connections;
    return withServers(
      {
        memory: { kind: 'nest-token', variant: 'memory', tokenCount: c },
        postgres: { kind: 'nest-token', variant: 'postgres', tokenCount: c },
      },
      async (s) => {
        const variants = await compareVariants(
          [
            refreshChainVariant(
              'memory: refresh_token',
              s.memory,
              String(s.memory.ready.extra?.tokenPath),
              String(s.memory.ready.extra?.clientId),
              c,
            ),
            refreshChainVariant(
              'postgres: refresh_token',
              s.postgres,
              String(s.postgres.ready.extra?.tokenPath),
              String(s.postgres.ready.extra?.clientId),
              c,
            ),
          ],
          { ...config, log },
        );
        return {
          id: this.id,
          title: this.title,
          variants,
          ratios: [
            {
              name: 'postgres refresh / memory refresh',
              value: ratioOf(variants, 'postgres: refresh_token', 'memory: refresh_token'),
            },
          ],
          notes: [
            `${c} concurrent chains, each sequential; PostgreSQL on DATABASE_URL (default the local test database), pool of 10.`,
            'Each refresh makes several store round trips (client, refresh-token lookup, grant, one-statement rotation).',
          ],
        };
      },
    );
  },
};

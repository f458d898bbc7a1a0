import { compareVariants, cpuRatioOf, ratioOf } from '../compare.js';
import { withServers } from '../harness.js';
import type { Scenario } from '../scenario.js';
import { refreshChainVariant } from './token-chains.js';

/** A shared store the refresh grant is measured on, beside the memory store. */
interface StoreUnderTest {
  id: string;
  /** The `nest-token` server variant that opens it. */
  variant: string;
  label: string;
  /** Why it cannot run here, or `undefined`. */
  unavailableReason(): Promise<string | undefined>;
  notes: string[];
}

/**
 * Scenario: the refresh grant (rotation with reuse detection) on a shared
 * store next to the memory store, same server otherwise; a ratio with
 * p50/p99 latency, skipped loudly without the server.
 */
export function storeScenario(store: StoreUnderTest): Scenario {
  const memoryName = 'memory: refresh_token';
  const storeName = `${store.variant}: refresh_token`;
  return {
    id: store.id,
    title: `Token endpoint: refresh_token rotation on ${store.label} vs the memory store`,
    async run({ config, log }) {
      const unavailable = await store.unavailableReason();
      if (unavailable) {
        log(`!!! SKIPPED ${store.id} scenario: ${unavailable} !!!`);
        return { id: this.id, title: this.title, variants: [], ratios: [], notes: [], skipped: unavailable };
      }
      const c = config.connections;
      return withServers(
        {
          memory: { kind: 'nest-token', variant: 'memory', tokenCount: c },
          store: { kind: 'nest-token', variant: store.variant, tokenCount: c },
        },
        async (s) => {
          const chain = (name: string, server: typeof s.memory) =>
            refreshChainVariant(
              name,
              server,
              String(server.ready.extra?.tokenPath),
              String(server.ready.extra?.clientId),
              c,
            );
          const variants = await compareVariants([chain(memoryName, s.memory), chain(storeName, s.store)], {
            ...config,
            log,
          });
          return {
            id: this.id,
            title: this.title,
            variants,
            ratios: [
              { name: `${store.variant} refresh / memory refresh`, value: ratioOf(variants, storeName, memoryName) },
              {
                name: `${store.variant} refresh / memory refresh (server CPU/req)`,
                value: cpuRatioOf(variants, storeName, memoryName) ?? Number.NaN,
              },
            ],
            notes: [`${c} concurrent chains, each sequential.`, ...store.notes],
          };
        },
      );
    },
  };
}

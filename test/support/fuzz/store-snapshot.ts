import type { MemoryOAuthStore } from '../../../lib/stores/memory-oauth-store.js';

/**
 * Test-only dump of everything a {@link MemoryOAuthStore} holds (clients,
 * interactions, codes, grants, refresh tokens, revocations, consents,
 * sessions), as stable JSON: two equal snapshots mean no stored state changed
 * (S50). Reads the store's fields by reflection; the clock and timer are skipped.
 */
export function snapshotStore(store: MemoryOAuthStore): string {
  return JSON.stringify(store, (key, value: unknown) => {
    if (key === 'clock' || key === 'sweepTimer') return undefined;
    if (value instanceof Map) return [...value.entries()].sort(([a], [b]) => (String(a) < String(b) ? -1 : 1));
    return value;
  });
}

import type { StoredClient } from './oauth-store.interface.js';

/** Default and maximum page sizes of `OAuthStore.listClients`. */
export const CLIENT_PAGE_DEFAULT_LIMIT = 100;
export const CLIENT_PAGE_MAX_LIMIT = 1000;

/** A page size between 1 and {@link CLIENT_PAGE_MAX_LIMIT}; {@link CLIENT_PAGE_DEFAULT_LIMIT} when absent. */
export function clientPageLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return CLIENT_PAGE_DEFAULT_LIMIT;
  return Math.min(CLIENT_PAGE_MAX_LIMIT, Math.max(1, Math.floor(limit)));
}

/** The client id a cursor points after; `undefined` for the first page. */
export function clientIdAfterCursor(cursor: string | undefined): string | undefined {
  return cursor ? Buffer.from(cursor, 'base64url').toString('utf8') : undefined;
}

/** The cursor of the page that follows `lastClientId`. */
export function cursorAfterClient(lastClientId: string): string {
  return Buffer.from(lastClientId, 'utf8').toString('base64url');
}

/**
 * One page of clients sorted by id (for stores that hold every client in
 * memory): the clients after the cursor, and the next cursor when more follow.
 */
export function clientPage(
  all: StoredClient[],
  options: { limit?: number; cursor?: string } = {},
): { clients: StoredClient[]; nextCursor?: string } {
  const limit = clientPageLimit(options.limit);
  const after = clientIdAfterCursor(options.cursor);
  const sorted = all
    .filter((client) => after === undefined || client.clientId > after)
    .sort((a, b) => (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0));
  const clients = sorted.slice(0, limit).map((client) => structuredClone(client));
  if (sorted.length <= limit) return { clients };
  return { clients, nextCursor: cursorAfterClient(clients[clients.length - 1].clientId) };
}

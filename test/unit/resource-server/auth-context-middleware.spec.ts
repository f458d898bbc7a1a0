import { describe, expect, it } from 'vitest';
import { AuthContextMiddleware } from '../../../lib/context/auth-context.middleware.js';
import { setCurrentAccessToken } from '../../../lib/context/auth-storage.js';
import type { MountedRoute, RouteTable } from '../../../lib/endpoints/route-table.js';
import type { AccessToken } from '../../../lib/interfaces/oauth-models.js';

const TOKEN = { token: 't', clientId: 'c', scopes: [] } as unknown as AccessToken;

function slotOpenedFor(url: string): boolean {
  const table: RouteTable = new Map([['/token', {} as MountedRoute]]);
  let opened: boolean | undefined;
  new AuthContextMiddleware(table).use({ originalUrl: url }, undefined, () => {
    opened = setCurrentAccessToken(TOKEN);
  });
  return opened!;
}

describe('AuthContextMiddleware', () => {
  it('opens the per-request auth slot on application routes', () => {
    expect(slotOpenedFor('/mcp')).toBe(true);
    expect(slotOpenedFor('/token-info?x=1')).toBe(true);
  });

  it("passes the library's own endpoints through without a slot (they never read one)", () => {
    expect(slotOpenedFor('/token')).toBe(false);
    expect(slotOpenedFor('/token?grant_type=x')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import type { OAuthClientInformation } from '../../../lib/interfaces/oauth-models.js';
import { client, issueCode, makeProvider } from '../../support/provider-fixtures.js';

const DAY_MS = 86_400_000;

describe('S57 dynamically registered clients that never complete an authorization expire', () => {
  const dcr = (clientId: string): OAuthClientInformation => ({ ...client, clientId });

  it('S57 a dynamically registered client is gone after lifetimes.unconfirmedClient (default 24 h)', async () => {
    const { provider, clock } = makeProvider();
    await provider.registerClient(dcr('dcr-1'), { dynamic: true });
    clock.advance(DAY_MS - 1000);
    expect(await provider.getClient('dcr-1')).toBeDefined();
    clock.advance(1000);
    expect(await provider.getClient('dcr-1')).toBeUndefined();
  });

  it('S57 a client that got a code is confirmed and kept', async () => {
    const { provider, clock } = makeProvider();
    await provider.registerClient(dcr(client.clientId), { dynamic: true });
    await issueCode(provider);
    clock.advance(30 * DAY_MS);
    expect(await provider.getClient(client.clientId)).toMatchObject({ clientId: client.clientId });
    expect((await provider.store.getClient(client.clientId))?.unconfirmedExpiresAtMs).toBeUndefined();
  });

  it('S57 clients the operator registers (no dynamic flag) never expire; the lifetime is configurable', async () => {
    const { provider, clock } = makeProvider({ lifetimes: { unconfirmedClient: 3600 } });
    await provider.registerClient(dcr('operator'));
    await provider.registerClient(dcr('dcr-short'), { dynamic: true });
    clock.advance(3600_000);
    expect(await provider.getClient('operator')).toBeDefined();
    expect(await provider.getClient('dcr-short')).toBeUndefined();
    expect(() => makeProvider({ lifetimes: { unconfirmedClient: 31 * 86400 } })).toThrow(/unconfirmedClient/);
  });
});

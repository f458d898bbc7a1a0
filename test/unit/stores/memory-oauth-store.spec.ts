import { describe, expect, it } from 'vitest';
import { MemoryOAuthStore } from '../../../lib/stores/memory-oauth-store.js';
import { ManualClock } from '../../support/manual-clock.js';
import { describeOAuthStoreContract } from '../../support/oauth-store-contract.js';

describeOAuthStoreContract('MemoryOAuthStore', (clock) => new MemoryOAuthStore({ clock, sweepIntervalMs: 0 }), {
  dispose: (store) => (store as MemoryOAuthStore).close(),
});

describe('MemoryOAuthStore', () => {
  it('sweeps expired entries so memory does not grow without bound', async () => {
    const clock = new ManualClock();
    const store = new MemoryOAuthStore({ clock, sweepIntervalMs: 0 });
    for (let i = 0; i < 100; i++) {
      await store.saveInteraction(`i${i}`, {
        clientId: 'c',
        clientRedirectUris: [],
        scopes: [],
        codeChallenge: 'x',
        redirectUri: 'http://127.0.0.1/cb',
        redirectUriProvidedExplicitly: true,
        csrfToken: 't',
        expiresAtMs: clock.now() + 10_000,
      });
      await store.revokeAccessToken(`jti${i}`, clock.now() + 20_000);
    }
    expect(store.size).toBe(200);
    clock.advance(10_000);
    expect(store.sweep()).toBe(100);
    expect(store.size).toBe(100);
    clock.advance(10_000);
    expect(store.sweep()).toBe(100);
    expect(store.size).toBe(0);
  });

  it('runs its sweep on an unref()ed timer', () => {
    const store = new MemoryOAuthStore({ sweepIntervalMs: 1000 });
    const timer = (store as unknown as { sweepTimer: NodeJS.Timeout }).sweepTimer;
    expect(timer.hasRef()).toBe(false);
    store.close();
  });

  it('returns copies, so callers cannot change stored records', async () => {
    const store = new MemoryOAuthStore({ sweepIntervalMs: 0 });
    await store.saveClient({ clientId: 'c', metadata: { redirectUris: ['https://a.example/cb'] } });
    const client = await store.getClient('c');
    (client!.metadata.redirectUris as string[]).push('https://evil.example/cb');
    expect((await store.getClient('c'))!.metadata.redirectUris).toEqual(['https://a.example/cb']);
  });
});

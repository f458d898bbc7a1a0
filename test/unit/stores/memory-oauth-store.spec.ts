import { describe, expect, it } from 'vitest';
import { TemporarilyUnavailableError } from '../../../lib/errors/oauth-error.js';
import { MemoryOAuthStore } from '../../../lib/stores/memory-oauth-store.js';
import { ManualClock } from '../../support/manual-clock.js';
import { describeOAuthStoreContract } from '../../support/oauth-store-contract.js';

describeOAuthStoreContract('MemoryOAuthStore', (clock) => new MemoryOAuthStore({ clock, sweepIntervalMs: 0 }), {
  dispose: (store) => (store as MemoryOAuthStore).close(),
});

describe('MemoryOAuthStore caps (S57)', () => {
  const flow = (n: number, expiresAtMs: number) => ({
    upstreamName: 'github',
    interactionIdHash: `i${n}`,
    sealedInteractionId: 'sealed',
    browserHash: 'b',
    codeVerifier: 'v',
    clientRedirectUri: 'http://127.0.0.1/cb',
    expiresAtMs,
  });

  it('S57 upstream sign-in flows never exceed maxUpstreamFlows; the oldest is evicted', async () => {
    const clock = new ManualClock();
    const store = new MemoryOAuthStore({ clock, sweepIntervalMs: 0, maxUpstreamFlows: 10 });
    for (let n = 0; n < 1000; n++) await store.saveUpstreamFlow(`s${n}`, flow(n, clock.now() + 600_000));
    expect(store.size).toBe(10);
    expect((await store.consumeUpstreamFlow('s0')).status).toBe('unknown');
    expect((await store.consumeUpstreamFlow('s999')).status).toBe('ok');
  });

  it('S57 expired records make room before a live one is evicted', async () => {
    const clock = new ManualClock();
    const store = new MemoryOAuthStore({ clock, sweepIntervalMs: 0, maxUpstreamFlows: 2 });
    await store.saveUpstreamFlow('live', flow(0, clock.now() + 600_000));
    await store.saveUpstreamFlow('short', flow(1, clock.now() + 1000));
    clock.advance(2000);
    await store.saveUpstreamFlow('new', flow(2, clock.now() + 600_000));
    expect((await store.consumeUpstreamFlow('live')).status).toBe('ok');
    expect((await store.consumeUpstreamFlow('new')).status).toBe('ok');
  });

  it('S57 clients never exceed maxClients: the oldest unconfirmed one is evicted, confirmed ones are kept', async () => {
    const clock = new ManualClock();
    const store = new MemoryOAuthStore({ clock, sweepIntervalMs: 0, maxClients: 5 });
    const client = (clientId: string, unconfirmed: boolean) => ({
      clientId,
      metadata: {},
      ...(unconfirmed && { unconfirmedExpiresAtMs: clock.now() + 86_400_000 }),
    });
    await store.saveClient(client('operator', false));
    await store.saveClient(client('first-dcr', true));
    await store.confirmClient('first-dcr');
    for (let n = 0; n < 1000; n++) await store.saveClient(client(`dcr-${n}`, true));
    expect(store.clientCount).toBe(5);
    expect(await store.getClient('operator')).toBeDefined();
    expect(await store.getClient('first-dcr')).toBeDefined();
    expect(await store.getClient('dcr-0')).toBeUndefined();
    expect(await store.getClient('dcr-999')).toBeDefined();
  });

  it('S57 when every client is confirmed, one more registration is refused with 503 temporarily_unavailable', async () => {
    const store = new MemoryOAuthStore({ sweepIntervalMs: 0, maxClients: 2 });
    await store.saveClient({ clientId: 'a', metadata: {} });
    await store.saveClient({ clientId: 'b', metadata: {} });
    await expect(store.saveClient({ clientId: 'c', metadata: {} })).rejects.toBeInstanceOf(TemporarilyUnavailableError);
    await store.saveClient({ clientId: 'a', metadata: { replaced: true } });
    expect((await store.getClient('a'))?.metadata).toEqual({ replaced: true });
  });

  it('S57 caps must be positive integers', () => {
    expect(() => new MemoryOAuthStore({ maxClients: 0 })).toThrow(/maxClients/);
  });
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

  it('returns read-only records, so callers cannot change stored records (nor the store what they saved)', async () => {
    const store = new MemoryOAuthStore({ sweepIntervalMs: 0 });
    const redirectUris = ['https://a.example/cb'];
    await store.saveClient({ clientId: 'c', metadata: { redirectUris } });
    redirectUris.push('https://later.example/cb');
    const client = await store.getClient('c');
    expect(() => (client!.metadata.redirectUris as string[]).push('https://evil.example/cb')).toThrow(TypeError);
    expect((await store.getClient('c'))!.metadata.redirectUris).toEqual(['https://a.example/cb']);

    const scopes = ['read'];
    const expiresAtMs = Date.now() + 60_000;
    await store.createGrant({ grantId: 'g', clientId: 'c', subject: 's', scopes, createdAtMs: 1, expiresAtMs });
    scopes.push('admin');
    const grant = await store.getGrant('g');
    expect(() => ((grant as { revoked?: boolean }).revoked = true)).toThrow(TypeError);
    expect(() => grant!.scopes.push('admin')).toThrow(TypeError);
    expect(await store.getGrant('g')).toMatchObject({ scopes: ['read'] });
    expect((await store.getGrant('g'))!.revoked).toBeUndefined();

    const token = { grantId: 'g', clientId: 'c', subject: 's', issuedAtMs: 1, expiresAtMs };
    await store.saveRefreshToken('rt', token);
    token.clientId = 'other';
    const lookup = await store.findRefreshToken('rt');
    expect(lookup).toMatchObject({ status: 'ok', record: { clientId: 'c' } });
    if (lookup.status === 'ok') expect(() => (lookup.record.grantId = 'x')).toThrow(TypeError);
    expect(await store.findRefreshToken('rt')).toMatchObject({ status: 'ok', record: { grantId: 'g' } });

    await store.revokeGrant('g');
    expect(grant!.revoked).toBeUndefined();
    expect((await store.getGrant('g'))!.revoked).toBe(true);
    store.close();
  });
});

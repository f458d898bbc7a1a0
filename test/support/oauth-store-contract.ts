import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  AuthorizationCodeRecord,
  GrantRecord,
  InteractionRecord,
  OAuthStore,
  RefreshTokenRecord,
  UpstreamFlowRecord,
} from '../../lib/stores/oauth-store.interface.js';
import { ManualClock } from './manual-clock.js';

/** Options of {@link describeOAuthStoreContract}. */
export interface OAuthStoreContractOptions {
  /** The store honours the injected clock for expiry (memory). Stores on server time skip the expiry cases. */
  usesInjectedClock?: boolean;
  /** Called after each test (close connections, flush keys). */
  dispose?: (store: OAuthStore) => Promise<void> | void;
}

/**
 * The behaviour every {@link OAuthStore} must have: atomic single use, reuse
 * reporting, revocation, expiry. Run it against each implementation.
 */
export function describeOAuthStoreContract(
  name: string,
  makeStore: (clock: ManualClock) => OAuthStore | Promise<OAuthStore>,
  options: OAuthStoreContractOptions = {},
): void {
  const usesClock = options.usesInjectedClock ?? true;

  describe(`OAuthStore contract: ${name}`, () => {
    let clock: ManualClock;
    let store: OAuthStore;
    let seq = 0;
    const unique = (prefix: string) => `${prefix}-${Date.now()}-${++seq}-${Math.random().toString(36).slice(2)}`;
    const later = (seconds: number) => clock.now() + seconds * 1000;

    const grant = (overrides: Partial<GrantRecord> = {}): GrantRecord => ({
      grantId: unique('grant'),
      clientId: 'client-1',
      subject: 'alice',
      scopes: ['notes:read', 'notes:write'],
      resource: 'https://mcp.example/mcp',
      createdAtMs: clock.now(),
      expiresAtMs: later(3600),
      ...overrides,
    });
    const code = (grantId: string, overrides: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord => ({
      grantId,
      clientId: 'client-1',
      scopes: ['notes:read'],
      codeChallenge: 'challenge',
      redirectUri: 'http://127.0.0.1/cb',
      redirectUriProvidedExplicitly: true,
      subject: 'alice',
      expiresAtMs: later(60),
      ...overrides,
    });
    const refresh = (grantId: string, overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord => ({
      grantId,
      clientId: 'client-1',
      subject: 'alice',
      issuedAtMs: clock.now(),
      expiresAtMs: later(600),
      ...overrides,
    });
    const interaction = (overrides: Partial<InteractionRecord> = {}): InteractionRecord => ({
      clientId: 'client-1',
      clientRedirectsOnlyToLoopback: true,
      scopes: ['notes:read'],
      codeChallenge: 'challenge',
      redirectUri: 'http://127.0.0.1/cb',
      redirectUriProvidedExplicitly: true,
      csrfToken: 'csrf',
      expiresAtMs: later(600),
      ...overrides,
    });

    beforeEach(async () => {
      clock = new ManualClock();
      store = await makeStore(clock);
    });
    afterEach(async () => {
      await options.dispose?.(store);
    });

    it('saves and reads clients', async () => {
      const clientId = unique('client');
      await store.saveClient({
        clientId,
        metadata: { redirectUris: ['https://a.example/cb'] },
        clientSecretHash: 'sha256:x',
      });
      expect(await store.getClient(clientId)).toEqual({
        clientId,
        metadata: { redirectUris: ['https://a.example/cb'] },
        clientSecretHash: 'sha256:x',
      });
      expect(await store.getClient(unique('missing'))).toBeUndefined();
    });

    /** Lets `ms` pass: on the injected clock, or in real time for stores on server time. */
    const pass = async (ms: number) => {
      if (usesClock) clock.advance(ms);
      else await new Promise((resolve) => setTimeout(resolve, ms));
    };

    it('S57 drops an unconfirmed client after unconfirmedExpiresAtMs', async () => {
      const clientId = unique('client');
      const metadata = { redirectUris: ['https://a.example/cb'], contacts: [] };
      await store.saveClient({ clientId, metadata, unconfirmedExpiresAtMs: clock.now() + 300 });
      expect(await store.getClient(clientId)).toEqual({
        clientId,
        metadata,
        unconfirmedExpiresAtMs: clock.now() + 300,
      });
      await pass(400);
      expect(await store.getClient(clientId)).toBeUndefined();
      await store.confirmClient(clientId);
      expect(await store.getClient(clientId)).toBeUndefined();
    });

    it('S57 confirmClient keeps a client for good and removes the field; unknown clients are ignored', async () => {
      const clientId = unique('client');
      const metadata = { redirectUris: ['https://a.example/cb'], contacts: [] };
      await store.saveClient({
        clientId,
        metadata,
        clientSecretHash: 'sha256:x',
        unconfirmedExpiresAtMs: clock.now() + 300,
      });
      await store.confirmClient(clientId);
      await store.confirmClient(clientId);
      await store.confirmClient(unique('missing'));
      await pass(400);
      expect(await store.getClient(clientId)).toEqual({ clientId, metadata, clientSecretHash: 'sha256:x' });
      expect(await store.getClient(unique('missing'))).toBeUndefined();
    });

    it('takes an interaction once (single use)', async () => {
      const id = unique('interaction');
      await store.saveInteraction(id, interaction());
      expect((await store.getInteraction(id))?.clientId).toBe('client-1');
      const results = await Promise.all(Array.from({ length: 20 }, () => store.takeInteraction(id)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.getInteraction(id)).toBeUndefined();
    });

    it('S12 consumes a code atomically: one of 50 concurrent calls wins, the rest see reuse', async () => {
      const g = grant();
      await store.createGrant(g);
      const hash = unique('code');
      await store.saveAuthorizationCode(hash, code(g.grantId));
      const results = await Promise.all(Array.from({ length: 50 }, () => store.consumeAuthorizationCode(hash)));
      expect(results.filter((r) => r.status === 'ok')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'reused')).toHaveLength(49);
      for (const r of results) if (r.status === 'reused') expect(r.grantId).toBe(g.grantId);
    });

    it('S11 remembers a consumed code with its grant; unknown codes are unknown', async () => {
      const g = grant();
      await store.createGrant(g);
      const hash = unique('code');
      await store.saveAuthorizationCode(hash, code(g.grantId));
      expect((await store.findAuthorizationCode(hash)).status).toBe('ok');
      expect((await store.consumeAuthorizationCode(hash)).status).toBe('ok');
      expect(await store.findAuthorizationCode(hash)).toEqual({ status: 'reused', grantId: g.grantId });
      expect(await store.consumeAuthorizationCode(unique('nope'))).toEqual({ status: 'unknown' });
    });

    it.skipIf(!usesClock)(
      'S11 a consumed code is reported as reused after its own expiry, until replayDetectionUntilMs',
      async () => {
        const g = grant();
        await store.createGrant(g);
        const hash = unique('code');
        await store.saveAuthorizationCode(hash, code(g.grantId, { replayDetectionUntilMs: g.expiresAtMs }));
        expect((await store.consumeAuthorizationCode(hash)).status).toBe('ok');
        clock.advanceSeconds(30 * 60);
        expect(await store.consumeAuthorizationCode(hash)).toEqual({ status: 'reused', grantId: g.grantId });
        clock.advanceSeconds(31 * 60);
        expect(await store.findAuthorizationCode(hash)).toEqual({ status: 'unknown' });
      },
    );

    it('S22 rotates a refresh token once and reports the old one as reused', async () => {
      const g = grant();
      await store.createGrant(g);
      const first = unique('rt');
      await store.saveRefreshToken(first, refresh(g.grantId));
      const seconds = Array.from({ length: 20 }, () => unique('rt'));
      const results = await Promise.all(
        seconds.map((next) => store.rotateRefreshToken(first, next, refresh(g.grantId))),
      );
      const winners = results.map((r, i) => (r.status === 'ok' ? seconds[i] : undefined)).filter(Boolean) as string[];
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => r.status === 'reused')).toHaveLength(19);
      expect(await store.findRefreshToken(first)).toMatchObject({ status: 'reused', grantId: g.grantId });
      expect((await store.findRefreshToken(winners[0])).status).toBe('ok');
      expect(await store.findRefreshToken(unique('nope'))).toEqual({ status: 'unknown' });
    });

    it('S22 revoking a grant kills its live refresh token and its access tokens', async () => {
      const g = grant();
      await store.createGrant(g);
      const live = unique('rt');
      await store.saveRefreshToken(live, refresh(g.grantId));
      expect(await store.isAccessTokenRevoked(unique('jti'), g.grantId)).toBe(false);
      await store.revokeGrant(g.grantId);
      expect((await store.findRefreshToken(live)).status).not.toBe('ok');
      expect(await store.isAccessTokenRevoked(unique('jti'), g.grantId)).toBe(true);
      expect((await store.getGrant(g.grantId))?.revoked).toBe(true);
      expect((await store.rotateRefreshToken(live, unique('rt'), refresh(g.grantId))).status).not.toBe('ok');
      await store.revokeGrant(g.grantId);
      await store.revokeGrant(unique('unknown-grant'));
    });

    it('S9 revokes one access token by jti; an unknown grant counts as revoked (fail closed)', async () => {
      const g = grant();
      await store.createGrant(g);
      const jti = unique('jti');
      expect(await store.isAccessTokenRevoked(jti, g.grantId)).toBe(false);
      await store.revokeAccessToken(jti, later(60));
      expect(await store.isAccessTokenRevoked(jti, g.grantId)).toBe(true);
      expect(await store.isAccessTokenRevoked(unique('jti'), g.grantId)).toBe(false);
      expect(await store.isAccessTokenRevoked(unique('jti'), unique('no-grant'))).toBe(true);
    });

    it('keeps consent per (subject, client) and sessions', async () => {
      const subject = unique('subject');
      await store.saveConsent(subject, 'client-1', { scopes: ['a'], expiresAtMs: later(60) });
      expect((await store.getConsent(subject, 'client-1'))?.scopes).toEqual(['a']);
      expect(await store.getConsent(subject, 'client-2')).toBeUndefined();
      const session = unique('session');
      await store.saveSession(session, { subject, expiresAtMs: later(60) });
      expect((await store.getSession(session))?.subject).toBe(subject);
      await store.deleteSession(session);
      expect(await store.getSession(session)).toBeUndefined();
    });

    it.runIf(usesClock)('never returns a record past its expiry', async () => {
      const g = grant({ expiresAtMs: later(100) });
      await store.createGrant(g);
      const codeHash = unique('code');
      await store.saveAuthorizationCode(codeHash, code(g.grantId, { expiresAtMs: later(10) }));
      const rt = unique('rt');
      await store.saveRefreshToken(rt, refresh(g.grantId, { expiresAtMs: later(50) }));
      const id = unique('interaction');
      await store.saveInteraction(id, interaction({ expiresAtMs: later(10) }));
      const jti = unique('jti');
      await store.revokeAccessToken(jti, later(10));
      clock.advanceSeconds(11);
      expect(await store.findAuthorizationCode(codeHash)).toEqual({ status: 'unknown' });
      expect(await store.getInteraction(id)).toBeUndefined();
      expect(await store.isAccessTokenRevoked(jti, g.grantId)).toBe(false);
      clock.advanceSeconds(40);
      expect(await store.findRefreshToken(rt)).toEqual({ status: 'unknown' });
      clock.advanceSeconds(50);
      expect(await store.getGrant(g.grantId)).toBeUndefined();
    });

    it.runIf(usesClock)(
      'S22 keeps a rotated-out refresh token for the grant lifetime, past its own expiry',
      async () => {
        const g = grant({ expiresAtMs: later(1000) });
        await store.createGrant(g);
        const first = unique('rt');
        await store.saveRefreshToken(first, refresh(g.grantId, { expiresAtMs: later(10) }));
        await store.rotateRefreshToken(first, unique('rt'), refresh(g.grantId, { expiresAtMs: later(20) }));
        clock.advanceSeconds(500);
        expect(await store.findRefreshToken(first)).toMatchObject({ status: 'reused', grantId: g.grantId });
      },
    );

    it('S61 a rotated-out refresh token reports its client, rotation time, sealed successor and a live successor', async () => {
      const g = grant();
      await store.createGrant(g);
      const first = unique('rt');
      const second = unique('rt');
      await store.saveRefreshToken(first, refresh(g.grantId));
      const rotatedAtMs = clock.now();
      const rotated = await store.rotateRefreshToken(first, second, refresh(g.grantId), {
        sealedSuccessor: 'sealed-2',
      });
      expect(rotated.status).toBe('ok');
      clock.advanceSeconds(5);
      expect(await store.findRefreshToken(first)).toEqual({
        status: 'reused',
        grantId: g.grantId,
        rotation: { clientId: 'client-1', rotatedAtMs, successorLive: true, sealedSuccessor: 'sealed-2' },
      });
      expect((await store.findRefreshToken(second)).status).toBe('ok');
    });

    it("S61 a rotation that loses a race reports the winner's sealed successor, live", async () => {
      const g = grant();
      await store.createGrant(g);
      const first = unique('rt');
      await store.saveRefreshToken(first, refresh(g.grantId));
      const successors = Array.from({ length: 20 }, (_, i) => ({ hash: unique('rt'), sealed: `sealed-${i}` }));
      const results = await Promise.all(
        successors.map((next) =>
          store.rotateRefreshToken(first, next.hash, refresh(g.grantId), { sealedSuccessor: next.sealed }),
        ),
      );
      const winner = successors[results.findIndex((r) => r.status === 'ok')]!;
      const losers = results.filter((r) => r.status === 'reused');
      expect(losers).toHaveLength(19);
      for (const loser of losers) {
        expect(loser).toMatchObject({
          grantId: g.grantId,
          rotation: { clientId: 'client-1', successorLive: true, sealedSuccessor: winner.sealed },
        });
      }
    });

    it('S61 S22 the successor stops being live once it is rotated itself or the grant is revoked', async () => {
      const g = grant();
      await store.createGrant(g);
      const [first, second, third] = [unique('rt'), unique('rt'), unique('rt')];
      await store.saveRefreshToken(first, refresh(g.grantId));
      await store.rotateRefreshToken(first, second, refresh(g.grantId), { sealedSuccessor: 's2' });
      await store.rotateRefreshToken(second, third, refresh(g.grantId), { sealedSuccessor: 's3' });
      expect(await store.findRefreshToken(first)).toMatchObject({ rotation: { successorLive: false } });
      expect(await store.findRefreshToken(second)).toMatchObject({ rotation: { successorLive: true } });
      await store.revokeGrant(g.grantId);
      expect(await store.findRefreshToken(second)).toMatchObject({
        status: 'reused',
        rotation: { successorLive: false, sealedSuccessor: 's3' },
      });
      const revokedLive = await store.findRefreshToken(third);
      expect(revokedLive).toEqual({ status: 'reused', grantId: g.grantId });
      expect(await store.rotateRefreshToken(second, unique('rt'), refresh(g.grantId))).toMatchObject({
        status: 'reused',
        rotation: { successorLive: false },
      });
    });

    it('S61 a rotation without a sealed successor remembers the rotation without one', async () => {
      const g = grant();
      await store.createGrant(g);
      const first = unique('rt');
      await store.saveRefreshToken(first, refresh(g.grantId));
      await store.rotateRefreshToken(first, unique('rt'), refresh(g.grantId));
      const lookup = await store.findRefreshToken(first);
      expect(lookup).toMatchObject({ status: 'reused', rotation: { clientId: 'client-1', successorLive: true } });
      expect(lookup.status === 'reused' && lookup.rotation && 'sealedSuccessor' in lookup.rotation).toBe(false);
    });

    it.runIf(usesClock)('S61 an expired successor is not live', async () => {
      const g = grant({ expiresAtMs: later(1000) });
      await store.createGrant(g);
      const first = unique('rt');
      await store.saveRefreshToken(first, refresh(g.grantId));
      await store.rotateRefreshToken(first, unique('rt'), refresh(g.grantId, { expiresAtMs: later(20) }), {
        sealedSuccessor: 's',
      });
      clock.advanceSeconds(21);
      expect(await store.findRefreshToken(first)).toMatchObject({ rotation: { successorLive: false } });
    });

    it('S63 requireStepUp marks the grant until a time; its tokens stay live; unknown grants are ignored', async () => {
      const g = grant();
      await store.createGrant(g);
      const live = unique('rt');
      await store.saveRefreshToken(live, refresh(g.grantId));
      expect((await store.getGrant(g.grantId))?.stepUpRequiredUntilMs).toBeUndefined();
      const until = later(600);
      await store.requireStepUp(g.grantId, until);
      const marked = await store.getGrant(g.grantId);
      expect(marked?.stepUpRequiredUntilMs).toBe(until);
      expect(marked?.revoked).toBeFalsy();
      expect(marked?.scopes).toEqual(g.scopes);
      expect((await store.findRefreshToken(live)).status).toBe('ok');
      expect(await store.isAccessTokenRevoked(unique('jti'), g.grantId)).toBe(false);
      await store.requireStepUp(unique('unknown-grant'), until);
      expect(await store.getGrant(unique('unknown-grant'))).toBeUndefined();
    });

    const upstreamFlow = (overrides: Partial<UpstreamFlowRecord> = {}): UpstreamFlowRecord => ({
      upstreamName: 'github',
      interactionIdHash: unique('interaction'),
      sealedInteractionId: 'sealed',
      browserHash: 'browser-hash',
      codeVerifier: 'verifier',
      nonce: 'nonce',
      clientRedirectUri: 'http://127.0.0.1/cb',
      clientState: 'client-state',
      expiresAtMs: later(600),
      ...overrides,
    });

    it('consumes an upstream sign-in once and reports a replay with its record', async () => {
      const stateHash = unique('state');
      const flow = upstreamFlow();
      await store.saveUpstreamFlow(stateHash, flow);
      const results = await Promise.all([store.consumeUpstreamFlow(stateHash), store.consumeUpstreamFlow(stateHash)]);
      expect(results.map((r) => r.status).sort()).toEqual(['ok', 'reused']);
      expect(results.find((r) => r.status === 'ok')).toEqual({ status: 'ok', record: flow });
      expect(await store.consumeUpstreamFlow(stateHash)).toEqual({ status: 'reused', record: flow });
      expect(await store.consumeUpstreamFlow(unique('state'))).toEqual({ status: 'unknown' });
    });

    it.runIf(usesClock)('forgets an upstream sign-in after its expiry', async () => {
      const stateHash = unique('state');
      await store.saveUpstreamFlow(stateHash, upstreamFlow({ expiresAtMs: later(10) }));
      clock.advanceSeconds(11);
      expect(await store.consumeUpstreamFlow(stateHash)).toEqual({ status: 'unknown' });
    });

    it('S65 markUsedOnce: of concurrent callers exactly one gets true; namespace and id both count', async () => {
      const id = unique('jti');
      const results = await Promise.all(
        Array.from({ length: 20 }, () => store.markUsedOnce('client_assertion', id, later(60))),
      );
      expect(results.filter((first) => first)).toHaveLength(1);
      expect(await store.markUsedOnce('client_assertion', id, later(60))).toBe(false);
      expect(await store.markUsedOnce('dpop', id, later(60))).toBe(true);
      expect(await store.markUsedOnce('client_assertion', unique('jti'), later(60))).toBe(true);
    });

    it('S65 markUsedOnce forgets an identifier after its expiry', async () => {
      const id = unique('jti');
      const lifetimeMs = usesClock ? 1000 : 150;
      expect(await store.markUsedOnce('client_assertion', id, clock.now() + lifetimeMs)).toBe(true);
      expect(await store.markUsedOnce('client_assertion', id, clock.now() + lifetimeMs)).toBe(false);
      if (usesClock) clock.advance(lifetimeMs + 1);
      else await new Promise((resolve) => setTimeout(resolve, lifetimeMs + 150));
      expect(await store.markUsedOnce('client_assertion', id, clock.now() + lifetimeMs)).toBe(true);
    });

    it('keeps upstream tokens per live grant and deletes them when the grant is revoked', async () => {
      const g = grant();
      await store.createGrant(g);
      const tokens = { upstreamName: 'github', sealedTokens: 'sealed-1', expiresAtMs: g.expiresAtMs };
      await store.saveUpstreamTokens(g.grantId, tokens);
      expect(await store.getUpstreamTokens(g.grantId)).toEqual(tokens);
      await store.saveUpstreamTokens(g.grantId, { ...tokens, sealedTokens: 'sealed-2' });
      expect((await store.getUpstreamTokens(g.grantId))?.sealedTokens).toBe('sealed-2');
      await store.revokeGrant(g.grantId);
      expect(await store.getUpstreamTokens(g.grantId)).toBeUndefined();
      await store.saveUpstreamTokens(g.grantId, tokens);
      expect(await store.getUpstreamTokens(g.grantId)).toBeUndefined();
      await store.saveUpstreamTokens(unique('grant'), tokens);
    });

    it('S70 lists clients a page at a time in id order, with a cursor to the next page', async () => {
      const base = unique('list-client');
      const ids = ['c', 'a', 'e', 'b', 'd'].map((suffix) => `${base}-${suffix}`);
      for (const clientId of ids) await store.saveClient({ clientId, metadata: { clientName: clientId } });
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listClients({ limit: 2, cursor });
        expect(page.clients.length).toBeLessThanOrEqual(2);
        seen.push(...page.clients.map((client) => client.clientId));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      const ours = seen.filter((id) => id.startsWith(base));
      expect(ours).toEqual([...ids].sort());
      expect(new Set(seen).size).toBe(seen.length);
      expect((await store.listClients()).clients.find((c) => c.clientId === ids[0])?.metadata).toEqual({
        clientName: ids[0],
      });
    });

    it("S70 lists a user's and a client's live grants, revoked ones flagged", async () => {
      const subject = unique('subject');
      const clientA = unique('client');
      const clientB = unique('client');
      const g1 = grant({ subject, clientId: clientA });
      const g2 = grant({ subject, clientId: clientB });
      const g3 = grant({ subject: unique('other'), clientId: clientA });
      for (const g of [g1, g2, g3]) await store.createGrant(g);
      await store.revokeGrant(g2.grantId);
      const ofUser = await store.listGrants({ subject });
      expect(ofUser.map((g) => g.grantId).sort()).toEqual([g1.grantId, g2.grantId].sort());
      expect(ofUser.find((g) => g.grantId === g2.grantId)?.revoked).toBe(true);
      expect(ofUser.find((g) => g.grantId === g1.grantId)?.revoked).not.toBe(true);
      expect((await store.listGrants({ clientId: clientA })).map((g) => g.grantId).sort()).toEqual(
        [g1.grantId, g3.grantId].sort(),
      );
      expect((await store.listGrants({ subject, clientId: clientA })).map((g) => g.grantId)).toEqual([g1.grantId]);
      expect(await store.listGrants({ subject: unique('nobody') })).toEqual([]);
    });

    it.runIf(usesClock)('S70 lists only unexpired grants', async () => {
      const subject = unique('subject');
      const shortLived = grant({ subject, expiresAtMs: later(10) });
      const longLived = grant({ subject, expiresAtMs: later(100) });
      await store.createGrant(shortLived);
      await store.createGrant(longLived);
      clock.advanceSeconds(11);
      expect((await store.listGrants({ subject })).map((g) => g.grantId)).toEqual([longLived.grantId]);
    });

    it('S70 deleting a client revokes its grants (refresh and access tokens die) and keeps other clients', async () => {
      const clientId = unique('client');
      const otherId = unique('client');
      await store.saveClient({ clientId, metadata: {} });
      await store.saveClient({ clientId: otherId, metadata: {} });
      const subject = unique('subject');
      const g = grant({ clientId, subject });
      const other = grant({ clientId: otherId, subject });
      await store.createGrant(g);
      await store.createGrant(other);
      const rt = unique('rt');
      await store.saveRefreshToken(rt, refresh(g.grantId, { clientId, subject }));
      await store.saveConsent(subject, clientId, { scopes: ['a'], expiresAtMs: later(60) });
      await store.saveConsent(subject, otherId, { scopes: ['a'], expiresAtMs: later(60) });
      await store.deleteClient(clientId);
      expect(await store.getClient(clientId)).toBeUndefined();
      expect(await store.getClient(otherId)).toBeDefined();
      expect((await store.getGrant(g.grantId))?.revoked).toBe(true);
      expect((await store.findRefreshToken(rt)).status).toBe('reused');
      expect(await store.isAccessTokenRevoked(unique('jti'), g.grantId)).toBe(true);
      expect(await store.isAccessTokenRevoked(unique('jti'), other.grantId)).toBe(false);
      expect(await store.getConsent(subject, clientId)).toBeUndefined();
      expect(await store.getConsent(subject, otherId)).toBeDefined();
      const page = await store.listClients({ limit: 1000 });
      expect(page.clients.some((c) => c.clientId === clientId)).toBe(false);
      await store.deleteClient(clientId);
      await store.deleteClient(unique('never-registered'));
    });

    it.runIf(usesClock)('S70 purgeExpired removes expired records and keeps live ones', async () => {
      const g = grant({ expiresAtMs: later(100) });
      await store.createGrant(g);
      const live = unique('session');
      await store.saveSession(live, { subject: 'alice', expiresAtMs: later(1000) });
      for (let i = 0; i < 3; i++) await store.saveSession(unique('session'), { subject: 'a', expiresAtMs: later(10) });
      await store.revokeAccessToken(unique('jti'), later(10));
      clock.advanceSeconds(11);
      expect(await store.purgeExpired()).toBeGreaterThanOrEqual(4);
      expect(await store.purgeExpired()).toBe(0);
      expect((await store.getSession(live))?.subject).toBe('alice');
      expect((await store.getGrant(g.grantId))?.grantId).toBe(g.grantId);
    });
  });
}

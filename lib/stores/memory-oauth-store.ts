import { TemporarilyUnavailableError } from '../errors/oauth-error.js';
import type { Clock } from '../rules/clock.js';
import { ExpiringMap, ExpiringRecordMap } from './expiring-map.js';
import { clientPage } from './client-page.js';
import { frozenAuthorizationCode, frozenGrant, frozenRefreshToken } from './frozen-records.js';
import type {
  AuthorizationCodeLookup,
  AuthorizationCodeRecord,
  ConsentRecord,
  GrantRecord,
  InteractionRecord,
  OAuthStore,
  RefreshTokenLookup,
  RefreshTokenRecord,
  RotatedRefreshToken,
  SessionRecord,
  StoredClient,
  UpstreamFlowLookup,
  UpstreamFlowRecord,
  UpstreamTokenRecord,
} from './oauth-store.interface.js';

/** Options of {@link MemoryOAuthStore}. */
export interface MemoryOAuthStoreOptions {
  /** Time source. @default Date */
  clock?: Clock;
  /** How often expired entries are swept, in ms; `0` disables the timer (lazy expiry only). @default 60000 */
  sweepIntervalMs?: number;
  /**
   * Most pending authorization interactions held at once; a new one beyond it
   * evicts the oldest (whose user then starts again) (S57). @default 10000
   */
  maxInteractions?: number;
  /** Most pending upstream sign-ins held at once; beyond it the oldest is evicted (S57). @default 10000 */
  maxUpstreamFlows?: number;
  /**
   * Most registered clients held. Beyond it the oldest client that never
   * completed an authorization is evicted; when every client is confirmed,
   * registration answers 503 `temporarily_unavailable` (S57). @default 10000
   */
  maxClients?: number;
}

/** Default caps of {@link MemoryOAuthStore} (S57). */
export const MEMORY_STORE_DEFAULT_CAPS = { maxInteractions: 10_000, maxUpstreamFlows: 10_000, maxClients: 10_000 };

type UpstreamFlowEntry = { consumed: boolean; record: UpstreamFlowRecord };

/** A grant and the hash of its live refresh token; expires with the grant. */
class GrantSlot {
  constructor(
    public record: Readonly<GrantRecord>,
    public liveRefreshHash?: string,
  ) {}

  get expiresAtMs(): number {
    return this.record.expiresAtMs;
  }
}

/** What remains of a consumed code: its grant, until `expiresAtMs` (S11). */
class ConsumedCode {
  constructor(
    readonly grantId: string,
    readonly expiresAtMs: number,
  ) {}
}

/** What the store remembers of a rotation (S61): {@link RotatedRefreshToken} and the successor's hash. */
class Rotation {
  constructor(
    readonly clientId: string,
    readonly rotatedAtMs: number,
    readonly successorHash: string,
    readonly sealedSuccessor: string | undefined,
  ) {}
}

/** What remains of a rotated-out or revoked refresh token: its grant and, after a rotation, the rotation (S22, S61). */
class UsedRefreshToken {
  constructor(
    readonly grantId: string,
    readonly expiresAtMs: number,
    readonly rotation?: Rotation,
  ) {}
}

type CodeEntry = Readonly<AuthorizationCodeRecord> | ConsumedCode;
type RefreshEntry = Readonly<RefreshTokenRecord> | UsedRefreshToken;

/**
 * The embedded {@link OAuthStore}: process memory, single instance. Every
 * method runs its read-decide-write step synchronously, which makes it atomic
 * on Node's event loop. Records expire (lazily on access and by a periodic
 * sweep whose timer is `unref()`ed, so it never keeps the process alive).
 *
 * Everything is lost on restart and not shared between instances: use a
 * shared store (Redis) for more than one process (S44). Pending
 * interactions, upstream sign-ins and registered clients are capped, and a
 * client that never completed an authorization is dropped at its
 * `unconfirmedExpiresAtMs` (S57).
 *
 * Clients, grants, codes and refresh tokens are copied and frozen when saved
 * and handed out as they are (no copy per read): they are read-only, and a
 * change (revocation, step-up marker, confirmation) replaces the record.
 */
export class MemoryOAuthStore implements OAuthStore {
  private readonly clock: Clock;
  private readonly clients = new Map<string, StoredClient>();
  private readonly maxClients: number;
  private readonly interactions: ExpiringMap<InteractionRecord>;
  private readonly codes: ExpiringRecordMap<CodeEntry>;
  private readonly grants: ExpiringRecordMap<GrantSlot>;
  private readonly refreshTokens: ExpiringRecordMap<RefreshEntry>;
  private readonly revokedAccessTokens: ExpiringMap<true>;
  private readonly consents: ExpiringMap<ConsentRecord>;
  private readonly sessions: ExpiringMap<SessionRecord>;
  private readonly upstreamFlows: ExpiringMap<UpstreamFlowEntry>;
  private readonly upstreamTokens: ExpiringMap<UpstreamTokenRecord>;
  private readonly usedOnce: ExpiringMap<true>;
  private readonly sweepTimer?: ReturnType<typeof setInterval>;

  constructor(options: MemoryOAuthStoreOptions = {}) {
    this.clock = options.clock ?? Date;
    const map = <V>(capacity?: number) => new ExpiringMap<V>(this.clock, capacity);
    const caps = { ...MEMORY_STORE_DEFAULT_CAPS, ...definedOnly(options) };
    this.maxClients = caps.maxClients;
    this.interactions = map(caps.maxInteractions);
    this.codes = new ExpiringRecordMap(this.clock);
    this.grants = new ExpiringRecordMap(this.clock);
    this.refreshTokens = new ExpiringRecordMap(this.clock);
    this.revokedAccessTokens = map();
    this.consents = map();
    this.sessions = map();
    this.upstreamFlows = map(caps.maxUpstreamFlows);
    this.upstreamTokens = map();
    this.usedOnce = map();
    const interval = options.sweepIntervalMs ?? 60_000;
    if (interval > 0) {
      this.sweepTimer = setInterval(() => this.sweep(), interval);
      this.sweepTimer.unref();
    }
  }

  /** Removes every expired record now; returns how many were removed. */
  sweep(): number {
    return this.allMaps().reduce((removed, map) => removed + map.sweep(), 0) + this.sweepUnconfirmedClients();
  }

  /** Number of registered clients held, for monitoring and tests. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Number of expiring records held (clients excluded), for monitoring and tests. */
  get size(): number {
    return this.allMaps().reduce((total, map) => total + map.size, 0);
  }

  /** Stops the sweep timer. */
  close(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
  }

  async saveClient(client: StoredClient): Promise<void> {
    if (!this.clients.has(client.clientId) && this.clients.size >= this.maxClients) this.makeRoomForClient();
    this.clients.set(client.clientId, deepFreeze(structuredClone(client)));
  }

  async getClient(clientId: string): Promise<StoredClient | undefined> {
    const client = this.clients.get(clientId);
    if (client && this.unconfirmedExpired(client)) {
      this.clients.delete(clientId);
      return undefined;
    }
    return client;
  }

  async confirmClient(clientId: string): Promise<void> {
    const client = this.clients.get(clientId);
    if (!client || this.unconfirmedExpired(client) || client.unconfirmedExpiresAtMs === undefined) return;
    const { unconfirmedExpiresAtMs: _, ...confirmed } = client;
    this.clients.set(clientId, Object.freeze(confirmed));
  }

  async saveInteraction(idHash: string, interaction: InteractionRecord): Promise<void> {
    this.interactions.set(idHash, structuredClone(interaction), interaction.expiresAtMs);
  }

  async getInteraction(idHash: string): Promise<InteractionRecord | undefined> {
    return copy(this.interactions.get(idHash));
  }

  async takeInteraction(idHash: string): Promise<InteractionRecord | undefined> {
    const interaction = this.interactions.get(idHash);
    this.interactions.delete(idHash);
    return interaction;
  }

  async saveAuthorizationCode(codeHash: string, code: AuthorizationCodeRecord): Promise<void> {
    this.codes.set(codeHash, frozenAuthorizationCode(code));
  }

  async findAuthorizationCode(codeHash: string): Promise<AuthorizationCodeLookup> {
    const entry = this.codes.get(codeHash);
    if (!entry) return { status: 'unknown' };
    return entry instanceof ConsumedCode ? { status: 'reused', grantId: entry.grantId } : { status: 'ok', record: entry };
  }

  async consumeAuthorizationCode(codeHash: string): Promise<AuthorizationCodeLookup> {
    const entry = this.codes.get(codeHash);
    if (!entry) return { status: 'unknown' };
    if (entry instanceof ConsumedCode) return { status: 'reused', grantId: entry.grantId };
    const rememberUntil = Math.max(entry.expiresAtMs, entry.replayDetectionUntilMs ?? 0);
    this.codes.set(codeHash, new ConsumedCode(entry.grantId, rememberUntil));
    return { status: 'ok', record: entry };
  }

  async createGrant(grant: GrantRecord): Promise<void> {
    this.grants.set(grant.grantId, new GrantSlot(frozenGrant(grant)));
  }

  async getGrant(grantId: string): Promise<GrantRecord | undefined> {
    return this.grants.get(grantId)?.record;
  }

  async revokeGrant(grantId: string): Promise<void> {
    const slot = this.grants.get(grantId);
    if (!slot) return;
    if (!slot.record.revoked) slot.record = frozenGrant(slot.record, { revoked: true });
    this.upstreamTokens.delete(grantId);
    const live = slot.liveRefreshHash;
    if (live !== undefined) {
      this.refreshTokens.set(live, new UsedRefreshToken(slot.record.grantId, slot.expiresAtMs));
      slot.liveRefreshHash = undefined;
    }
  }

  async saveRefreshToken(tokenHash: string, token: RefreshTokenRecord): Promise<void> {
    const slot = this.grants.get(token.grantId);
    if (!slot || slot.record.revoked) return;
    this.refreshTokens.set(tokenHash, frozenRefreshToken(token));
    slot.liveRefreshHash = tokenHash;
  }

  async requireStepUp(grantId: string, untilMs: number): Promise<void> {
    const slot = this.grants.get(grantId);
    if (slot) slot.record = frozenGrant(slot.record, { stepUpRequiredUntilMs: untilMs });
  }

  async findRefreshToken(tokenHash: string): Promise<RefreshTokenLookup> {
    return this.lookupRefresh(this.refreshTokens.get(tokenHash));
  }

  async rotateRefreshToken(
    oldTokenHash: string,
    newTokenHash: string,
    token: RefreshTokenRecord,
    rotation?: { sealedSuccessor: string },
  ): Promise<RefreshTokenLookup> {
    const entry = this.refreshTokens.get(oldTokenHash);
    if (!entry || entry instanceof UsedRefreshToken) return this.lookupRefresh(entry);
    const slot = this.grants.get(entry.grantId);
    if (!slot || slot.record.revoked || token.grantId !== slot.record.grantId) return { status: 'unknown' };
    const rotated = new Rotation(entry.clientId, this.clock.now(), newTokenHash, rotation?.sealedSuccessor);
    this.refreshTokens.set(oldTokenHash, new UsedRefreshToken(slot.record.grantId, slot.expiresAtMs, rotated));
    this.refreshTokens.set(newTokenHash, frozenRefreshToken(token));
    slot.liveRefreshHash = newTokenHash;
    return { status: 'ok', record: entry };
  }

  async revokeAccessToken(jti: string, expiresAtMs: number): Promise<void> {
    this.revokedAccessTokens.set(jti, true, expiresAtMs);
  }

  async isAccessTokenRevoked(jti: string, grantId: string): Promise<boolean> {
    if (this.revokedAccessTokens.get(jti)) return true;
    const slot = this.grants.get(grantId);
    return !slot || slot.record.revoked === true;
  }

  async saveConsent(subject: string, clientId: string, consent: ConsentRecord): Promise<void> {
    this.consents.set(consentKey(subject, clientId), structuredClone(consent), consent.expiresAtMs);
  }

  async getConsent(subject: string, clientId: string): Promise<ConsentRecord | undefined> {
    return copy(this.consents.get(consentKey(subject, clientId)));
  }

  async saveSession(sessionIdHash: string, session: SessionRecord): Promise<void> {
    this.sessions.set(sessionIdHash, structuredClone(session), session.expiresAtMs);
  }

  async getSession(sessionIdHash: string): Promise<SessionRecord | undefined> {
    return copy(this.sessions.get(sessionIdHash));
  }

  async deleteSession(sessionIdHash: string): Promise<void> {
    this.sessions.delete(sessionIdHash);
  }

  async saveUpstreamFlow(stateHash: string, flow: UpstreamFlowRecord): Promise<void> {
    this.upstreamFlows.set(stateHash, { consumed: false, record: structuredClone(flow) }, flow.expiresAtMs);
  }

  async consumeUpstreamFlow(stateHash: string): Promise<UpstreamFlowLookup> {
    const entry = this.upstreamFlows.get(stateHash);
    if (!entry) return { status: 'unknown' };
    if (entry.consumed) return { status: 'reused', record: structuredClone(entry.record) };
    entry.consumed = true;
    return { status: 'ok', record: structuredClone(entry.record) };
  }

  async saveUpstreamTokens(grantId: string, tokens: UpstreamTokenRecord): Promise<void> {
    const grant = this.grants.get(grantId)?.record;
    if (!grant || grant.revoked) return;
    this.upstreamTokens.set(grantId, structuredClone(tokens), Math.min(tokens.expiresAtMs, grant.expiresAtMs));
  }

  async getUpstreamTokens(grantId: string): Promise<UpstreamTokenRecord | undefined> {
    const grant = this.grants.get(grantId)?.record;
    if (!grant || grant.revoked) return undefined;
    return copy(this.upstreamTokens.get(grantId));
  }

  async listClients(options: { limit?: number; cursor?: string } = {}): Promise<{
    clients: StoredClient[];
    nextCursor?: string;
  }> {
    return clientPage([...this.clients.values()], options);
  }

  async deleteClient(clientId: string): Promise<void> {
    this.clients.delete(clientId);
    for (const [grantId, slot] of [...this.grants.liveEntries()])
      if (slot.record.clientId === clientId) await this.revokeGrant(grantId);
    for (const [key] of [...this.consents.liveEntries()])
      if ((JSON.parse(key) as [string, string])[1] === clientId) this.consents.delete(key);
  }

  async listGrants(filter: { subject?: string; clientId?: string }): Promise<GrantRecord[]> {
    return [...this.grants.liveEntries()]
      .map(([, slot]) => slot.record)
      .filter(
        (grant) =>
          (filter?.subject === undefined || grant.subject === filter.subject) &&
          (filter?.clientId === undefined || grant.clientId === filter.clientId),
      )
      .sort((a, b) => a.createdAtMs - b.createdAtMs || (a.grantId < b.grantId ? -1 : 1));
  }

  /** {@link sweep}, as the store contract's purge. */
  async purgeExpired(): Promise<number> {
    return this.sweep();
  }

  async markUsedOnce(namespace: string, id: string, expiresAtMs: number): Promise<boolean> {
    const key = JSON.stringify([namespace, id]);
    if (this.usedOnce.get(key)) return false;
    this.usedOnce.set(key, true, expiresAtMs);
    return true;
  }

  /** A lookup answer; a rotated-out token reports whether its successor is still the grant's live token (S61). */
  private lookupRefresh(entry: RefreshEntry | undefined): RefreshTokenLookup {
    if (!entry) return { status: 'unknown' };
    if (!(entry instanceof UsedRefreshToken)) return { status: 'ok', record: entry };
    const rotation = entry.rotation;
    if (!rotation) return { status: 'reused', grantId: entry.grantId };
    const slot = this.grants.get(entry.grantId);
    const successor = this.refreshTokens.get(rotation.successorHash);
    const successorLive =
      slot !== undefined &&
      !slot.record.revoked &&
      slot.liveRefreshHash === rotation.successorHash &&
      successor !== undefined &&
      !(successor instanceof UsedRefreshToken);
    const rotated: RotatedRefreshToken = {
      clientId: rotation.clientId,
      rotatedAtMs: rotation.rotatedAtMs,
      successorLive,
    };
    if (rotation.sealedSuccessor !== undefined) rotated.sealedSuccessor = rotation.sealedSuccessor;
    return { status: 'reused', grantId: entry.grantId, rotation: rotated };
  }

  private unconfirmedExpired(client: StoredClient): boolean {
    return client.unconfirmedExpiresAtMs !== undefined && client.unconfirmedExpiresAtMs <= this.clock.now();
  }

  private sweepUnconfirmedClients(): number {
    let removed = 0;
    for (const [clientId, client] of this.clients) {
      if (this.unconfirmedExpired(client)) {
        this.clients.delete(clientId);
        removed++;
      }
    }
    return removed;
  }

  /** Drops expired unconfirmed clients, else the oldest unconfirmed one; refuses when all are confirmed. */
  private makeRoomForClient(): void {
    if (this.sweepUnconfirmedClients() > 0) return;
    for (const [clientId, client] of this.clients) {
      if (client.unconfirmedExpiresAtMs !== undefined) {
        this.clients.delete(clientId);
        return;
      }
    }
    throw new TemporarilyUnavailableError('Too many registered clients; try again later');
  }

  private allMaps(): { sweep(): number; readonly size: number }[] {
    return [
      this.usedOnce,
      this.interactions,
      this.codes,
      this.grants,
      this.refreshTokens,
      this.revokedAccessTokens,
      this.consents,
      this.sessions,
      this.upstreamFlows,
      this.upstreamTokens,
    ];
  }
}

function consentKey(subject: string, clientId: string): string {
  return JSON.stringify([subject, clientId]);
}

function definedOnly(options: MemoryOAuthStoreOptions): Partial<typeof MEMORY_STORE_DEFAULT_CAPS> {
  const caps: Partial<typeof MEMORY_STORE_DEFAULT_CAPS> = {};
  for (const name of Object.keys(MEMORY_STORE_DEFAULT_CAPS) as (keyof typeof MEMORY_STORE_DEFAULT_CAPS)[]) {
    const value = options[name];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) throw new Error(`MemoryOAuthStore: ${name} must be a positive integer`);
    caps[name] = value;
  }
  return caps;
}

function copy<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : structuredClone(value);
}

/** Freezes `value` and everything reachable from it (a JSON-like tree, as stored client metadata). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

import type { Cluster, Redis } from 'ioredis';
import type { Clock } from '../../rules/clock.js';
import { clientIdAfterCursor, clientPageLimit, cursorAfterClient } from '../client-page.js';
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
} from '../oauth-store.interface.js';
import { DEFAULT_REDIS_OPERATION_TIMEOUT_MS, RedisAvailability } from './redis-availability.js';
import { DEFAULT_REDIS_KEY_PREFIX, RedisKeys } from './redis-keys.js';
import {
  CONFIRM_CLIENT_SCRIPT,
  CONSUME_CODE_SCRIPT,
  CONSUME_UPSTREAM_FLOW_SCRIPT,
  FIND_REFRESH_SCRIPT,
  INDEX_GRANT_SCRIPT,
  REDIS_OAUTH_SCRIPTS,
  REQUIRE_STEP_UP_SCRIPT,
  REVOKE_GRANT_SCRIPT,
  ROTATE_REFRESH_SCRIPT,
  SAVE_REFRESH_SCRIPT,
  SAVE_UPSTREAM_TOKENS_SCRIPT,
  TAKE_SCRIPT,
  type RedisScript,
} from './redis-scripts.js';

/** Options of {@link RedisOAuthStore}. */
export interface RedisOAuthStoreOptions {
  /**
   * An ioredis client (standalone, Sentinel or `Cluster`), owned by the
   * application. Create it with {@link REDIS_FAIL_FAST_OPTIONS} so that an
   * outage fails fast instead of queueing (S49).
   */
  client: Redis | Cluster;
  /** Prefix of every key; must not contain `{` or `}`. @default 'mcp-auth:' */
  keyPrefix?: string;
  /**
   * Bound of one store operation in ms; past it the call fails with
   * `StorageUnavailableError` (503). @default 2000
   */
  operationTimeoutMs?: number;
  /**
   * The provider's clock: records carry absolute expiries on this clock, the
   * store turns them into relative TTLs (`PX`) that Redis counts down on its
   * own clock. Give the provider's clock when it is not `Date`. @default Date
   */
  clock?: Clock;
}

type ScriptCaller = (...keysAndArgs: (string | number)[]) => Promise<unknown>;
type Entry<T> = { record: T } | { used: true; grantId: string };
type RotationEntry = Omit<RotatedRefreshToken, 'successorLive'> & { successorHash: string };
type UsedRefreshEntry = { used: true; grantId: string; rotation?: RotationEntry };
/** What the refresh-token scripts answer: unknown, live entry, or used entry (+ successor liveness). */
type RefreshScriptAnswer = null | ['ok', string] | ['reused', string] | ['reused', string, string, number];

/**
 * An {@link OAuthStore} on Redis, shared by every instance of the
 * application (S44). Each operation is one atomic Redis step: a single
 * command or a Lua script (single-use codes and interactions, refresh-token
 * rotation with reuse detection, grant revocation; S11, S12, S22). Every key
 * has a TTL derived from the record's lifetime — rotated-out refresh tokens
 * are kept for the grant's whole lifetime — so nothing grows without bound;
 * registered clients are kept, except that a client saved with
 * `unconfirmedExpiresAtMs` expires then unless confirmed (S57). Keys are the
 * provider's SHA-256 hashes, never plain credentials.
 *
 * When Redis cannot be reached, every call fails within
 * `operationTimeoutMs` with `StorageUnavailableError` (S49). Needs Redis
 * 6.0+ (`KEEPTTL`); in a Cluster the keys of one grant share a hash tag.
 */
export class RedisOAuthStore implements OAuthStore {
  /** The key layout (for operations tooling). */
  readonly keys: RedisKeys;
  private readonly client: Redis | Cluster;
  private readonly clock: Clock;
  private readonly availability: RedisAvailability;

  constructor(options: RedisOAuthStoreOptions) {
    if (!options?.client) throw new Error('RedisOAuthStore: `client` (an ioredis Redis or Cluster) is required');
    this.client = options.client;
    this.keys = new RedisKeys(options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX);
    this.clock = options.clock ?? Date;
    this.availability = new RedisAvailability(options.operationTimeoutMs ?? DEFAULT_REDIS_OPERATION_TIMEOUT_MS);
    for (const script of REDIS_OAUTH_SCRIPTS) {
      if (typeof (this.client as unknown as Record<string, unknown>)[script.name] !== 'function') {
        this.client.defineCommand(script.name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
      }
    }
  }

  saveClient(client: StoredClient): Promise<void> {
    return this.run(async () => {
      const key = this.keys.client(client.clientId);
      if (client.unconfirmedExpiresAtMs === undefined) await this.client.set(key, JSON.stringify(client));
      else await this.setWithExpiry(key, client, client.unconfirmedExpiresAtMs);
      await this.client.zadd(this.keys.clientIndex(), 0, client.clientId);
    });
  }

  confirmClient(clientId: string): Promise<void> {
    return this.run(async () => {
      const key = this.keys.client(clientId);
      const json = await this.client.get(key);
      const client = parse<StoredClient>(json);
      if (!client || client.unconfirmedExpiresAtMs === undefined) return;
      delete client.unconfirmedExpiresAtMs;
      await this.script(CONFIRM_CLIENT_SCRIPT)(key, json!, JSON.stringify(client));
    });
  }

  getClient(clientId: string): Promise<StoredClient | undefined> {
    return this.run(async () => parse<StoredClient>(await this.client.get(this.keys.client(clientId))));
  }

  saveInteraction(idHash: string, interaction: InteractionRecord): Promise<void> {
    return this.run(() => this.setWithExpiry(this.keys.interaction(idHash), interaction, interaction.expiresAtMs));
  }

  getInteraction(idHash: string): Promise<InteractionRecord | undefined> {
    return this.run(async () => parse<InteractionRecord>(await this.client.get(this.keys.interaction(idHash))));
  }

  takeInteraction(idHash: string): Promise<InteractionRecord | undefined> {
    return this.run(async () =>
      parse<InteractionRecord>((await this.script(TAKE_SCRIPT)(this.keys.interaction(idHash))) as string | null),
    );
  }

  saveAuthorizationCode(codeHash: string, code: AuthorizationCodeRecord): Promise<void> {
    return this.run(() => this.setWithExpiry(this.keys.code(codeHash), { record: code }, code.expiresAtMs));
  }

  findAuthorizationCode(codeHash: string): Promise<AuthorizationCodeLookup> {
    return this.run(async () => {
      const entry = parse<Entry<AuthorizationCodeRecord>>(await this.client.get(this.keys.code(codeHash)));
      if (!entry) return { status: 'unknown' };
      return 'used' in entry ? { status: 'reused', grantId: entry.grantId } : { status: 'ok', record: entry.record };
    });
  }

  consumeAuthorizationCode(codeHash: string): Promise<AuthorizationCodeLookup> {
    return this.run(async () => {
      const result = (await this.script(CONSUME_CODE_SCRIPT)(this.keys.code(codeHash))) as [string, string] | null;
      if (!result) return { status: 'unknown' };
      if (result[0] === 'reused') return { status: 'reused', grantId: result[1] };
      return { status: 'ok', record: (JSON.parse(result[1]) as { record: AuthorizationCodeRecord }).record };
    });
  }

  createGrant(grant: GrantRecord): Promise<void> {
    return this.run(async () => {
      const { revoked: _revoked, ...record } = grant;
      await this.setWithExpiry(this.keys.grant(grant.grantId).grant, record, grant.expiresAtMs);
      for (const index of [
        this.keys.grantIndex(),
        this.keys.grantIndex({ subject: grant.subject }),
        this.keys.grantIndex({ clientId: grant.clientId }),
      ])
        await this.script(INDEX_GRANT_SCRIPT)(index, grant.expiresAtMs, grant.grantId, this.clock.now());
    });
  }

  getGrant(grantId: string): Promise<GrantRecord | undefined> {
    return this.run(async () => {
      const keys = this.keys.grant(grantId);
      const [grantJson, revoked, stepUp] = await this.client.mget(keys.grant, keys.revoked, keys.stepUp);
      const grant = parse<GrantRecord>(grantJson);
      if (grant && revoked) grant.revoked = true;
      if (grant && stepUp) grant.stepUpRequiredUntilMs = Number(stepUp);
      return grant;
    });
  }

  requireStepUp(grantId: string, untilMs: number): Promise<void> {
    return this.run(async () => {
      const keys = this.keys.grant(grantId);
      await this.script(REQUIRE_STEP_UP_SCRIPT)(keys.grant, keys.stepUp, String(untilMs), this.ttlMs(untilMs));
    });
  }

  revokeGrant(grantId: string): Promise<void> {
    return this.run(async () => {
      const keys = this.keys.grant(grantId);
      await this.script(REVOKE_GRANT_SCRIPT)(keys.grant, keys.revoked, keys.live, keys.upstreamTokens);
    });
  }

  saveRefreshToken(tokenHash: string, token: RefreshTokenRecord): Promise<void> {
    return this.run(async () => {
      const keys = this.keys.grant(token.grantId);
      if (!(await this.indexRefreshToken(tokenHash, token.grantId))) return;
      await this.script(SAVE_REFRESH_SCRIPT)(
        keys.grant,
        keys.revoked,
        keys.live,
        keys.refreshToken(tokenHash),
        JSON.stringify({ record: token }),
        this.ttlMs(token.expiresAtMs),
        tokenHash,
      );
    });
  }

  findRefreshToken(tokenHash: string): Promise<RefreshTokenLookup> {
    return this.run(async () => {
      const grantId = await this.client.get(this.keys.refreshIndex(tokenHash));
      if (!grantId) return { status: 'unknown' };
      const keys = this.keys.grant(grantId);
      const answer = (await this.script(FIND_REFRESH_SCRIPT)(
        keys.grant,
        keys.revoked,
        keys.live,
        keys.refreshToken(tokenHash),
      )) as RefreshScriptAnswer;
      return refreshLookup(answer);
    });
  }

  rotateRefreshToken(
    oldTokenHash: string,
    newTokenHash: string,
    token: RefreshTokenRecord,
    rotation?: { sealedSuccessor: string },
  ): Promise<RefreshTokenLookup> {
    return this.run(async () => {
      const keys = this.keys.grant(token.grantId);
      if (!(await this.indexRefreshToken(newTokenHash, token.grantId))) return { status: 'unknown' };
      const usedMarker: UsedRefreshEntry = {
        used: true,
        grantId: token.grantId,
        rotation: {
          clientId: token.clientId,
          rotatedAtMs: this.clock.now(),
          successorHash: newTokenHash,
          ...(rotation?.sealedSuccessor !== undefined && { sealedSuccessor: rotation.sealedSuccessor }),
        },
      };
      const answer = (await this.script(ROTATE_REFRESH_SCRIPT)(
        keys.grant,
        keys.revoked,
        keys.live,
        keys.refreshToken(oldTokenHash),
        keys.refreshToken(newTokenHash),
        JSON.stringify({ record: token }),
        this.ttlMs(token.expiresAtMs),
        newTokenHash,
        JSON.stringify(usedMarker),
      )) as RefreshScriptAnswer;
      return refreshLookup(answer);
    });
  }

  revokeAccessToken(jti: string, expiresAtMs: number): Promise<void> {
    return this.run(() => this.setWithExpiry(this.keys.accessTokenRevocation(jti), 1, expiresAtMs));
  }

  /** Two reads sent together (one round trip): the `jti` mark and the grant's existence and revocation. */
  isAccessTokenRevoked(jti: string, grantId: string): Promise<boolean> {
    return this.run(async () => {
      const keys = this.keys.grant(grantId);
      const [jtiRevoked, [grant, grantRevoked]] = await Promise.all([
        this.client.exists(this.keys.accessTokenRevocation(jti)),
        this.client.mget(keys.grant, keys.revoked),
      ]);
      return jtiRevoked > 0 || !grant || grantRevoked !== null;
    });
  }

  saveConsent(subject: string, clientId: string, consent: ConsentRecord): Promise<void> {
    return this.run(() => this.setWithExpiry(this.keys.consent(subject, clientId), consent, consent.expiresAtMs));
  }

  getConsent(subject: string, clientId: string): Promise<ConsentRecord | undefined> {
    return this.run(async () => parse<ConsentRecord>(await this.client.get(this.keys.consent(subject, clientId))));
  }

  saveSession(sessionIdHash: string, session: SessionRecord): Promise<void> {
    return this.run(() => this.setWithExpiry(this.keys.session(sessionIdHash), session, session.expiresAtMs));
  }

  getSession(sessionIdHash: string): Promise<SessionRecord | undefined> {
    return this.run(async () => parse<SessionRecord>(await this.client.get(this.keys.session(sessionIdHash))));
  }

  deleteSession(sessionIdHash: string): Promise<void> {
    return this.run(async () => {
      await this.client.del(this.keys.session(sessionIdHash));
    });
  }

  saveUpstreamFlow(stateHash: string, flow: UpstreamFlowRecord): Promise<void> {
    return this.run(async () => {
      const keys = this.keys.upstreamFlow(stateHash);
      await this.client.del(keys.used);
      await this.setWithExpiry(keys.flow, flow, flow.expiresAtMs);
    });
  }

  consumeUpstreamFlow(stateHash: string): Promise<UpstreamFlowLookup> {
    return this.run(async () => {
      const keys = this.keys.upstreamFlow(stateHash);
      const result = (await this.script(CONSUME_UPSTREAM_FLOW_SCRIPT)(keys.flow, keys.used)) as [string, string] | null;
      if (!result) return { status: 'unknown' };
      return { status: result[0] === 'ok' ? 'ok' : 'reused', record: JSON.parse(result[1]) as UpstreamFlowRecord };
    });
  }

  saveUpstreamTokens(grantId: string, tokens: UpstreamTokenRecord): Promise<void> {
    return this.run(async () => {
      const keys = this.keys.grant(grantId);
      await this.script(SAVE_UPSTREAM_TOKENS_SCRIPT)(
        keys.grant,
        keys.revoked,
        keys.upstreamTokens,
        JSON.stringify(tokens),
        this.ttlMs(tokens.expiresAtMs),
      );
    });
  }

  getUpstreamTokens(grantId: string): Promise<UpstreamTokenRecord | undefined> {
    return this.run(async () => {
      const keys = this.keys.grant(grantId);
      const [grant, revoked, tokens] = await this.client.mget(keys.grant, keys.revoked, keys.upstreamTokens);
      return grant && !revoked ? parse<UpstreamTokenRecord>(tokens) : undefined;
    });
  }

  /** `SET key 1 NX PX ttl`: one atomic command, so of concurrent callers on any instance one wins. */
  markUsedOnce(namespace: string, id: string, expiresAtMs: number): Promise<boolean> {
    return this.run(async () => {
      const ttl = this.ttlMs(expiresAtMs);
      if (ttl <= 0) return true;
      return (await this.client.set(this.keys.usedOnce(namespace, id), '1', 'PX', ttl, 'NX')) === 'OK';
    });
  }

  /** A page of clients in id order, from the client index (clients saved by this version or later). */
  listClients(options: { limit?: number; cursor?: string } = {}): Promise<{
    clients: StoredClient[];
    nextCursor?: string;
  }> {
    return this.run(async () => {
      const limit = clientPageLimit(options.limit);
      const after = clientIdAfterCursor(options.cursor);
      const ids = await this.client.zrangebylex(
        this.keys.clientIndex(),
        after === undefined ? '-' : `(${after}`,
        '+',
        'LIMIT',
        0,
        limit + 1,
      );
      const page = ids.slice(0, limit);
      const clients: StoredClient[] = [];
      for (const id of page) {
        const client = parse<StoredClient>(await this.client.get(this.keys.client(id)));
        if (client) clients.push(client);
        else await this.client.zrem(this.keys.clientIndex(), id);
      }
      return ids.length > limit ? { clients, nextCursor: cursorAfterClient(page[page.length - 1]) } : { clients };
    });
  }

  /** Deletes the client, revokes its grants and forgets the consents of their subjects for it. */
  deleteClient(clientId: string): Promise<void> {
    return this.run(async () => {
      await this.client.del(this.keys.client(clientId));
      await this.client.zrem(this.keys.clientIndex(), clientId);
      for (const grant of await this.grantsIn(this.keys.grantIndex({ clientId }))) {
        const keys = this.keys.grant(grant.grantId);
        await this.script(REVOKE_GRANT_SCRIPT)(keys.grant, keys.revoked, keys.live, keys.upstreamTokens);
        await this.client.del(this.keys.consent(grant.subject, clientId));
      }
    });
  }

  listGrants(filter: { subject?: string; clientId?: string }): Promise<GrantRecord[]> {
    return this.run(async () => {
      const index = this.keys.grantIndex(filter?.subject !== undefined ? { subject: filter.subject } : (filter ?? {}));
      const grants = await this.grantsIn(index);
      return grants.filter((grant) => filter?.clientId === undefined || grant.clientId === filter.clientId);
    });
  }

  /** Redis expires records by TTL; this only trims expired ids from the operations indexes and returns 0. */
  purgeExpired(): Promise<number> {
    return this.run(async () => {
      await this.client.zremrangebyscore(this.keys.grantIndex(), '-inf', this.clock.now());
      return 0;
    });
  }

  /** The live grants listed in an index (expired ids are trimmed first), oldest first. */
  private async grantsIn(index: string): Promise<GrantRecord[]> {
    await this.client.zremrangebyscore(index, '-inf', this.clock.now());
    const ids = await this.client.zrange(index, 0, -1);
    const grants: GrantRecord[] = [];
    for (const id of ids) {
      const keys = this.keys.grant(id);
      const [grantJson, revoked] = await this.client.mget(keys.grant, keys.revoked);
      const grant = parse<GrantRecord>(grantJson);
      if (!grant) continue;
      if (revoked) grant.revoked = true;
      grants.push(grant);
    }
    return grants.sort((a, b) => a.createdAtMs - b.createdAtMs || (a.grantId < b.grantId ? -1 : 1));
  }

  private run<T>(operation: () => Promise<T>): Promise<T> {
    return this.availability.run(operation);
  }

  /** Stores JSON with a TTL until `expiresAtMs`; an already expired record is removed instead. */
  private async setWithExpiry(key: string, value: unknown, expiresAtMs: number): Promise<void> {
    const ttl = this.ttlMs(expiresAtMs);
    if (ttl <= 0) await this.client.del(key);
    else await this.client.set(key, JSON.stringify(value), 'PX', ttl);
  }

  /**
   * Points a refresh token hash at its grant for the grant's remaining lifetime,
   * BEFORE the token is written (a failure in between leaves only a dangling
   * pointer, never an unfindable token). False when the grant is gone.
   */
  private async indexRefreshToken(tokenHash: string, grantId: string): Promise<boolean> {
    const grantTtl = await this.client.pttl(this.keys.grant(grantId).grant);
    if (grantTtl <= 0) return false;
    await this.client.set(this.keys.refreshIndex(tokenHash), grantId, 'PX', grantTtl);
    return true;
  }

  private ttlMs(expiresAtMs: number): number {
    return Math.ceil(expiresAtMs - this.clock.now());
  }

  private script(script: RedisScript): ScriptCaller {
    const call = (this.client as unknown as Record<string, ScriptCaller>)[script.name];
    return call.bind(this.client);
  }
}

/** Turns a refresh-token script answer into a lookup (S22, S61). */
function refreshLookup(answer: RefreshScriptAnswer): RefreshTokenLookup {
  if (!answer) return { status: 'unknown' };
  if (answer[0] === 'ok')
    return { status: 'ok', record: (JSON.parse(answer[1]) as { record: RefreshTokenRecord }).record };
  if (answer.length === 2) return { status: 'reused', grantId: answer[1] };
  const { grantId, rotation } = JSON.parse(answer[2]) as UsedRefreshEntry;
  if (!rotation) return { status: 'reused', grantId };
  const { successorHash: _successorHash, ...remembered } = rotation;
  return { status: 'reused', grantId, rotation: { ...remembered, successorLive: answer[3] === 1 } };
}

function parse<T>(json: string | null | undefined): T | undefined {
  return json == null ? undefined : (JSON.parse(json) as T);
}

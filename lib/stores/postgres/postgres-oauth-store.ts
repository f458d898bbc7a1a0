import type { Pool, QueryResultRow } from 'pg';
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
  SessionRecord,
  StoredClient,
  UpstreamFlowLookup,
  UpstreamFlowRecord,
  UpstreamTokenRecord,
} from '../oauth-store.interface.js';
import { DEFAULT_POSTGRES_OPERATION_TIMEOUT_MS, PostgresAvailability } from './postgres-availability.js';
import { checkPostgresSchema, migrate } from './postgres-migrate.js';
import { PURGE_EXPIRED_SQL, SQL } from './postgres-sql.js';

/** Options of {@link PostgresOAuthStore}. */
export interface PostgresOAuthStoreOptions {
  /**
   * A node-postgres `Pool`, owned by the application (the store never ends
   * it). Create it with {@link POSTGRES_FAIL_FAST_OPTIONS} so that an outage
   * fails fast (S49). Tables live in the pool's `search_path` schema.
   */
  pool: Pool;
  /**
   * The provider's clock: every expiry is compared with this clock (records
   * carry absolute expiries on it), not the database server's. @default Date
   */
  clock?: Clock;
  /**
   * Bound of one store operation in ms; past it the call fails with
   * `StorageUnavailableError` (503). @default 2000
   */
  operationTimeoutMs?: number;
  /**
   * How often expired rows are deleted ({@link PostgresOAuthStore.purgeExpired}),
   * in ms; `0` turns the built-in timer off (schedule `purgeExpired()`
   * yourself). The timer is `unref()`ed and stopped by `close()`. @default 300000
   */
  purgeIntervalMs?: number;
}

/** Options of {@link PostgresOAuthStore.open}. */
export interface PostgresOAuthStoreOpenOptions extends PostgresOAuthStoreOptions {
  /** Run {@link migrate} first (safe with several instances starting at once). @default false */
  migrate?: boolean;
}

/**
 * An {@link OAuthStore} on PostgreSQL (node-postgres), shared by every
 * instance of the application and durable across restarts (S44, S70). Each
 * operation is ONE SQL statement: single use and rotation are conditional
 * `UPDATE … WHERE … RETURNING` / `DELETE … RETURNING` / `INSERT … ON CONFLICT`
 * on one row, so of concurrent callers exactly one wins (S11, S12, S22). Every
 * statement that changes a refresh-token family first updates its grant row,
 * which serializes rotation, revocation and new tokens of one grant.
 *
 * Expiry: every row carries `expires_at_ms` (indexed) on the provider's
 * clock; no query returns an expired row, and {@link purgeExpired} (on a
 * built-in, `unref()`ed interval unless turned off) deletes them.
 * Rotated-out refresh tokens and consumed codes are kept until their grant
 * ends, so reuse stays detectable (S11, S22).
 *
 * The schema comes from the shipped, versioned migrations ({@link migrate},
 * `npx nestjs-mcp-auth-migrate`); {@link open} checks the version at startup.
 * When the database cannot be reached, every call fails within
 * `operationTimeoutMs` with `StorageUnavailableError` (S49).
 */
export class PostgresOAuthStore implements OAuthStore {
  private readonly pool: Pool;
  private readonly clock: Clock;
  private readonly availability: PostgresAvailability;
  private readonly purgeTimer?: ReturnType<typeof setInterval>;
  private readonly onPoolError = (error: Error) => this.availability.markDown(error);

  constructor(options: PostgresOAuthStoreOptions) {
    if (!options?.pool) throw new Error('PostgresOAuthStore: `pool` (a node-postgres Pool) is required');
    this.pool = options.pool;
    this.clock = options.clock ?? Date;
    this.availability = new PostgresAvailability(options.operationTimeoutMs ?? DEFAULT_POSTGRES_OPERATION_TIMEOUT_MS);
    this.pool.on('error', this.onPoolError);
    const interval = options.purgeIntervalMs ?? 300_000;
    if (interval > 0) {
      this.purgeTimer = setInterval(() => void this.purgeExpired().catch(() => undefined), interval);
      this.purgeTimer.unref();
    }
  }

  /**
   * Creates the store after checking (or, with `migrate: true`, bringing up
   * to date) the database schema; throws a {@link PostgresSchemaVersionError}
   * naming the command to run when the schema is missing or outdated.
   */
  static async open(options: PostgresOAuthStoreOpenOptions): Promise<PostgresOAuthStore> {
    if (options.migrate) await migrate(options.pool);
    await checkPostgresSchema(options.pool);
    return new PostgresOAuthStore(options);
  }

  /** Stops the purge timer and detaches from the pool (the pool stays open: it is the application's). */
  close(): void {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    this.pool.off('error', this.onPoolError);
  }

  /** Nest lifecycle hook: {@link close} on application shutdown. */
  onApplicationShutdown(): void {
    this.close();
  }

  saveClient(client: StoredClient): Promise<void> {
    const { unconfirmedExpiresAtMs, ...data } = client;
    return this.exec(SQL.saveClient, [client.clientId, JSON.stringify(data), unconfirmedExpiresAtMs ?? null]);
  }

  async getClient(clientId: string): Promise<StoredClient | undefined> {
    const row = await this.one<ClientRow>(SQL.getClient, [clientId, this.now()]);
    return row && clientFromRow(row);
  }

  /** Removes the client's `unconfirmedExpiresAtMs`: it is kept for good (S57). */
  confirmClient(clientId: string): Promise<void> {
    return this.exec(SQL.confirmClient, [clientId, this.now()]);
  }

  async listClients(options: { limit?: number; cursor?: string } = {}): Promise<{
    clients: StoredClient[];
    nextCursor?: string;
  }> {
    const limit = clientPageLimit(options.limit);
    const after = clientIdAfterCursor(options.cursor) ?? '';
    const rows = await this.all<ClientRow>(SQL.listClients, [after, this.now(), limit + 1]);
    const page = rows.slice(0, limit).map(clientFromRow);
    const nextCursor = rows.length > limit ? cursorAfterClient(page[page.length - 1].clientId) : undefined;
    return nextCursor ? { clients: page, nextCursor } : { clients: page };
  }

  async deleteClient(clientId: string): Promise<void> {
    await this.exec(SQL.deleteClient, [clientId, this.now()]);
  }

  saveInteraction(idHash: string, interaction: InteractionRecord): Promise<void> {
    return this.exec(SQL.saveInteraction, [idHash, JSON.stringify(interaction), interaction.expiresAtMs]);
  }

  async getInteraction(idHash: string): Promise<InteractionRecord | undefined> {
    return (await this.one<DataRow<InteractionRecord>>(SQL.getInteraction, [idHash, this.now()]))?.data;
  }

  async takeInteraction(idHash: string): Promise<InteractionRecord | undefined> {
    return (await this.one<DataRow<InteractionRecord>>(SQL.takeInteraction, [idHash, this.now()]))?.data;
  }

  saveAuthorizationCode(codeHash: string, code: AuthorizationCodeRecord): Promise<void> {
    return this.exec(SQL.saveCode, [
      codeHash,
      code.grantId,
      JSON.stringify(code),
      code.replayDetectionUntilMs ?? null,
      code.expiresAtMs,
    ]);
  }

  async findAuthorizationCode(codeHash: string): Promise<AuthorizationCodeLookup> {
    return codeLookup(await this.one<CodeRow>(SQL.findCode, [codeHash, this.now()]));
  }

  async consumeAuthorizationCode(codeHash: string): Promise<AuthorizationCodeLookup> {
    const won = await this.one<DataRow<AuthorizationCodeRecord>>(SQL.consumeCode, [codeHash, this.now()]);
    if (won) return { status: 'ok', record: won.data };
    const seen = await this.findAuthorizationCode(codeHash);
    return seen.status === 'reused' ? seen : { status: 'unknown' };
  }

  createGrant(grant: GrantRecord): Promise<void> {
    const { revoked: _revoked, stepUpRequiredUntilMs: _stepUp, ...data } = grant;
    return this.exec(SQL.createGrant, [
      grant.grantId,
      grant.clientId,
      grant.subject,
      JSON.stringify(data),
      grant.revoked === true,
      grant.stepUpRequiredUntilMs ?? null,
      grant.expiresAtMs,
    ]);
  }

  async getGrant(grantId: string): Promise<GrantRecord | undefined> {
    const row = await this.one<GrantRow>(SQL.getGrant, [grantId, this.now()]);
    return row && grantFromRow(row);
  }

  async revokeGrant(grantId: string): Promise<void> {
    await this.exec(SQL.revokeGrant, [grantId, this.now()]);
  }

  /** Marks the grant as needing a new authorization before `untilMs` (S63); an unknown grant is ignored. */
  requireStepUp(grantId: string, untilMs: number): Promise<void> {
    return this.exec(SQL.requireStepUp, [grantId, untilMs, this.now()]);
  }

  async listGrants(filter: { subject?: string; clientId?: string }): Promise<GrantRecord[]> {
    const rows = await this.all<GrantRow>(SQL.listGrants, [
      filter?.subject ?? null,
      filter?.clientId ?? null,
      this.now(),
    ]);
    return rows.map(grantFromRow);
  }

  saveRefreshToken(tokenHash: string, token: RefreshTokenRecord): Promise<void> {
    return this.exec(SQL.saveRefreshToken, [
      tokenHash,
      token.grantId,
      token.clientId,
      JSON.stringify(token),
      token.expiresAtMs,
      this.now(),
    ]);
  }

  async findRefreshToken(tokenHash: string): Promise<RefreshTokenLookup> {
    return refreshLookup(await this.one<RefreshRow>(SQL.findRefreshToken, [tokenHash, this.now()]));
  }

  async rotateRefreshToken(
    oldTokenHash: string,
    newTokenHash: string,
    token: RefreshTokenRecord,
    rotation?: { sealedSuccessor: string },
  ): Promise<RefreshTokenLookup> {
    const won = await this.one<DataRow<RefreshTokenRecord>>(SQL.rotateRefreshToken, [
      oldTokenHash,
      newTokenHash,
      token.grantId,
      token.clientId,
      JSON.stringify(token),
      token.expiresAtMs,
      rotation?.sealedSuccessor ?? null,
      this.now(),
    ]);
    if (won) return { status: 'ok', record: won.data };
    const seen = await this.findRefreshToken(oldTokenHash);
    return seen.status === 'reused' ? seen : { status: 'unknown' };
  }

  revokeAccessToken(jti: string, expiresAtMs: number): Promise<void> {
    return this.exec(SQL.revokeAccessToken, [jti, expiresAtMs]);
  }

  /** One statement: the `jti` mark, and the grant's existence and revocation. */
  async isAccessTokenRevoked(jti: string, grantId: string): Promise<boolean> {
    const row = await this.one<{ revoked: boolean }>(SQL.isAccessTokenRevoked, [jti, grantId, this.now()]);
    return row?.revoked !== false;
  }

  saveConsent(subject: string, clientId: string, consent: ConsentRecord): Promise<void> {
    return this.exec(SQL.saveConsent, [subject, clientId, JSON.stringify(consent), consent.expiresAtMs]);
  }

  async getConsent(subject: string, clientId: string): Promise<ConsentRecord | undefined> {
    return (await this.one<DataRow<ConsentRecord>>(SQL.getConsent, [subject, clientId, this.now()]))?.data;
  }

  saveSession(sessionIdHash: string, session: SessionRecord): Promise<void> {
    return this.exec(SQL.saveSession, [sessionIdHash, JSON.stringify(session), session.expiresAtMs]);
  }

  async getSession(sessionIdHash: string): Promise<SessionRecord | undefined> {
    return (await this.one<DataRow<SessionRecord>>(SQL.getSession, [sessionIdHash, this.now()]))?.data;
  }

  deleteSession(sessionIdHash: string): Promise<void> {
    return this.exec(SQL.deleteSession, [sessionIdHash]);
  }

  saveUpstreamFlow(stateHash: string, flow: UpstreamFlowRecord): Promise<void> {
    return this.exec(SQL.saveUpstreamFlow, [stateHash, JSON.stringify(flow), flow.expiresAtMs]);
  }

  async consumeUpstreamFlow(stateHash: string): Promise<UpstreamFlowLookup> {
    const params = [stateHash, this.now()];
    const won = await this.one<DataRow<UpstreamFlowRecord>>(SQL.consumeUpstreamFlow, params);
    if (won) return { status: 'ok', record: won.data };
    const seen = await this.one<DataRow<UpstreamFlowRecord>>(SQL.findConsumedUpstreamFlow, params);
    return seen ? { status: 'reused', record: seen.data } : { status: 'unknown' };
  }

  saveUpstreamTokens(grantId: string, tokens: UpstreamTokenRecord): Promise<void> {
    return this.exec(SQL.saveUpstreamTokens, [grantId, JSON.stringify(tokens), tokens.expiresAtMs, this.now()]);
  }

  async getUpstreamTokens(grantId: string): Promise<UpstreamTokenRecord | undefined> {
    return (await this.one<DataRow<UpstreamTokenRecord>>(SQL.getUpstreamTokens, [grantId, this.now()]))?.data;
  }

  /** True the first time `namespace` + `id` is seen, false while it is remembered (S65). */
  async markUsedOnce(namespace: string, id: string, expiresAtMs: number): Promise<boolean> {
    return (
      (await this.one<{ fresh: boolean }>(SQL.markUsedOnce, [namespace, id, expiresAtMs, this.now()])) !== undefined
    );
  }

  /** Deletes every expired row (and unconfirmed clients past their expiry); returns how many. */
  async purgeExpired(): Promise<number> {
    const row = await this.one<{ removed: string }>(PURGE_EXPIRED_SQL, [this.now()]);
    return Number(row?.removed ?? 0);
  }

  private now(): number {
    return Math.floor(this.clock.now());
  }

  private exec(sql: string, params: unknown[]): Promise<void> {
    return this.availability.run(async () => {
      await this.pool.query(sql, params);
    });
  }

  private one<T extends QueryResultRow>(sql: string, params: unknown[]): Promise<T | undefined> {
    return this.availability.run(async () => (await this.pool.query<T>(sql, params)).rows[0]);
  }

  private all<T extends QueryResultRow>(sql: string, params: unknown[]): Promise<T[]> {
    return this.availability.run(async () => (await this.pool.query<T>(sql, params)).rows);
  }
}

interface DataRow<T> {
  data: T;
}

interface ClientRow {
  data: StoredClient;
  unconfirmed_expires_at_ms: string | null;
}

interface GrantRow {
  data: GrantRecord;
  revoked: boolean;
  step_up_required_until_ms: string | null;
}

interface CodeRow {
  data: AuthorizationCodeRecord;
  grant_id: string;
  consumed: boolean;
}

interface RefreshRow {
  data: RefreshTokenRecord;
  grant_id: string;
  client_id: string;
  used: boolean;
  grant_revoked: boolean | null;
  rotated_at_ms: string | null;
  sealed_successor: string | null;
  successor_live: boolean;
}

function clientFromRow(row: ClientRow): StoredClient {
  return row.unconfirmed_expires_at_ms === null
    ? row.data
    : { ...row.data, unconfirmedExpiresAtMs: Number(row.unconfirmed_expires_at_ms) };
}

function grantFromRow(row: GrantRow): GrantRecord {
  const grant: GrantRecord = { ...row.data };
  if (row.revoked) grant.revoked = true;
  if (row.step_up_required_until_ms !== null) grant.stepUpRequiredUntilMs = Number(row.step_up_required_until_ms);
  return grant;
}

function codeLookup(row: CodeRow | undefined): AuthorizationCodeLookup {
  if (!row) return { status: 'unknown' };
  return row.consumed ? { status: 'reused', grantId: row.grant_id } : { status: 'ok', record: row.data };
}

function refreshLookup(row: RefreshRow | undefined): RefreshTokenLookup {
  if (!row) return { status: 'unknown' };
  if (!row.used && !row.grant_revoked) return { status: 'ok', record: row.data };
  if (row.rotated_at_ms === null) return { status: 'reused', grantId: row.grant_id };
  return {
    status: 'reused',
    grantId: row.grant_id,
    rotation: {
      clientId: row.client_id,
      rotatedAtMs: Number(row.rotated_at_ms),
      successorLive: row.successor_live,
      ...(row.sealed_successor !== null && { sealedSuccessor: row.sealed_successor }),
    },
  };
}

import { Logger } from '@nestjs/common';
import type { PoolConfig } from 'pg';
import { StorageUnavailableError } from '../../errors/storage-errors.js';

/** Default bound of one store operation, in ms. */
export const DEFAULT_POSTGRES_OPERATION_TIMEOUT_MS = 2000;

/** `Retry-After` (seconds) suggested while PostgreSQL is unreachable. */
export const POSTGRES_UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

/**
 * node-postgres pool options for an OAuth store that fails fast (S49):
 * bounded connect, statement and query timeouts, and idle connections
 * recycled, so a dead server is noticed within seconds and a returning one is
 * used again without a restart. Spread them into your pool options:
 * `new Pool({ connectionString, ...POSTGRES_FAIL_FAST_OPTIONS })`.
 */
export const POSTGRES_FAIL_FAST_OPTIONS = {
  connectionTimeoutMillis: 2000,
  statement_timeout: 2000,
  query_timeout: 2500,
  idleTimeoutMillis: 10_000,
} satisfies PoolConfig;

/**
 * SQLSTATE classes that mean "the database cannot serve now" rather than a
 * bug: connection exceptions (08), insufficient resources (53), operator
 * intervention such as shutdown or a cancelled statement (57), system errors
 * (58), and serialization failures / deadlocks (40).
 */
const UNAVAILABLE_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57', '58']);

/**
 * Runs PostgreSQL operations with a time bound and turns outages (connection
 * refused or lost, timeouts, server shutting down, too many connections)
 * into {@link StorageUnavailableError}: the OAuth endpoints answer 503
 * `temporarily_unavailable` and the guard fails closed. Other errors (a bug,
 * a missing table) are rethrown as they are. Logs once when the database
 * becomes unavailable and once when it is back, by error class only (S46).
 */
export class PostgresAvailability {
  private readonly logger = new Logger('PostgresOAuthStore');
  private down = false;

  constructor(private readonly timeoutMs: number = DEFAULT_POSTGRES_OPERATION_TIMEOUT_MS) {}

  async run<T>(operation: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PostgresOperationTimeoutError()), this.timeoutMs);
      timer.unref?.();
    });
    try {
      const result = await Promise.race([operation(), timeout]);
      if (this.down) {
        this.down = false;
        this.logger.log('PostgreSQL is reachable again');
      }
      return result;
    } catch (error) {
      if (!isOutage(error)) throw error;
      this.markDown(error);
      throw new StorageUnavailableError('PostgreSQL', POSTGRES_UNAVAILABLE_RETRY_AFTER_SECONDS);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Records an error reported outside an operation (an idle pooled connection that broke). */
  markDown(error: unknown): void {
    if (this.down) return;
    this.down = true;
    const code = (error as { code?: unknown })?.code;
    this.logger.error(
      `PostgreSQL unavailable (${error instanceof Error ? error.name : typeof error}${typeof code === 'string' ? ` ${code}` : ''}); answering 503 until it returns`,
    );
  }
}

/** Messages of node-postgres client errors without a code (lost connection, connect or query timeout). */
const PG_CONNECTION_MESSAGE = /connection|terminated|timeout|timed out|not queryable|after calling end/i;

/** True for errors that mean the database is unreachable or not serving, not a bug. */
export function isOutage(error: unknown): boolean {
  if (error instanceof PostgresOperationTimeoutError) return true;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_SQLSTATE_CLASSES.has(code.slice(0, 2));
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return true;
  return error instanceof Error && PG_CONNECTION_MESSAGE.test(error.message);
}

/** A store operation exceeded its bound. */
export class PostgresOperationTimeoutError extends Error {
  constructor() {
    super('PostgreSQL operation timed out');
    this.name = 'PostgresOperationTimeoutError';
  }
}

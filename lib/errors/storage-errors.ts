/**
 * Errors a store throws. They know nothing of HTTP: the library's error
 * policy turns them into OAuth errors (503 `temporarily_unavailable` with
 * `Retry-After` on the endpoints; the guard fails closed the same way, S49).
 */

/** The storage backend cannot serve now (connection lost, timeout, overloaded). */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';

  constructor(
    /** Which backend, for logs (`Redis`, `PostgreSQL`). */
    readonly backend: string,
    /** Seconds after which a retry is likely to succeed. */
    readonly retryAfterSeconds: number,
  ) {
    super(`${backend} is temporarily unavailable`);
  }
}

import type { Response } from 'express';

/** `Cache-Control: no-store` and `Pragma: no-cache` (RFC 6749 §5.1, S31). */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
});

/** Sets {@link NO_STORE_HEADERS} on an Express response. */
export function applyNoStore(res: Response): void {
  res.set(NO_STORE_HEADERS);
}

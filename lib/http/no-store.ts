import type { Response } from 'express';

/** `Cache-Control: no-store` and `Pragma: no-cache` (RFC 6749 §5.1, S31). */
export function applyNoStore(res: Response): void {
  res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
}

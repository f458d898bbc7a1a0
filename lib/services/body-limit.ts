import type { Request } from 'express';
import { PayloadTooLargeError } from '../errors/http-status-errors.js';

/**
 * Refuses a request body over `limitBytes` (S38): by `Content-Length` when
 * sent, otherwise by the size of the parsed body.
 */
export function assertBodyWithinLimit(req: Request, limitBytes: number): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    const length = Number(declared);
    if (!Number.isFinite(length) || length > limitBytes) throw new PayloadTooLargeError();
    return;
  }
  if (req.body && typeof req.body === 'object' && Buffer.byteLength(JSON.stringify(req.body)) > limitBytes) {
    throw new PayloadTooLargeError();
  }
}

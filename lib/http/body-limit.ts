import type { EndpointRequest } from '../http/endpoint-request.js';
import { PayloadTooLargeError } from '../errors/http-status-errors.js';
import { InvalidRequestError } from '../errors/oauth-error.js';

/**
 * Refuses a request body over `limitBytes` (S38): by `Content-Length` when
 * sent, otherwise (chunked) by the size of the parsed body re-serialized.
 */
export function assertBodyWithinLimit(req: EndpointRequest, limitBytes: number): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    const length = Number(declared);
    if (!Number.isFinite(length) || length > limitBytes) throw new PayloadTooLargeError();
    return;
  }
  if (req.body && typeof req.body === 'object' && serializedLength(req.body) > limitBytes) {
    throw new PayloadTooLargeError();
  }
}

/** Bytes of the body re-serialized as JSON; a body that cannot be (too deep, too long) is `invalid_request` (S58). */
function serializedLength(body: object): number {
  try {
    return Buffer.byteLength(JSON.stringify(body));
  } catch {
    throw new InvalidRequestError('The request body is malformed');
  }
}

import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';
import type { FastifyReply, FastifyRequest, RequestPayload } from 'fastify';
import { mediaTypeOf } from '../endpoint-request.js';

const DECODERS: Readonly<Record<string, () => Transform>> = {
  gzip: createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** The charsets the Express body parsers accept, by media type (RFC 8259 §8.1 for JSON). */
const VALID_CHARSET: Readonly<Record<string, (charset: string) => boolean>> = {
  'application/json': (charset) => charset.startsWith('utf-'),
  'application/x-www-form-urlencoded': (charset) => charset === 'utf-8' || charset === 'iso-8859-1',
};

/**
 * A Fastify `preParsing` hook giving the endpoints' bodies the Express
 * body-parser rules (S50): `Content-Encoding` gzip, deflate and br are
 * decoded (the body limit counts decoded bytes), any other is refused with
 * 415; a JSON or form body with a charset the Express parser would refuse is
 * refused with 415; a body that does not decode is malformed (400). The
 * failures carry the body-parser `type` the error policy maps.
 */
export async function decodeBodyEncoding(
  request: FastifyRequest,
  _reply: FastifyReply,
  payload: RequestPayload,
): Promise<RequestPayload> {
  if (!hasBody(request)) return payload;
  const charset = charsetOf(request.headers['content-type']);
  const valid = VALID_CHARSET[mediaTypeOf(request)];
  if (charset !== undefined && valid && !valid(charset)) throw parserFailure('charset.unsupported');
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity') return payload;
  const decoder = DECODERS[encoding];
  if (!decoder) throw parserFailure('encoding.unsupported');
  delete request.headers['content-length'];
  const decoded = decoder();
  payload.on('error', (error) => decoded.destroy(error));
  decoded.on('error', (error: Error & { type?: string }) => {
    error.type ??= 'entity.parse.failed';
  });
  return payload.pipe(decoded) as unknown as RequestPayload;
}

/** Whether the request declares a body, as `type-is` (Express's body parsers) decides it. */
function hasBody(request: FastifyRequest): boolean {
  const { 'transfer-encoding': chunked, 'content-length': length } = request.headers;
  return chunked !== undefined || (length !== undefined && !Number.isNaN(Number(length)));
}

function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

function parserFailure(type: string): Error {
  return Object.assign(new Error('The request body cannot be read'), { type });
}

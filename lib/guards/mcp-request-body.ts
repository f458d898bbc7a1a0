import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { nodeRequestOf } from './http-platform.js';
import { PayloadTooLargeError } from '../errors/http-status-errors.js';
import { InvalidRequestError, OAuthError } from '../errors/oauth-error.js';
import { jsonTextExceedsDepth, jsonValueExceedsDepth } from '../http/json-depth.js';
import { jsonContentTypeProblem } from '../http/json-media-type.js';

/** Limits for the MCP request body the guard reads (S51, S58). */
export interface McpRequestBodyLimits {
  /** Largest body the guard reads itself when no body parser did, in bytes. */
  limitBytes: number;
  /** Deepest nesting of arrays/objects accepted. */
  maxDepth: number;
}

/** The request's `rawBody`, which `@hono/node-server` (used by the MCP SDK transports) reads instead of the stream. */
type RequestWithRawBody = Request & { rawBody?: unknown };

/**
 * The JSON-RPC body of a POST to the MCP endpoint, read exactly as the MCP
 * transport will read it, or an `OAuthError` (4xx) when that is not possible (S51):
 *
 * - `Content-Type` must be `application/json` (parameters allowed, `charset`
 *   only `utf-8`, nothing but SP/HTAB around it): else 415 `invalid_request`;
 * - a body a JSON parser already parsed is used as it is;
 * - a body no parser read (a parser skipped it, or none is mounted) is read
 *   here, bounded by `limitBytes` (413), decoded as UTF-8 and parsed; it is then
 *   stored as `req.body` (what `@Body()` hands the transport) and `req.rawBody`
 *   (what the transport reads when it gets no parsed body), so both see the same bytes;
 * - a body that is neither (consumed by something else, text or a buffer),
 *   unparsable, or nested deeper than `maxDepth` (S58) is 400.
 */
export async function readMcpRequestBody(request: Request, limits: McpRequestBodyLimits): Promise<unknown> {
  assertJsonContentType(request);
  const parsed = request.body as unknown;
  if (parsed !== undefined) {
    if (typeof parsed !== 'object' || parsed === null || Buffer.isBuffer(parsed)) throw unreadable();
    if (jsonValueExceedsDepth(parsed, limits.maxDepth)) throw tooDeep();
    return parsed;
  }
  const stream = nodeRequestOf(request);
  if (stream.readableDidRead || stream.readableEnded) throw unreadable();
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw new OAuthError('invalid_request', 'The request body content encoding is not supported', 415);
  }
  const raw = await readBounded(stream, limits.limitBytes);
  const text = decodeUtf8(raw);
  if (jsonTextExceedsDepth(text, limits.maxDepth)) throw tooDeep();
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw new InvalidRequestError('The request body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null)
    throw new InvalidRequestError('The request body is not a JSON-RPC message');
  request.body = body;
  (request as RequestWithRawBody).rawBody = raw;
  return body;
}

function assertJsonContentType(request: Request): void {
  const problem = jsonContentTypeProblem(request.headers['content-type']);
  if (problem === undefined) return;
  throw new OAuthError(
    'invalid_request',
    problem === 'charset'
      ? 'The request body charset must be utf-8'
      : 'The request body must be sent with Content-Type: application/json',
    415,
  );
}

function readBounded(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && !(Number(declared) <= limitBytes)) return Promise.reject(new PayloadTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: OAuthError): void => {
      request.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onError);
      if (error) {
        request.pause();
        reject(error);
      } else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > limitBytes) return finish(new PayloadTooLargeError());
      chunks.push(bytes);
    };
    const onEnd = (): void => finish();
    const onError = (): void => finish(new InvalidRequestError('The request body was not received completely'));
    request.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onError);
  });
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(raw: Buffer): string {
  try {
    return STRICT_UTF8.decode(raw);
  } catch {
    throw new InvalidRequestError('The request body is not valid UTF-8');
  }
}

function unreadable(): InvalidRequestError {
  return new InvalidRequestError('The request body could not be read as JSON');
}

function tooDeep(): InvalidRequestError {
  return new InvalidRequestError('The request body is nested too deeply');
}

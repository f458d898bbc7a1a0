import type { Request } from 'express';
import { InvalidRequestError } from '../errors/oauth-error.js';

/** Streamable HTTP (MCP 2026-07-28) header mirroring the JSON-RPC `method`. */
export const MCP_METHOD_HEADER = 'mcp-method';
/** Streamable HTTP (MCP 2026-07-28) header mirroring the target a request names. */
export const MCP_NAME_HEADER = 'mcp-name';

/**
 * Which `params` field `Mcp-Name` mirrors, per method (MCP 2026-07-28
 * Streamable HTTP standard request headers; the `tasks/*` rows as the
 * official SDK v2 reads them).
 */
const MCP_NAME_SOURCE: ReadonlyMap<string, string> = new Map([
  ['tools/call', 'name'],
  ['prompts/get', 'name'],
  ['resources/read', 'uri'],
  ['tasks/get', 'taskId'],
  ['tasks/update', 'taskId'],
  ['tasks/cancel', 'taskId'],
]);

const BASE64_SENTINEL = /^=\?base64\?([A-Za-z0-9+/]*={0,2})\?=$/;
const HTTP_WHITESPACE = /^[ \t]+|[ \t]+$/g;

/** True when the request carries `Mcp-Method` or `Mcp-Name` (cheap: two header lookups). */
export function hasMcpStandardHeaders(request: Request): boolean {
  return request.headers[MCP_METHOD_HEADER] !== undefined || request.headers[MCP_NAME_HEADER] !== undefined;
}

/**
 * Refuses (400 `invalid_request`, S66) a request whose `Mcp-Method` / `Mcp-Name`
 * headers do not match its JSON-RPC body, so what intermediaries and the guard
 * see is what runs:
 *
 * - `Mcp-Method`, when present, must equal the message's `method` (a response,
 *   which has none, never matches);
 * - `Mcp-Name`, when present, must equal `params.name` (`tools/call`,
 *   `prompts/get`), `params.uri` (`resources/read`) or `params.taskId`
 *   (`tasks/*`), after decoding an `=?base64?…?=` value; on any other method,
 *   or when that field is missing, it does not match;
 * - a batch carrying either header is refused: the headers describe one
 *   message, and 2026-07-28 requests are never batched.
 */
export function assertMcpHeadersMatchBody(request: Request, body: unknown): void {
  const methodHeader = singleHeader(request, MCP_METHOD_HEADER);
  const nameHeader = singleHeader(request, MCP_NAME_HEADER);
  if (methodHeader === undefined && nameHeader === undefined) return;
  if (Array.isArray(body)) throw mismatch('Mcp-Method and Mcp-Name must not be sent with a JSON-RPC batch');
  const message = isRecord(body) ? body : {};
  const method = typeof message.method === 'string' ? message.method : undefined;
  if (methodHeader !== undefined && methodHeader !== method) {
    throw mismatch('The Mcp-Method header does not match the JSON-RPC method');
  }
  if (nameHeader === undefined) return;
  const field = method === undefined ? undefined : MCP_NAME_SOURCE.get(method);
  const params = isRecord(message.params) ? message.params : {};
  const target = field === undefined ? undefined : params[field];
  if (typeof target !== 'string' || decodeHeaderValue(nameHeader) !== target) {
    throw mismatch('The Mcp-Name header does not match the JSON-RPC request');
  }
}

function singleHeader(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw mismatch(`The ${name} header must be sent once`);
  return trimHttpWhitespace(value);
}

function trimHttpWhitespace(value: string): string {
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  if (first !== 0x20 && first !== 0x09 && last !== 0x20 && last !== 0x09) return value;
  return value.replace(HTTP_WHITESPACE, '');
}

/** The value of an `Mcp-Name` header: plain ASCII, or UTF-8 in an `=?base64?…?=` sentinel; `undefined` when the sentinel is invalid. */
function decodeHeaderValue(value: string): string | undefined {
  if (!value.startsWith('=?base64?')) return value;
  const match = BASE64_SENTINEL.exec(value);
  if (!match) return undefined;
  const bytes = Buffer.from(match[1]!, 'base64');
  if (bytes.toString('base64') !== match[1]) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function mismatch(description: string): InvalidRequestError {
  return new InvalidRequestError(description);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

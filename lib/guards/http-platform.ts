import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';

/**
 * What differs between Express and Fastify for the guard: a Fastify request
 * wraps the Node.js request (`raw`: the stream, `rawHeaders`, what the MCP
 * SDK transports read), and a Fastify
 * reply sets headers with `header()` where an Express response has `setHeader()`.
 */

/** The Node.js request behind `request`: itself on Express, `request.raw` on Fastify. */
export function nodeRequestOf(request: Request): IncomingMessage {
  return (request as unknown as { raw?: IncomingMessage }).raw ?? request;
}

/** Sets one response header on an Express response or a Fastify reply. */
export function setResponseHeader(response: unknown, name: string, value: string | readonly string[]): void {
  const target = response as {
    setHeader?: (name: string, value: string | readonly string[]) => void;
    header?: (name: string, value: string | readonly string[]) => void;
  };
  if (typeof target.setHeader === 'function') target.setHeader(name, value);
  else target.header!(name, value);
}

/**
 * Sets `key` on the request and, on Fastify, on the Node.js request too: the
 * MCP SDK transports are handed `request.raw` there and read `auth` from it.
 */
export function attachToRequest(request: Request, key: string, value: unknown): void {
  (request as unknown as Record<string, unknown>)[key] = value;
  const node = nodeRequestOf(request);
  if (node !== request) (node as unknown as Record<string, unknown>)[key] = value;
}

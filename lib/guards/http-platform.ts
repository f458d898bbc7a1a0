import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';

/**
 * What differs between Express and Fastify for the guard: a Fastify request
 * wraps the Node.js request (`raw`: the stream, `rawHeaders`), and a Fastify
 * reply sets headers with `header()` where an Express response has `setHeader()`.
 */

/** The Node.js request behind `request`: itself on Express, `request.raw` on Fastify. */
export function nodeRequestOf(request: Request): IncomingMessage {
  return (request as unknown as { raw?: IncomingMessage }).raw ?? request;
}

/** Sets one response header on an Express response or a Fastify reply. */
export function setResponseHeader(response: unknown, name: string, value: string): void {
  const target = response as { setHeader?: (name: string, value: string) => void; header?: (name: string, value: string) => void };
  if (typeof target.setHeader === 'function') target.setHeader(name, value);
  else target.header!(name, value);
}

import type { AbstractHttpAdapter } from '@nestjs/core';
import type { Response } from 'express';
import type { FastifyReply } from 'fastify';
import type { EndpointResult } from './endpoint-result.js';
import { writeResult } from './express/express-endpoints.js';
import { writeReply } from './fastify/fastify-endpoints.js';

/**
 * Writes an endpoint result on the response object Nest hands to a filter or
 * handler: an Express response or a Fastify reply, by the application's HTTP
 * platform. When the response has already started it is only ended.
 */
export function writePlatformResult(adapter: AbstractHttpAdapter, response: unknown, result: EndpointResult): void {
  if (adapter.isHeadersSent(response)) {
    adapter.end(response);
    return;
  }
  if (adapter.getType() === 'fastify') writeReply(response as FastifyReply, result, {});
  else writeResult(response as Response, result, {});
}

import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * CORS for the MCP endpoint, so browser-based clients (the MCP Inspector in
 * "Direct" mode) can call it and read the `WWW-Authenticate` challenge that
 * starts their OAuth flow. Bearer tokens only, no cookies: any origin may
 * call, without credentials. Runs before the guard, so 401 and 403 answers
 * carry the headers too; answers preflights itself. Written with the Node.js
 * API: on Fastify, Nest middleware gets the Node.js request and response.
 */
@Injectable()
export class McpCorsMiddleware implements NestMiddleware {
  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version');
    if (req.method !== 'OPTIONS') return next();
    res
      .writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
        'Access-Control-Allow-Headers':
          'Authorization, Content-Type, Accept, MCP-Protocol-Version, Mcp-Session-Id, Last-Event-ID',
        'Access-Control-Max-Age': '86400',
      })
      .end();
  }
}

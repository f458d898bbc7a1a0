import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * CORS for the MCP endpoint, so browser-based clients (the MCP Inspector in
 * "Direct" mode) can call it and read the `WWW-Authenticate` challenge that
 * starts their OAuth flow. Bearer tokens only, no cookies: any origin may
 * call, without credentials. Runs before the guard, so 401 and 403 answers
 * carry the headers too; answers preflights itself.
 */
@Injectable()
export class McpCorsMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    res.set({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version',
    });
    if (req.method !== 'OPTIONS') return next();
    res
      .status(204)
      .set({
        'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
        'Access-Control-Allow-Headers':
          'Authorization, Content-Type, Accept, MCP-Protocol-Version, Mcp-Session-Id, Last-Event-ID',
        'Access-Control-Max-Age': '86400',
      })
      .end();
  }
}

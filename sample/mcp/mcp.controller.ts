import { Body, Controller, Delete, Get, Logger, Post, Req, Res, UseGuards } from '@nestjs/common';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler } from '@modelcontextprotocol/server';
import type { Request, Response } from 'express';
import { BearerAuthGuard, RequireScopes } from '../../lib/index.js';
import { AccountTools } from '../notes/account.tools.js';
import { NotesTools } from '../notes/notes.tools.js';
import { NOTES_SCOPES } from '../notes/tool-names.js';
import { buildNotesMcpServer } from './notes-mcp-server.js';

/**
 * The MCP endpoint (Streamable HTTP, stateless: a new SDK server per request,
 * served by `createMcpHandler` of `@modelcontextprotocol/server` 2.4, which speaks
 * 2026-07-28 through `server/discover` and the 2025-era revisions through its
 * stateless fallback). Every request needs a bearer token with `notes:read`; a
 * `tools/call` needs the called tool's scopes too (checked by the guard).
 *
 * The guard attaches the verified identity as `req.auth`, which the SDK
 * transport reads and hands to tool callbacks as `extra.authInfo` (its bearer
 * `token` is non-enumerable; its `resource` is the audience string). The
 * `Authorization` header itself is removed before the SDK sees the request.
 */
@Controller('mcp')
@UseGuards(BearerAuthGuard)
@RequireScopes(NOTES_SCOPES.read)
export class McpController {
  private readonly logger = new Logger('McpController');

  constructor(
    private readonly notes: NotesTools,
    private readonly account: AccountTools,
  ) {}

  /** JSON-RPC messages from the client. */
  @Post()
  async handle(@Req() req: Request, @Res() res: Response, @Body() body: unknown): Promise<void> {
    const handler = createMcpHandler(() => buildNotesMcpServer(this.notes, this.account));
    res.on('close', () => void handler.close());
    try {
      await toNodeHandler(handler)(req, res, body);
    } catch (error) {
      this.logger.error(`MCP request failed (${error instanceof Error ? error.name : typeof error})`);
      if (!res.headersSent) res.status(500).json(jsonRpcError(-32603, 'Internal server error'));
    }
  }

  /** No server-initiated SSE stream in stateless mode: 405 (MCP Streamable HTTP transport). */
  @Get()
  openStream(@Res() res: Response): void {
    methodNotAllowed(res);
  }

  /** No sessions to end in stateless mode: 405. */
  @Delete()
  endSession(@Res() res: Response): void {
    methodNotAllowed(res);
  }
}

function methodNotAllowed(res: Response): void {
  res.status(405).set('Allow', 'POST').json(jsonRpcError(-32000, 'Method not allowed.'));
}

function jsonRpcError(code: number, message: string) {
  return { jsonrpc: '2.0', error: { code, message }, id: null };
}

import { Body, Controller, Delete, Get, Logger, Post, Req, Res, UseGuards } from '@nestjs/common';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler } from '@modelcontextprotocol/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
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
  async handle(
    @Req() request: PlatformRequest,
    @Res() response: PlatformResponse,
    @Body() body: unknown,
  ): Promise<void> {
    const { req, res } = nodeHttp(request, response);
    const handler = createMcpHandler(() => buildNotesMcpServer(this.notes, this.account));
    res.on('close', () => void handler.close());
    try {
      await toNodeHandler(handler)(req, res, body);
    } catch (error) {
      this.logger.error(`MCP request failed (${error instanceof Error ? error.name : typeof error})`);
      if (!res.headersSent) sendJson(res, 500, jsonRpcError(-32603, 'Internal server error'));
    }
  }

  /** No server-initiated SSE stream in stateless mode: 405 (MCP Streamable HTTP transport). */
  @Get()
  openStream(@Req() request: PlatformRequest, @Res() response: PlatformResponse): void {
    methodNotAllowed(nodeHttp(request, response).res);
  }

  /** No sessions to end in stateless mode: 405. */
  @Delete()
  endSession(@Req() request: PlatformRequest, @Res() response: PlatformResponse): void {
    methodNotAllowed(nodeHttp(request, response).res);
  }
}

/** An Express request (a Node.js request) or a Fastify request (wrapping one as `raw`). */
type PlatformRequest = IncomingMessage & { raw?: IncomingMessage };
/** An Express response (a Node.js response) or a Fastify reply (wrapping one as `raw`). */
type PlatformResponse = ServerResponse & { raw?: ServerResponse; hijack?: () => void };

/**
 * The Node.js request and response the SDK handler writes to: Express's own,
 * or those behind a Fastify request and reply (the reply is taken over, so
 * Fastify sends nothing itself). The guard's `req.auth` is on both.
 */
function nodeHttp(request: PlatformRequest, response: PlatformResponse): { req: IncomingMessage; res: ServerResponse } {
  if (!response.raw) return { req: request, res: response };
  response.hijack?.();
  return { req: request.raw ?? request, res: response.raw };
}

function methodNotAllowed(res: ServerResponse): void {
  res.setHeader('Allow', 'POST');
  sendJson(res, 405, jsonRpcError(-32000, 'Method not allowed.'));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function jsonRpcError(code: number, message: string) {
  return { jsonrpc: '2.0', error: { code, message }, id: null };
}

import {
  Body,
  Controller,
  Delete,
  Get,
  Injectable,
  Module,
  Post,
  Req,
  Res,
  UseGuards,
  type DynamicModule,
  type INestApplication,
} from '@nestjs/common';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  BearerAuthGuard,
  DefaultOAuthProvider,
  getAccessToken,
  McpAuthModule,
  McpToolName,
  MemoryOAuthStore,
  RequireScopes,
  type ClientIdMetadataDocumentOptions,
  type McpAuthModuleOptions,
} from '../../../lib/index.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';
import { createTestApplicationFromModule } from '../../support/test-app.js';

/** Settings of the interop fixture app. */
export interface NotesFixtureOptions {
  /** Issuer = origin the app listens on. The MCP endpoint is `${baseUrl}/mcp`. */
  baseUrl: string;
  /** Access-token lifetime in seconds. @default 900 */
  accessTokenTtlSeconds?: number;
  /** CIMD options; CIMD is off when undefined. */
  clientIdMetadataDocuments?: ClientIdMetadataDocumentOptions;
  /** Remember consent per user and client. @default false */
  rememberConsent?: boolean;
  /** Clock skew the bearer check tolerates. @default the module's 5 */
  clockSkewSeconds?: number;
}

/** The demo users (same as the sample's). */
export const FIXTURE_USERS = {
  alice: { password: 'alice', name: 'Alice' },
  bob: { password: 'bob', name: 'Bob' },
};

const FIXTURE_OPTIONS = Symbol('NOTES_FIXTURE_OPTIONS');

/** The notes tools; scopes declared where they are implemented. */
@Injectable()
class FixtureNotesTools {
  private readonly notes = new Map<string, string[]>();

  @McpToolName('list_notes')
  @RequireScopes('notes:read')
  list(): { subject?: string; notes: string[] } {
    const subject = getAccessToken()?.subject;
    return { subject, notes: [...(this.notes.get(subject ?? '') ?? [])] };
  }

  @McpToolName('add_note')
  @RequireScopes('notes:write')
  add(text: string): { subject?: string; notes: string[] } {
    const subject = getAccessToken()?.subject ?? '';
    this.notes.set(subject, [...(this.notes.get(subject) ?? []), text]);
    return this.list();
  }
}

/** Stateless Streamable HTTP endpoint built on the official SDK server. */
@Controller('mcp')
@UseGuards(BearerAuthGuard)
@RequireScopes('notes:read')
class FixtureMcpController {
  constructor(private readonly tools: FixtureNotesTools) {}

  @Post()
  async handle(@Req() req: Request, @Res() res: Response, @Body() body: unknown): Promise<void> {
    const server = new McpServer({ name: 'interop-notes', version: '0.0.0' });
    server.registerTool('list_notes', { description: 'Lists notes' }, () => json(this.tools.list()));
    server.registerTool('add_note', { description: 'Adds a note', inputSchema: { text: z.string() } }, ({ text }) =>
      json(this.tools.add(text)),
    );
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    const node = nodeHttp(req, res);
    node.res.on('close', () => void server.close());
    await server.connect(transport);
    await transport.handleRequest(node.req, node.res, body);
  }

  /** Stateless: no server-initiated stream, no session to end (405, as the sample answers). */
  @Get()
  @Delete()
  notAllowed(@Req() req: Request, @Res() res: Response): void {
    nodeHttp(req, res)
      .res.writeHead(405, { Allow: 'POST', 'Content-Type': 'application/json' })
      .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null }));
  }
}

/** The Node.js request and response: Express's own, or those behind a Fastify request and reply (taken over). */
function nodeHttp(req: Request, res: Response): { req: Request; res: Response } {
  const reply = res as unknown as { raw?: Response; hijack?: () => void };
  if (!reply.raw) return { req, res };
  reply.hijack?.();
  return { req: (req as unknown as { raw: Request }).raw, res: reply.raw };
}

function json(value: Record<string, unknown>) {
  return { content: [{ type: 'text' as const, text: JSON.stringify(value) }], structuredContent: value };
}

/** `McpAuthModule` options of the fixture: everything on, rate limits off. */
export function fixtureAuthOptions(options: NotesFixtureOptions): McpAuthModuleOptions {
  const scopes = ['notes:read', 'notes:write'];
  return {
    issuerUrl: options.baseUrl,
    resourceServerUrl: `${options.baseUrl}/mcp`,
    provider: new DefaultOAuthProvider({
      store: new MemoryOAuthStore(),
      users: FIXTURE_USERS,
      signingKeys: [{ privateKey: ecKeyPem().privateKey }],
      rememberConsent: options.rememberConsent ?? false,
      lifetimes: options.accessTokenTtlSeconds ? { accessToken: options.accessTokenTtlSeconds } : undefined,
    }),
    scopesSupported: scopes,
    defaultScopes: ['notes:read'],
    clientRegistration: { enabled: true, validScopes: scopes },
    clientIdMetadataDocuments: options.clientIdMetadataDocuments,
    revocation: { enabled: true },
    introspection: { enabled: true },
    rateLimits: false,
    clockSkewSeconds: options.clockSkewSeconds,
  };
}

@Module({})
class NotesFixtureModule {
  static register(options: NotesFixtureOptions): DynamicModule {
    return {
      module: NotesFixtureModule,
      imports: [McpAuthModule.forRoot(fixtureAuthOptions(options))],
      controllers: [FixtureMcpController],
      providers: [FixtureNotesTools, { provide: FIXTURE_OPTIONS, useValue: options }],
    };
  }
}

/** Builds the fixture app (not listening). */
export async function createNotesFixtureApp(options: NotesFixtureOptions): Promise<INestApplication> {
  return createTestApplicationFromModule(NotesFixtureModule.register(options), {
    logger: false,
    forceCloseConnections: true,
  });
}

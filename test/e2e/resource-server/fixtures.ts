import {
  Body,
  Controller,
  Get,
  HttpCode,
  Injectable,
  type INestApplication,
  type ModuleMetadata,
  Post,
  Req,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Request } from 'express';
import {
  type AccessToken,
  BearerAuthGuard,
  CurrentAuth,
  getAccessToken,
  InvalidTokenError,
  McpAuthModule,
  McpToolName,
  Public,
  RequireScopes,
  ServerError,
  TemporarilyUnavailableError,
  type TokenVerifier,
} from '../../../lib/index.js';
import { createTestApplication } from '../../support/test-app.js';

export const RESOURCE = 'https://mcp.example.com/mcp';
export const PRM_URL = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
export const PRM_PATH = '/.well-known/oauth-protected-resource/mcp';
export const AS = 'https://as.example';

const now = () => Math.floor(Date.now() / 1000);

/** A token verifier over a fixed table; some entries simulate failures. */
export class TableVerifier implements TokenVerifier {
  readonly seen: string[] = [];
  constructor(private readonly table: Record<string, Omit<AccessToken, 'token'>>) {}

  async verifyToken(token: string): Promise<AccessToken | undefined> {
    this.seen.push(token);
    if (token === 'kid-unknown') throw new InvalidTokenError('signature "kid" \\ unknown');
    if (token === 'store-down') throw new TemporarilyUnavailableError(undefined, 7);
    if (token === 'verifier-crash') throw new Error('database said: verifier-crash is bad');
    if (token === 'verifier-server-error') throw new ServerError('upstream said: verifier-server-error');
    const entry = this.table[token];
    return entry ? { ...entry, token } : undefined;
  }
}

/** The standard token table of the e2e tests. */
export function standardTokens(): Record<string, Omit<AccessToken, 'token'>> {
  return {
    'read-token': { clientId: 'c-read', subject: 'alice', scopes: ['notes:read'], resource: RESOURCE },
    'rw-token': { clientId: 'c-rw', subject: 'bob', scopes: ['notes:read', 'notes:write'], resource: [RESOURCE] },
    'admin-token': {
      clientId: 'c-admin',
      subject: 'carol',
      scopes: ['notes:read', 'notes:write', 'notes:admin', 'admin'],
      resource: RESOURCE,
      claims: { iss: AS },
    },
    'expired-token': { clientId: 'c', scopes: ['notes:read'], resource: RESOURCE, expiresAt: now() - 60 },
    'skew-token': { clientId: 'c', scopes: ['notes:read'], resource: RESOURCE, expiresAt: now() - 2 },
    'other-aud-token': { clientId: 'c', scopes: ['notes:read'], resource: 'https://other.example/mcp' },
    'no-aud-token': { clientId: 'c', scopes: ['notes:read'] },
    'upper-host-token': { clientId: 'c-upper', scopes: ['notes:read'], resource: 'HTTPS://MCP.Example.COM:443/mcp' },
    'fragment-aud-token': { clientId: 'c', scopes: ['notes:read'], resource: 'https://mcp.example.com/mcp#x' },
  };
}

/** Stand-in for `@rekog/mcp-nest`'s `@Tool` (same metadata key and shape). */
const RekogTool = (options: { name?: string }) => SetMetadata('mcp:tool', options);

@Injectable()
export class NotesTools {
  readonly calls: string[] = [];

  @McpToolName('add_note')
  @RequireScopes('notes:write')
  addNote(): string {
    this.calls.push('add_note');
    return 'added';
  }

  @RequireScopes('notes:admin')
  @RekogTool({ name: 'purge_notes' })
  async purgeNotes(): Promise<string> {
    this.calls.push('purge_notes');
    return 'purged';
  }

  @RekogTool({})
  @RequireScopes('notes:export')
  exportNotes(): string {
    this.calls.push('exportNotes');
    return 'exported';
  }

  @McpToolName('list_notes')
  listNotes(): string {
    this.calls.push('list_notes');
    return 'listed';
  }
}

const TOOL_METHODS: Record<string, keyof NotesTools> = {
  add_note: 'addNote',
  purge_notes: 'purgeNotes',
  exportNotes: 'exportNotes',
  list_notes: 'listNotes',
};

/** A tiny JSON-RPC dispatcher standing in for the MCP Streamable HTTP endpoint. */
@Controller('mcp')
@UseGuards(BearerAuthGuard)
@RequireScopes('notes:read')
export class McpController {
  handled = 0;
  constructor(private readonly tools: NotesTools) {}

  @Post()
  @HttpCode(200)
  async handle(@Body() body: unknown): Promise<unknown> {
    this.handled++;
    const messages = Array.isArray(body) ? body : [body];
    const results = [];
    for (const message of messages as Array<{ id?: number; method?: string; params?: { name?: string } }>) {
      const method = message.method === 'tools/call' ? TOOL_METHODS[message.params?.name ?? ''] : undefined;
      const result = method ? await (this.tools[method] as () => unknown).call(this.tools) : 'ok';
      results.push({ jsonrpc: '2.0', id: message.id, result });
    }
    return Array.isArray(body) ? results : results[0];
  }

  @Get('admin')
  @RequireScopes('admin')
  admin(): { ok: true } {
    this.handled++;
    return { ok: true };
  }

  @Get('echo')
  echo(@Req() req: Request, @CurrentAuth() auth: AccessToken, @CurrentAuth('clientId') clientId: string): unknown {
    this.handled++;
    return {
      headers: req.headers,
      rawHeaders: ((req as { raw?: Request }).raw ?? req).rawHeaders,
      serialized: JSON.parse(JSON.stringify(auth)),
      spreadKeys: Object.keys({ ...auth }),
      tokenIsReadable: typeof (req as any).auth.token === 'string',
      clientId,
      alsClientId: getAccessToken()?.clientId,
    };
  }

  @Get('health')
  @Public()
  health(): { ok: true } {
    return { ok: true };
  }
}

/** Builds and starts an app; `imports` gets the McpAuthModule flavour under test. */
export async function createApp(metadata: ModuleMetadata): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = createTestApplication(moduleRef, { logger: false });
  await app.init();
  return app;
}

/** The standard app: forRoot with a table verifier, the MCP controller and tools. */
export async function createStandardApp(verifier = new TableVerifier(standardTokens())) {
  const app = await createApp({
    imports: [
      McpAuthModule.forRoot({
        resourceServerUrl: RESOURCE,
        tokenVerifier: verifier,
        authorizationServers: [AS],
        scopesSupported: ['notes:read', 'notes:write', 'notes:admin', 'notes:export', 'admin', 'offline_access'],
        resourceName: 'Notes MCP',
        serviceDocumentationUrl: 'https://mcp.example.com/docs',
      }),
    ],
    controllers: [McpController],
    providers: [NotesTools],
  });
  return { app, verifier, tools: app.get(NotesTools), controller: app.get(McpController) };
}

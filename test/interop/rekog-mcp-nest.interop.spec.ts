import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Controller, type INestApplication, Module, UseGuards } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { McpController, McpHttpControllerFor, McpStrategy, StreamableHttpTransport, Tool } from '@rekog/mcp-nest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BearerAuthGuard, getAccessToken, McpAuthModule, RequireScopes } from '../../lib/index.js';
import { freePort } from './support/interop-server.js';
import { fixtureAuthOptions } from './support/notes-fixture-app.js';
import { InteractiveOAuthProviderV1 } from './support/sdk-v1-oauth-provider.js';
import { TrafficLog } from './support/traffic-log.js';
import { ASYMMETRIC_JWS_ALGORITHMS } from '../../lib/rules/asymmetric-jws-algorithms.js';

/** The `algs` of the DPoP challenge sent with every 401 without credentials (RFC 9449 §7.1). */
const DPOP_ALGS = ASYMMETRIC_JWS_ALGORITHMS.join(' ');
import { createTestApplicationFromModule } from '../support/test-app.js';

/**
 * `@rekog/mcp-nest` 2.0.5 (MCP-Nest; strategy API on `@modelcontextprotocol/server` 2.4.0)
 * behind `BearerAuthGuard`: the MCP route is a Nest controller
 * (`McpHttpControllerFor(transport)`) with `@UseGuards(BearerAuthGuard)`; tools
 * are `@Tool` methods of an `@McpController` with our `@RequireScopes`, read by
 * the guard through MCP-Nest's `'mcp:tool'` metadata; tools read the caller
 * with `getAccessToken()`.
 */
const transport = new StreamableHttpTransport();
const mcp = new McpStrategy({ name: 'rekog-notes', version: '1.0.0', transports: [transport] });
const notes = new Map<string, string[]>();

@Controller('mcp')
@UseGuards(BearerAuthGuard)
@RequireScopes('notes:read')
class NotesMcpHttpController extends McpHttpControllerFor(transport) {}

@McpController()
class NotesTools {
  @Tool({ name: 'list_notes', description: 'Lists your notes' })
  @RequireScopes('notes:read')
  list() {
    return result(this.caller());
  }

  @Tool({ name: 'add_note', description: 'Adds a note', parameters: z.object({ text: z.string() }) })
  @RequireScopes('notes:write')
  add(@Payload() { text }: { text: string }) {
    const caller = this.caller();
    notes.set(caller.subject, [...(notes.get(caller.subject) ?? []), text]);
    return result(caller);
  }

  private caller() {
    const token = getAccessToken();
    if (!token?.subject) throw new Error('No authenticated caller');
    return { subject: token.subject, clientId: token.clientId, scopes: [...token.scopes] };
  }
}

function result(caller: { subject: string; clientId: string; scopes: string[] }) {
  const value = { ...caller, notes: notes.get(caller.subject) ?? [] };
  return { content: [{ type: 'text' as const, text: JSON.stringify(value) }], structuredContent: value };
}

const REDIRECT = 'http://127.0.0.1:38114/callback';
const CLIENT_INFO = { name: 'interop-rekog', version: '1.0.0' };

describe('@rekog/mcp-nest server behind BearerAuthGuard (interop)', () => {
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    @Module({
      imports: [McpAuthModule.forRoot(fixtureAuthOptions({ baseUrl }))],
      controllers: [NotesMcpHttpController, NotesTools],
    })
    class RekogNotesModule {}
    app = await createTestApplicationFromModule(RekogNotesModule, {
      logger: false,
      forceCloseConnections: true,
    });
    mcp.setHttpAdapter(app.getHttpAdapter());
    app.connectMicroservice({ strategy: mcp });
    await app.startAllMicroservices();
    await app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('S1 no token: 401 with resource_metadata before MCP-Nest runs', async () => {
    const res = await fetch(`${baseUrl}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer scope="notes:read", resource_metadata="${baseUrl}/.well-known/oauth-protected-resource/mcp", ` +
        `DPoP scope="notes:read", resource_metadata="${baseUrl}/.well-known/oauth-protected-resource/mcp", algs="${DPOP_ALGS}"`,
    );
  });

  it('S7 SDK v1 client: login, list_notes sees the caller; add_note 403 names notes:write (from @Tool + @RequireScopes), step-up, retry succeeds', async () => {
    const provider = new InteractiveOAuthProviderV1({
      redirectUrl: REDIRECT,
      metadata: { grant_types: ['authorization_code'] },
    });
    const log = new TrafficLog();
    const url = new URL(`${baseUrl}/mcp`);
    const first = new StreamableHTTPClientTransport(url, { authProvider: provider, fetch: log.fetch });
    await expect(new Client(CLIENT_INFO).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
    await first.finishAuth(provider.takeCode(baseUrl));
    const clientTransport = new StreamableHTTPClientTransport(url, { authProvider: provider, fetch: log.fetch });
    const client = new Client(CLIENT_INFO);
    await client.connect(clientTransport);
    expect(client.getServerVersion()?.name).toBe('rekog-notes');

    const listed = await client.callTool({ name: 'list_notes', arguments: {} });
    const clientId = (provider.clientInformation() as { client_id: string }).client_id;
    expect(listed.structuredContent).toEqual({ subject: 'alice', clientId, scopes: ['notes:read'], notes: [] });

    log.clear();
    await expect(client.callTool({ name: 'add_note', arguments: { text: 'from rekog' } })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    const forbidden = log.exchanges.find((e) => e.method === 'POST')!;
    expect(forbidden.status).toBe(403);
    expect(forbidden.wwwAuthenticate).toContain('error="insufficient_scope"');
    expect(forbidden.wwwAuthenticate).toContain('scope="notes:read notes:write"');
    await clientTransport.finishAuth(provider.takeCode(baseUrl));
    const added = await client.callTool({ name: 'add_note', arguments: { text: 'from rekog' } });
    expect(added.structuredContent).toMatchObject({
      subject: 'alice',
      scopes: ['notes:read', 'notes:write'],
      notes: ['from rekog'],
    });
    await client.close();
  });
});

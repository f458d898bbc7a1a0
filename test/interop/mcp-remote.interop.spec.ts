import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startSampleServer, type RunningServer } from './support/interop-server.js';
import {
  ensureMcpRemote,
  MCP_REMOTE_PACKAGES,
  startMcpRemote,
  type McpRemoteSession,
} from './support/mcp-remote-client.js';
import { skipWithoutTool } from './support/tool-availability.js';

/**
 * mcp-remote, the stdio ↔ Streamable HTTP proxy that desktop MCP hosts (Claude Desktop, Cursor,
 * Windsurf) run for remote servers, against the sample. It does all of OAuth itself (it bundles
 * the MCP TypeScript SDK v2 client); the test is the MCP host on its stdio (SDK v1
 * `StdioClientTransport`) and the person in the browser it opens.
 */
const unavailable = skipWithoutTool('mcp-remote', await ensureMcpRemote());

describe.skipIf(unavailable)(`mcp-remote (${MCP_REMOTE_PACKAGES[1]}) against the sample`, () => {
  let server: RunningServer;
  let session: McpRemoteSession | undefined;
  let callbackPort: number;

  beforeAll(async () => {
    server = await startSampleServer();
    callbackPort = await freePort();
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('S1 S27 S28 S29 mcp-remote discovers the server from the 401, registers, signs the user in through its loopback callback and proxies tools', async () => {
    session = await startMcpRemote(server.mcpUrl, callbackPort);
    const { browser } = session;
    expect(browser.errors).toEqual([]);
    expect(browser.openedUrls).toHaveLength(1);
    const authorize = browser.openedUrls[0];
    expect(authorize.origin + authorize.pathname).toBe(`${server.baseUrl}/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`http://localhost:${callbackPort}/oauth/callback`);
    expect(authorize.searchParams.get('resource')).toBe(server.mcpUrl);
    expect(authorize.searchParams.get('scope')).toBe('notes:read');
    expect(browser.outcomes[0].sawLogin).toBe(true);
    expect(browser.outcomes[0].callbackUrl.searchParams.get('iss')).toBe(server.baseUrl);
    expect(browser.callbackStatuses).toEqual([200]);
    expect(readdirSync(session.configDir, { recursive: true }).map(String).join(' ')).toMatch(/tokens\.json/);

    const { tools } = await session.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['whoami', 'list_notes', 'add_note']));
    const whoami = await session.client.callTool({ name: 'whoami', arguments: {} });
    expect(whoami.isError ?? false).toBe(false);
    expect(whoami.structuredContent).toMatchObject({
      subject: 'alice',
      clientId: authorize.searchParams.get('client_id'),
      scopes: ['notes:read'],
    });
    const notes = await session.client.callTool({ name: 'list_notes', arguments: {} });
    expect(notes.structuredContent).toEqual({ notes: [] });
  }, 60_000);

  it('S7 a 403 insufficient_scope for add_note makes mcp-remote open the browser again with notes:read notes:write; the retried call writes the note', async () => {
    expect(session, 'the first test connects').toBeDefined();
    const { client } = session!;
    const before = session!.browser.openedUrls.length;
    const added = await client.callTool({ name: 'add_note', arguments: { text: 'from mcp-remote' } });
    expect(added.isError ?? false).toBe(false);
    expect(added.structuredContent).toMatchObject({ note: { text: 'from mcp-remote' } });
    const again = session!.browser.openedUrls.slice(before);
    expect(again.map((url) => url.searchParams.get('scope'))).toEqual(['notes:read notes:write']);
    const notes = await client.callTool({ name: 'list_notes', arguments: {} });
    expect(notes.structuredContent).toMatchObject({ notes: [{ text: 'from mcp-remote' }] });
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startSampleServer, type RunningServer } from './support/interop-server.js';
import {
  ensurePythonMcpClient,
  PYTHON_FASTMCP_PACKAGE,
  PYTHON_MCP_PACKAGE,
  runPythonClient,
} from './support/python-sdk-client.js';
import { skipWithoutTool } from './support/tool-availability.js';

/**
 * The MCP Python SDK's own OAuth client (`mcp` 2.3.0: `OAuthClientProvider` on httpx2, `Client`
 * over Streamable HTTP) against the sample: discovery from the 401, registration, authorization
 * with PKCE through the real login and consent pages, RFC 9207 `iss`, tool calls, and step-up on
 * 403 `insufficient_scope`.
 */
const REDIRECT = 'http://127.0.0.1:38114/callback';
const unavailable = skipWithoutTool('Python client (MCP Python SDK, FastMCP)', await ensurePythonMcpClient());

describe.skipIf(unavailable)(`MCP Python SDK client (${PYTHON_MCP_PACKAGE}) against the sample`, () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startSampleServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('S1 S27 S28 S29 discovers the server from the 401, registers, signs in and calls tools', async () => {
    const run = await runPythonClient(server.mcpUrl, { client: 'mcp-sdk', redirectUri: REDIRECT }, [
      { tool: 'whoami' },
      { tool: 'list_notes' },
    ]);
    expect(run.stderr).not.toMatch(/Traceback/);
    expect(run.exitCode).toBe(0);
    expect(run.authorizationUrls).toHaveLength(1);
    const authorize = run.authorizationUrls[0];
    expect(authorize.origin + authorize.pathname).toBe(`${server.baseUrl}/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('resource')).toBe(server.mcpUrl);
    expect(run.tools.map((t) => [t.tool, t.isError])).toEqual([
      ['whoami', false],
      ['list_notes', false],
    ]);
    expect(run.tools[0].structured).toMatchObject({ subject: 'alice' });
    expect(run.tools[1].structured).toEqual({ notes: [] });
    // The client tries the 2026-07-28 handshake (server/discover) first; the sample serves it (SDK v2 createMcpHandler).
    expect(run.protocolVersion).toBe('2026-07-28');
    console.info(`MCP Python SDK negotiated protocol ${run.protocolVersion}`);
  });

  it('S7 a 403 insufficient_scope makes the Python client authorize again for the wider scope; the tool then runs', async () => {
    const run = await runPythonClient(
      server.mcpUrl,
      { client: 'mcp-sdk', redirectUri: REDIRECT },
      [{ tool: 'list_notes' }, { tool: 'add_note', arguments: { text: 'from python' } }, { tool: 'list_notes' }],
      { username: 'bob', password: 'bob' },
    );
    expect(run.stderr).not.toMatch(/Traceback/);
    expect(run.exitCode).toBe(0);
    expect(run.authorizationUrls).toHaveLength(2);
    expect(run.authorizationUrls[1].searchParams.get('scope')?.split(' ')).toContain('notes:write');
    expect(run.tools.map((t) => [t.tool, t.isError])).toEqual([
      ['list_notes', false],
      ['add_note', false],
      ['list_notes', false],
    ]);
    expect(run.tools[2].structured?.notes).toEqual([expect.objectContaining({ text: 'from python' })]);
  });
});

describe.skipIf(unavailable)(
  `FastMCP client (${PYTHON_FASTMCP_PACKAGE}) with its own OAuth helper against the sample`,
  () => {
    let server: RunningServer;

    beforeAll(async () => {
      server = await startSampleServer();
    });
    afterAll(async () => {
      await server?.close();
    });

    it('S1 S28 S29 registers, serves its loopback redirect URI, signs in through the pages and calls tools', async () => {
      const callbackPort = await freePort();
      const run = await runPythonClient(server.mcpUrl, { client: 'fastmcp', callbackPort }, [
        { tool: 'whoami' },
        { tool: 'list_notes' },
      ]);
      expect(run.stderr).not.toMatch(/Traceback/);
      expect(run.exitCode).toBe(0);
      expect(run.authorizationUrls).toHaveLength(1);
      expect(run.authorizationUrls[0].searchParams.get('redirect_uri')).toBe(
        `http://127.0.0.1:${callbackPort}/callback`,
      );
      expect(run.authorizationUrls[0].searchParams.get('resource')).toBe(server.mcpUrl);
      expect(run.tools.map((t) => [t.tool, t.isError])).toEqual([
        ['whoami', false],
        ['list_notes', false],
      ]);
      expect(run.tools[0].structured).toMatchObject({ subject: 'alice' });
    }, 90_000);
  },
);

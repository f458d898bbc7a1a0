import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSystemBrowser } from './support/fake-system-browser.js';
import { ensureInspectorCli, INSPECTOR_PACKAGES, runInspectorCli } from './support/inspector-cli.js';
import { freePort, startSampleServer, type RunningServer } from './support/interop-server.js';
import { skipWithoutTool } from './support/tool-availability.js';

/**
 * MCP Inspector 2.x in CLI mode (`mcp-inspector --cli`, one MCP request per run) against the
 * sample. Its interactive OAuth runs without a TTY once `MCP_AUTO_OPEN_ENABLED=true`: it discovers,
 * registers, serves its loopback callback, and opens the system browser, where the test is the
 * person. Tokens are kept between runs in the Inspector's own (file) secret store.
 */
const unavailable = skipWithoutTool('MCP Inspector CLI', await ensureInspectorCli());

describe.skipIf(unavailable)(`MCP Inspector CLI (${INSPECTOR_PACKAGES[1]}) against the sample`, () => {
  let server: RunningServer;
  let browser: FakeSystemBrowser;
  let callbackPort: number;

  beforeAll(async () => {
    server = await startSampleServer();
    browser = new FakeSystemBrowser();
    callbackPort = await freePort();
  });
  afterAll(async () => {
    await browser?.stop();
    await server?.close();
  });

  const inspector = (...args: string[]) => runInspectorCli(server.mcpUrl, callbackPort, browser, args);

  it('S1 S27 S28 S29 the Inspector CLI discovers the server from the 401, registers, signs the user in through its loopback callback, lists and calls tools', async () => {
    const list = await inspector('--method', 'tools/list');
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.json?.result?.tools?.map((tool: { name: string }) => tool.name)).toEqual(
      expect.arrayContaining(['whoami', 'list_notes', 'add_note']),
    );
    expect(browser.errors).toEqual([]);
    expect(browser.openedUrls).toHaveLength(1);
    const authorize = browser.openedUrls[0];
    expect(authorize.origin + authorize.pathname).toBe(`${server.baseUrl}/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`http://127.0.0.1:${callbackPort}/oauth/callback`);
    expect(authorize.searchParams.get('resource')).toBe(server.mcpUrl);
    // The Inspector asks for every scope the protected resource metadata lists.
    expect(authorize.searchParams.get('scope')).toBe('notes:read notes:write notes');
    expect(browser.outcomes[0].sawLogin).toBe(true);
    expect(browser.outcomes[0].callbackUrl.searchParams.get('iss')).toBe(server.baseUrl);
    expect(browser.callbackStatuses).toEqual([200]);

    const whoami = await inspector('--method', 'tools/call', '--tool-name', 'whoami');
    expect(whoami.exitCode, whoami.stderr).toBe(0);
    expect(whoami.json?.result?.structuredContent).toMatchObject({
      subject: 'alice',
      clientId: authorize.searchParams.get('client_id'),
      scopes: ['notes:read', 'notes:write', 'notes'],
    });
    const add = await inspector(
      '--method',
      'tools/call',
      '--tool-name',
      'add_note',
      '--tool-arg',
      'text=from inspector',
    );
    expect(add.exitCode, add.stderr).toBe(0);
    const notes = await inspector('--method', 'tools/call', '--tool-name', 'list_notes');
    expect(notes.json?.result?.structuredContent?.notes).toEqual([expect.objectContaining({ text: 'from inspector' })]);
    // Later runs use the stored token: no second trip through the browser.
    expect(browser.openedUrls).toHaveLength(1);
  }, 60_000);
});

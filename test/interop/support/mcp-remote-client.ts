import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  installTestTool,
  TEST_TOOLS,
  testToolPaths,
  type ToolInstallFailure,
} from '../../../scripts/install-test-tools.mjs';
import { FakeSystemBrowser } from './fake-system-browser.js';

/**
 * Pinned versions (`scripts/install-test-tools.mjs`). mcp-remote runs on the Node 22 installed next
 * to it, like the conformance CLI; neither becomes a dependency of the project.
 */
export const MCP_REMOTE_PACKAGES = TEST_TOOLS['mcp-remote'].packages;

const { node: NODE_22, entry: PROXY } = testToolPaths('mcp-remote');

/** Why mcp-remote cannot run here, or `undefined` when it can (installs it into `.tools/mcp-remote` on first use). */
export function ensureMcpRemote(): Promise<ToolInstallFailure | undefined> {
  return installTestTool('mcp-remote');
}

/** A running mcp-remote proxy with an SDK v1 client on its stdio, and the browser it opens. */
export interface McpRemoteSession {
  client: Client;
  browser: FakeSystemBrowser;
  /** The directory mcp-remote keeps its registrations and tokens in (MCP_REMOTE_CONFIG_DIR). */
  configDir: string;
  /** mcp-remote's stderr so far (its log). */
  stderr(): string;
  /** Stops the proxy (by PID) and the browser, and removes the temp directories. */
  close(): Promise<void>;
}

/**
 * Starts `mcp-remote <mcpUrl> <callbackPort>` under an SDK v1 `StdioClientTransport` and connects
 * (initialize). mcp-remote does its own OAuth: discovery, registration, PKCE, its loopback callback
 * server (`http://localhost:<callbackPort>/oauth/callback`) and opening the system browser through
 * the `open` package, whose `xdg-open` honours `BROWSER` (see {@link FakeSystemBrowser}). Its
 * state goes to a fresh MCP_REMOTE_CONFIG_DIR and HOME, never the machine's `~/.mcp-auth`.
 */
export async function startMcpRemote(
  mcpUrl: string,
  callbackPort: number,
  browser = new FakeSystemBrowser(),
): Promise<McpRemoteSession> {
  const configDir = join(browser.workDir, 'mcp-auth');
  const transport = new StdioClientTransport({
    command: NODE_22,
    args: [PROXY, mcpUrl, String(callbackPort), '--auth-timeout', '30'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: browser.workDir,
      MCP_REMOTE_CONFIG_DIR: configDir,
      BROWSER: browser.command,
      DISPLAY: '',
      NO_COLOR: '1',
    },
    stderr: 'pipe',
  });
  let stderr = '';
  (transport.stderr as Readable | null)?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  const client = new Client({ name: 'interop-mcp-remote-host', version: '1.0.0' });
  const close = async () => {
    await client.close().catch(() => undefined);
    const pid = transport.pid;
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already exited
      }
    }
    await browser.stop();
  };
  try {
    await client.connect(transport, { timeout: 45_000 });
  } catch (error) {
    const log = stderr;
    await close();
    throw new Error(`mcp-remote did not connect: ${(error as Error).message}\n--- mcp-remote stderr ---\n${log}`);
  }
  return { client, browser, configDir, stderr: () => stderr, close };
}

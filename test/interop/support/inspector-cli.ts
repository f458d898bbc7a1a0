import { spawn } from 'node:child_process';
import {
  installTestTool,
  TEST_TOOLS,
  testToolPaths,
  type ToolInstallFailure,
} from '../../../scripts/install-test-tools.mjs';
import type { FakeSystemBrowser } from './fake-system-browser.js';

/**
 * Pinned versions (`scripts/install-test-tools.mjs`). MCP Inspector 2.x needs Node 22, installed next
 * to it as a package; neither becomes a dependency of the project.
 */
export const INSPECTOR_PACKAGES = TEST_TOOLS.inspector.packages;

const { node: NODE_22, entry: LAUNCHER } = testToolPaths('inspector');

/** Why the Inspector cannot run here, or `undefined` when it can (installs it into `.tools/inspector` on first use). */
export function ensureInspectorCli(): Promise<ToolInstallFailure | undefined> {
  return installTestTool('inspector');
}

/** What one `inspector --cli` run printed. */
export interface InspectorCliRun {
  exitCode: number | null;
  /** The `--format json` result (or error envelope), parsed; `undefined` when stdout was not JSON. */
  json: Record<string, any> | undefined;
  stdout: string;
  stderr: string;
}

/**
 * Runs `mcp-inspector --cli --server-url <mcpUrl> --format json <args>` on Node 22. Interactive
 * OAuth is what a person at a terminal gets: `MCP_AUTO_OPEN_ENABLED=true` lets it open the system
 * browser without a TTY, and `BROWSER` is the {@link FakeSystemBrowser}. Its OAuth state and
 * secrets go to files under the browser's temp directory (HOME), so consecutive runs share them
 * like runs of one person would, and nothing touches the machine's `~/.mcp-inspector`.
 */
export async function runInspectorCli(
  mcpUrl: string,
  callbackPort: number,
  browser: FakeSystemBrowser,
  args: string[],
): Promise<InspectorCliRun> {
  const callbackUrl = `http://127.0.0.1:${callbackPort}/oauth/callback`;
  const cli = [LAUNCHER, '--cli', '--server-url', mcpUrl, '--callback-url', callbackUrl, '--format', 'json', ...args];
  const child = spawn(NODE_22, cli, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: browser.workDir,
      BROWSER: browser.command,
      DISPLAY: '',
      MCP_AUTO_OPEN_ENABLED: 'true',
      MCP_INSPECTOR_SECRET_STORE: 'file',
      NO_COLOR: '1',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
  const exitCode = await new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  clearTimeout(timer);
  let json: Record<string, any> | undefined;
  for (const text of [stdout, stderr]) {
    const start = text.indexOf('{');
    if (json || start < 0) continue;
    try {
      json = JSON.parse(text.slice(start)) as Record<string, any>;
    } catch {
      json = undefined;
    }
  }
  return { exitCode, json, stdout, stderr };
}

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import {
  installTestTool,
  TEST_TOOLS,
  testToolPaths,
  type ToolInstallFailure,
} from '../../../scripts/install-test-tools.mjs';
import { HtmlUserAgent } from '../../support/html-user-agent.js';
import { authorizeAsUser, type UserChoice } from './authorize-as-user.js';

/** Pinned versions (`scripts/install-test-tools.mjs`); installed into a virtual environment under `.tools/python`. */
export const [PYTHON_MCP_PACKAGE, PYTHON_FASTMCP_PACKAGE] = TEST_TOOLS.python.packages as [string, string];

const { python: PYTHON } = testToolPaths('python');
const SDK_SCRIPT = resolve('test/interop/support/python_mcp_client.py');
const FASTMCP_SCRIPT = resolve('test/interop/support/python_fastmcp_client.py');

/** Why the Python clients cannot run here, or `undefined` when they can (installs them into `.tools/python` on first use). */
export function ensurePythonMcpClient(): Promise<ToolInstallFailure | undefined> {
  return installTestTool('python');
}

/** One tool call for the Python client, and what it saw. */
export interface PythonToolStep {
  tool: string;
  arguments?: Record<string, unknown>;
}

/** What one run of the Python client reported. */
export interface PythonClientRun {
  authorizationUrls: URL[];
  tools: Array<{ tool: string; isError: boolean; structured: Record<string, any> | null; scope: string | null }>;
  protocolVersion?: string;
  exitCode: number | null;
  stderr: string;
}

/** Which Python client runs, and how the authorization response reaches it. */
export type PythonClientKind =
  /** The MCP Python SDK's `OAuthClientProvider`: the code goes to its callback handler (stdin). */
  | { client: 'mcp-sdk'; redirectUri: string }
  /** FastMCP's `OAuth`: the test's browser requests its own callback server on `callbackPort`. */
  | { client: 'fastmcp'; callbackPort: number };

/**
 * Runs a Python MCP client against `mcpUrl`: every time it sends the user to the authorization
 * server, `agent` signs in and consents as `choice` says, and the authorization response goes back
 * to the client the way that client expects it.
 */
export async function runPythonClient(
  mcpUrl: string,
  kind: PythonClientKind,
  steps: PythonToolStep[],
  choice: UserChoice = {},
  agent = new HtmlUserAgent(),
): Promise<PythonClientRun> {
  const args =
    kind.client === 'mcp-sdk'
      ? [SDK_SCRIPT, mcpUrl, kind.redirectUri, JSON.stringify(steps)]
      : [FASTMCP_SCRIPT, mcpUrl, String(kind.callbackPort), JSON.stringify(steps)];
  const redirectUri = kind.client === 'mcp-sdk' ? kind.redirectUri : `http://127.0.0.1:${kind.callbackPort}/callback`;
  const child = spawn(PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const result: PythonClientRun = { authorizationUrls: [], tools: [], exitCode: null, stderr: '' };
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (result.stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  for await (const line of createInterface({ input: child.stdout })) {
    const event = JSON.parse(line) as Record<string, any>;
    if (event.event === 'authorize') {
      const url = new URL(event.url as string);
      result.authorizationUrls.push(url);
      const { callbackUrl } = await authorizeAsUser(agent, url, redirectUri, choice);
      if (kind.client === 'fastmcp') {
        await openCallback(callbackUrl);
      } else {
        const names = ['code', 'state', 'iss'];
        const reply = Object.fromEntries(names.map((name) => [name, callbackUrl.searchParams.get(name)]));
        child.stdin.write(`${JSON.stringify(reply)}\n`);
      }
    } else if (event.event === 'tool') {
      result.tools.push(event as PythonClientRun['tools'][number]);
    } else if (event.event === 'done') {
      result.protocolVersion = event.protocolVersion as string;
    }
  }
  result.exitCode = await exited;
  clearTimeout(timer);
  return result;
}

/** The browser's last step: load the client's own redirect URI (its server may still be starting). */
async function openCallback(callbackUrl: URL): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(callbackUrl);
      await response.text();
      if (!response.ok) throw new Error(`The client's callback answered ${response.status}`);
      return;
    } catch (error) {
      if (attempt >= 50 || (error as Error).message.startsWith("The client's")) throw error;
      await new Promise((wait) => setTimeout(wait, 100));
    }
  }
}

import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { HtmlUserAgent } from '../../support/html-user-agent.js';
import { authorizeAsUser, type UserChoice } from './authorize-as-user.js';

/** Pinned versions (see docs/spec-versions.md, "Tested clients"); installed into a virtual environment under `.tools/python`. */
export const PYTHON_MCP_PACKAGE = 'mcp==2.3.0';
export const PYTHON_FASTMCP_PACKAGE = 'fastmcp==4.0.10';

const VENV = resolve('.tools/python');
const PYTHON = join(VENV, 'bin/python');
const SDK_SCRIPT = resolve('test/interop/support/python_mcp_client.py');
const FASTMCP_SCRIPT = resolve('test/interop/support/python_fastmcp_client.py');

/** Why the Python client cannot run here, or `undefined` when it can (installs it on first use). */
export async function ensurePythonMcpClient(): Promise<string | undefined> {
  const run = promisify(execFile);
  try {
    if (!existsSync(PYTHON)) await run('python3', ['-m', 'venv', VENV], { timeout: 120_000 });
    await run(PYTHON, ['-c', 'import mcp.client.auth, fastmcp.client.auth']).catch(async () => {
      await run(
        join(VENV, 'bin/pip'),
        ['install', '--quiet', '--retries', '1', PYTHON_MCP_PACKAGE, PYTHON_FASTMCP_PACKAGE],
        { timeout: 600_000 },
      );
    });
    return undefined;
  } catch (error) {
    const packages = `${PYTHON_MCP_PACKAGE} and ${PYTHON_FASTMCP_PACKAGE}`;
    return `python3 with pip, ${packages} could not be installed: ${(error as Error).message.split('\n')[0]}`;
  }
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

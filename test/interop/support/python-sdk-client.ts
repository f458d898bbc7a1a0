import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { HtmlUserAgent } from '../../support/html-user-agent.js';
import { authorizeAsUser, type UserChoice } from './authorize-as-user.js';

/** Pinned version (see README "Tested clients"); installed into a virtual environment under `.tools/python`. */
export const PYTHON_MCP_PACKAGE = 'mcp==2.3.0';

const VENV = resolve('.tools/python');
const PYTHON = join(VENV, 'bin/python');
const SCRIPT = resolve('test/interop/support/python_mcp_client.py');

/** Why the Python client cannot run here, or `undefined` when it can (installs it on first use). */
export async function ensurePythonMcpClient(): Promise<string | undefined> {
  const run = promisify(execFile);
  try {
    if (!existsSync(PYTHON)) await run('python3', ['-m', 'venv', VENV], { timeout: 120_000 });
    await run(PYTHON, ['-c', 'import mcp.client.auth']).catch(async () => {
      await run(join(VENV, 'bin/pip'), ['install', '--quiet', '--disable-pip-version-check', PYTHON_MCP_PACKAGE], {
        timeout: 300_000,
      });
    });
    return undefined;
  } catch (error) {
    return `python3 with pip and ${PYTHON_MCP_PACKAGE} could not be installed: ${(error as Error).message.split('\n')[0]}`;
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

/**
 * Runs the MCP Python SDK's `OAuthClientProvider` + `Client` against `mcpUrl`: every time the SDK
 * sends the user to the authorization server, `agent` signs in and consents as `choice` says, and
 * the code goes back to the SDK's callback handler.
 */
export async function runPythonClient(
  mcpUrl: string,
  redirectUri: string,
  steps: PythonToolStep[],
  choice: UserChoice = {},
  agent = new HtmlUserAgent(),
): Promise<PythonClientRun> {
  const child = spawn(PYTHON, [SCRIPT, mcpUrl, redirectUri, JSON.stringify(steps)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
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
      const reply = Object.fromEntries(
        ['code', 'state', 'iss'].map((name) => [name, callbackUrl.searchParams.get(name)]),
      );
      child.stdin.write(`${JSON.stringify(reply)}\n`);
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

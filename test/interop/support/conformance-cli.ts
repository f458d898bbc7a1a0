import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  installTestTool,
  TEST_TOOLS,
  testToolPaths,
  type ToolInstallFailure,
} from '../../../scripts/install-test-tools.mjs';

/** Pinned versions (`scripts/install-test-tools.mjs`). The suite needs Node 22, installed next to it as a package. */
export const CONFORMANCE_PACKAGES = TEST_TOOLS.conformance.packages;

const { node: NODE_22, entry: CLI } = testToolPaths('conformance');

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
export function ensureConformanceCli(): Promise<ToolInstallFailure | undefined> {
  return installTestTool('conformance');
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

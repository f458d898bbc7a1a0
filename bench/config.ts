import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
/**
 * Benchmark settings, read once from the environment.
 *
 * - `BENCH_DURATION`     seconds of each measured run (default 2)
 * - `BENCH_WARMUP`       seconds of the warm-up run per variant (default 1.5)
 * - `BENCH_ROUNDS`       A/B/A/B rounds per comparison (default 5)
 * - `BENCH_CONNECTIONS`  concurrent connections / chains (default 10)
 * - `BENCH_TOKENS`       distinct tokens for "fresh token per request" (default 2000)
 * - `BENCH_GRANTS`       active grants for the memory scenario (default 100000)
 * - `BENCH_SCENARIOS`    comma list of scenario ids (default: all)
 * - `BENCH_OUTPUT`       where results.json goes (default bench/results.json)
 * - `BENCH_BASELINE`     another checkout with its bench built (`npm run bench` once there): the guard and
 *                        token scenarios add that build's servers to the same alternating run
 */
export interface BenchConfig {
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  connections: number;
  tokenCount: number;
  grantCount: number;
  scenarios: string[] | undefined;
  outputPath: string;
  baseline: BenchBaseline | undefined;
}

/** Another build of the library, measured beside this one (`BENCH_BASELINE`). */
export interface BenchBaseline {
  /** The checkout's root directory. */
  root: string;
  /** Its commit (short), or the directory when it is not a git checkout. */
  label: string;
}

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

/** Reads {@link BenchConfig} from `process.env`. */
export function readBenchConfig(defaultOutputPath: string): BenchConfig {
  const scenarios = process.env.BENCH_SCENARIOS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    durationSeconds: positiveNumber('BENCH_DURATION', 2),
    warmupSeconds: positiveNumber('BENCH_WARMUP', 1.5),
    rounds: Math.max(1, Math.round(positiveNumber('BENCH_ROUNDS', 5))),
    connections: Math.max(1, Math.round(positiveNumber('BENCH_CONNECTIONS', 10))),
    tokenCount: Math.max(1, Math.round(positiveNumber('BENCH_TOKENS', 2000))),
    grantCount: Math.max(1, Math.round(positiveNumber('BENCH_GRANTS', 100_000))),
    scenarios: scenarios?.length ? scenarios : undefined,
    outputPath: process.env.BENCH_OUTPUT || defaultOutputPath,
    baseline: readBaseline(process.env.BENCH_BASELINE),
  };
}

function readBaseline(root: string | undefined): BenchBaseline | undefined {
  if (!root) return undefined;
  const absolute = resolve(root);
  if (!existsSync(join(absolute, 'dist', 'bench', 'server-main.js'))) {
    throw new Error(`BENCH_BASELINE=${root}: no dist/bench/server-main.js there (run "npm run bench" in it once)`);
  }
  let label = absolute;
  try {
    label = execFileSync('git', ['-C', absolute, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout: the directory names it
  }
  return { root: absolute, label };
}

import type { LoadResult } from './load/http-load.js';

/** One side of a side-by-side comparison. */
export interface Variant {
  name: string;
  /** Runs one load run of `durationSeconds` against this variant's server. */
  run(durationSeconds: number): Promise<LoadResult>;
}

/** Measured runs of one variant and their median. */
export interface VariantResult {
  name: string;
  /** Median requests per second over the rounds. */
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errors: number;
  runs: number[];
  /** Median server CPU time per request (µs), when the variant measures it. */
  serverCpuMicrosPerRequest?: number;
  /** Server CPU time per request (µs) of every round, when measured. */
  cpuRuns?: number[];
}

export interface CompareOptions {
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  log: (line: string) => void;
}

/**
 * Warms every variant up, then measures them in alternating rounds
 * (A B C, B C A, C A B, ...) so that noise from the shared machine hits every
 * variant alike. Returns per-variant medians, in the order given.
 */
export async function compareVariants(variants: Variant[], options: CompareOptions): Promise<VariantResult[]> {
  for (const variant of variants) {
    if (options.warmupSeconds > 0) await variant.run(options.warmupSeconds);
  }
  const runs = new Map<string, LoadResult[]>(variants.map((v) => [v.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + round) % variants.length];
      const result = await variant.run(options.durationSeconds);
      runs.get(variant.name)!.push(result);
      options.log(`    round ${round + 1} ${variant.name.padEnd(36)} ${Math.round(result.requestsPerSecond)} req/s`);
    }
  }
  return variants.map((variant) => {
    const results = runs.get(variant.name)!;
    const cpu = results.map((r) => r.serverCpuMicrosPerRequest);
    const cpuRuns = cpu.every((value) => value !== undefined) ? cpu.map((value) => round1(value!)) : undefined;
    return {
      name: variant.name,
      requestsPerSecond: Math.round(median(results.map((r) => r.requestsPerSecond))),
      latencyP50Ms: round2(median(results.map((r) => r.latencyP50Ms))),
      latencyP99Ms: round2(median(results.map((r) => r.latencyP99Ms))),
      errors: results.reduce((sum, r) => sum + r.errors, 0),
      runs: results.map((r) => Math.round(r.requestsPerSecond)),
      ...(cpuRuns && { serverCpuMicrosPerRequest: round1(median(cpuRuns)), cpuRuns }),
    };
  });
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Ratio of `variant` to `baseline`: the median of the per-round ratios (round
 * i of both was measured close together in time), which resists drift better
 * than the ratio of medians.
 */
export function ratioOf(results: VariantResult[], variant: string, baseline: string): number {
  const a = results.find((r) => r.name === variant);
  const b = results.find((r) => r.name === baseline);
  if (!a || !b) throw new Error(`no results for ${variant} or ${baseline}`);
  const perRound = a.runs.map((value, i) => value / (b.runs[i] || Number.NaN)).filter(Number.isFinite);
  return Math.round(median(perRound) * 1000) / 1000;
}

/**
 * The same comparison on server CPU time per request: the median over rounds
 * of baseline CPU/request ÷ variant CPU/request, so that, like
 * {@link ratioOf}, 1 means "as cheap as the baseline" and 0.9 "10 % more CPU
 * per request". `undefined` when either variant did not measure CPU.
 */
export function cpuRatioOf(results: VariantResult[], variant: string, baseline: string): number | undefined {
  const a = results.find((r) => r.name === variant);
  const b = results.find((r) => r.name === baseline);
  if (!a?.cpuRuns || !b?.cpuRuns) return undefined;
  const perRound = a.cpuRuns.map((value, i) => b.cpuRuns![i]! / value).filter(Number.isFinite);
  return Math.round(median(perRound) * 1000) / 1000;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

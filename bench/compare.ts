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
  /** Median server CPU time per request (µs) over the rounds, when the variant measured it. */
  serverCpuMicrosPerRequest?: number;
  /** Server CPU time per request (µs) of each round, when measured. */
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
    const cpuRuns = results.map((r) => r.serverCpuMicrosPerRequest);
    return {
      name: variant.name,
      requestsPerSecond: Math.round(median(results.map((r) => r.requestsPerSecond))),
      latencyP50Ms: median(results.map((r) => r.latencyP50Ms)),
      latencyP99Ms: median(results.map((r) => r.latencyP99Ms)),
      errors: results.reduce((sum, r) => sum + r.errors, 0),
      runs: results.map((r) => Math.round(r.requestsPerSecond)),
      ...(cpuRuns.every((value) => value !== undefined) && {
        serverCpuMicrosPerRequest: Math.round(median(cpuRuns) * 10) / 10,
        cpuRuns,
      }),
    };
  });
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
 * Speed ratio of `variant` to `baseline` by server CPU time per request:
 * the median over rounds of baseline µs/request ÷ variant µs/request (above 1:
 * the variant's server spends less CPU per request). On a shared machine this
 * is steadier than {@link ratioOf}; a CPU-bound server's throughput is its inverse.
 */
export function cpuRatioOf(results: VariantResult[], variant: string, baseline: string): number {
  const a = results.find((r) => r.name === variant)?.cpuRuns;
  const b = results.find((r) => r.name === baseline)?.cpuRuns;
  if (!a || !b) throw new Error(`no CPU measurements for ${variant} or ${baseline}`);
  const perRound = a.map((value, i) => b[i] / value).filter(Number.isFinite);
  return Math.round(median(perRound) * 1000) / 1000;
}

import type { VariantResult } from './compare.js';
import type { BenchConfig } from './config.js';

/** A ratio between two variants, with the target it is judged against (reported, never asserted). */
export interface RatioResult {
  name: string;
  value: number;
  /** Human-readable target, e.g. `>= 0.90`. */
  target?: string;
  met?: boolean;
}

/** What a scenario reports. */
export interface ScenarioResult {
  id: string;
  title: string;
  variants: VariantResult[];
  ratios: RatioResult[];
  /** Scalar measurements that are not throughput (e.g. bytes per grant). */
  metrics?: Record<string, number>;
  notes: string[];
  /** Set when the scenario could not run; the reason is printed instead of numbers. */
  skipped?: string;
}

export interface ScenarioContext {
  config: BenchConfig;
  log: (line: string) => void;
}

/** One benchmark scenario, selectable with `BENCH_SCENARIOS=<id>`. */
export interface Scenario {
  id: string;
  title: string;
  run(context: ScenarioContext): Promise<ScenarioResult>;
}

/** Ratios measured on server CPU time per request, when both sides measured it (none otherwise). */
export function cpuRatio(name: string, value: number | undefined, minimum?: number): RatioResult[] {
  if (value === undefined) return [];
  const label = `${name} (server CPU/req)`;
  return [minimum === undefined ? { name: label, value } : atLeast(label, value, minimum)];
}

/** A ratio judged against a lower bound. */
export function atLeast(name: string, value: number, minimum: number): RatioResult {
  return { name, value, target: `>= ${minimum}`, met: value >= minimum };
}

import { writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import type { BenchConfig } from './config.js';
import type { ScenarioResult } from './scenario.js';

/** The machine the numbers were measured on. */
export function describeMachine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

/** Renders the results as a plain-text table (what `npm run bench` prints). */
export function renderTable(results: ScenarioResult[]): string {
  const lines: string[] = [];
  for (const scenario of results) {
    lines.push('', `## ${scenario.id}: ${scenario.title}`);
    if (scenario.skipped) {
      lines.push(`  SKIPPED: ${scenario.skipped}`);
      continue;
    }
    if (scenario.variants.length) {
      lines.push(
        `  ${'variant'.padEnd(40)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(7)} ${'µs CPU/req'.padStart(10)}  runs`,
      );
      for (const v of scenario.variants) {
        const cpu = v.serverCpuMicrosPerRequest === undefined ? '' : v.serverCpuMicrosPerRequest.toFixed(1);
        lines.push(
          `  ${v.name.padEnd(40)} ${String(v.requestsPerSecond).padStart(8)} ${String(v.latencyP50Ms).padStart(7)} ${String(v.latencyP99Ms).padStart(7)} ${String(v.errors).padStart(7)} ${cpu.padStart(10)}  ${v.runs.join(' / ')}`,
        );
      }
    }
    for (const [name, value] of Object.entries(scenario.metrics ?? {})) lines.push(`  ${name.padEnd(40)} ${value}`);
    for (const r of scenario.ratios) {
      const verdict = r.target ? `  target ${r.target}: ${r.met ? 'met' : 'MISSED'}` : '';
      lines.push(`  ratio ${r.name.padEnd(52)} ${r.value.toFixed(3)}${verdict}`);
    }
    for (const note of scenario.notes) lines.push(`  note: ${note}`);
  }
  return lines.join('\n');
}

/** Writes `results.json`: machine, settings and every scenario's numbers. */
export function writeResults(config: BenchConfig, results: ScenarioResult[], elapsedSeconds: number): void {
  const document = {
    generatedAt: new Date().toISOString(),
    elapsedSeconds: Math.round(elapsedSeconds),
    machine: describeMachine(),
    settings: {
      durationSeconds: config.durationSeconds,
      warmupSeconds: config.warmupSeconds,
      rounds: config.rounds,
      connections: config.connections,
      tokenCount: config.tokenCount,
      grantCount: config.grantCount,
    },
    scenarios: results,
  };
  mkdirSync(dirname(config.outputPath), { recursive: true });
  writeFileSync(config.outputPath, JSON.stringify(document, null, 2) + '\n');
}

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SCENARIOS = ['guard', 'peer', 'memory'];

/**
 * Runs `npm run bench`'s two steps (compile, run) with a tiny duration so the
 * benchmark cannot rot: every server must start, answer 2xx to every request
 * and produce numbers. No timing is asserted.
 */
describe('benchmark smoke', () => {
  const outputDir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  afterAll(() => rmSync(outputDir, { recursive: true, force: true }));

  it('compiles and runs the guard, peer and memory scenarios with a tiny duration, writing results.json', () => {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.bench.json')],
      { cwd: ROOT },
    );
    const outputPath = join(outputDir, 'results.json');
    const run = spawnSync(process.execPath, [join(ROOT, 'dist/bench/run.js')], {
      cwd: ROOT,
      encoding: 'utf8',
      // Generous: on a loaded 2-core machine the servers alone take most of a minute to start.
      timeout: 240_000,
      env: {
        ...process.env,
        BENCH_SCENARIOS: SCENARIOS.join(','),
        BENCH_DURATION: '0.3',
        BENCH_WARMUP: '0',
        BENCH_ROUNDS: '1',
        BENCH_CONNECTIONS: '2',
        BENCH_TOKENS: '4',
        BENCH_GRANTS: '200',
        BENCH_OUTPUT: outputPath,
      },
    });
    expect(run.stderr.replace(/oidc-provider WARNING[^\n]*\n/g, '')).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('finished in');

    const results = JSON.parse(readFileSync(outputPath, 'utf8'));
    expect(results.machine.node).toBe(process.version);
    expect(results.scenarios.map((s: { id: string }) => s.id)).toEqual(SCENARIOS);
    for (const scenario of results.scenarios) {
      expect(scenario.skipped).toBeUndefined();
      if (scenario.id === 'memory') {
        expect(scenario.metrics['active grants']).toBe(200);
        expect(Number.isFinite(scenario.metrics['bytes/grant steady state'])).toBe(true);
        continue;
      }
      expect(scenario.variants.length).toBeGreaterThan(1);
      for (const variant of scenario.variants) {
        expect(variant.errors, `${scenario.id} / ${variant.name}`).toBe(0);
        expect(variant.requestsPerSecond, `${scenario.id} / ${variant.name}`).toBeGreaterThan(0);
      }
      for (const ratio of scenario.ratios) expect(Number.isFinite(ratio.value)).toBe(true);
    }
  }, 300_000);
});

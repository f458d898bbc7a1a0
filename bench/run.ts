import { fileURLToPath } from 'node:url';
import { readBenchConfig } from './config.js';
import { renderTable, writeResults } from './report.js';
import type { ScenarioResult } from './scenario.js';
import { SCENARIOS } from './scenarios/index.js';

/**
 * `npm run bench`: runs the selected scenarios one after the other (each
 * server in its own child process, load generated here), prints a table and
 * writes `bench/results.json`. Exit code 1 when a scenario failed to run or
 * a run saw errors (non-2xx, socket errors): a broken benchmark must not look
 * like a slow one. Targets are reported, not asserted.
 */
async function main(): Promise<void> {
  const defaultOutput = fileURLToPath(new URL('../../bench/results.json', import.meta.url));
  const config = readBenchConfig(defaultOutput);
  const unknown = config.scenarios?.filter((id) => !SCENARIOS.some((s) => s.id === id)) ?? [];
  if (unknown.length)
    throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  const selected = SCENARIOS.filter((s) => !config.scenarios || config.scenarios.includes(s.id));
  const log = (line: string) => console.log(line);
  const started = performance.now();
  const results: ScenarioResult[] = [];
  let failed = false;
  for (const scenario of selected) {
    log(`# ${scenario.id}: ${scenario.title}`);
    try {
      const result = await scenario.run({ config, log });
      results.push(result);
      if (result.variants.some((v) => v.errors > 0)) failed = true;
    } catch (error) {
      failed = true;
      results.push({
        id: scenario.id,
        title: scenario.title,
        variants: [],
        ratios: [],
        notes: [],
        skipped: `failed: ${(error as Error).message}`,
      });
    }
  }
  const elapsed = (performance.now() - started) / 1000;
  console.log(renderTable(results));
  console.log(`\nfinished in ${Math.round(elapsed)} s; results written to ${config.outputPath}`);
  writeResults(config, results, elapsed);
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunDocument, renderCrossVersionSummary } from './cross-version.js';
import { ensureNode24, nodeVersionOf } from './node-versions.js';

/**
 * `npm run bench`: the whole bench on Node 24 (the headline) and on the
 * machine's Node, one after the other, each printing its table; then every
 * ratio side by side, and one `bench/results.json` holding both runs (each
 * with its Node version). `BENCH_NODES=current` runs only the current Node.
 * Exit code 1 when either run failed.
 */
function main(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const runner = fileURLToPath(new URL('./run.js', import.meta.url));
  const output = process.env.BENCH_OUTPUT || join(root, 'bench', 'results.json');
  const binaries = [process.execPath];
  if (process.env.BENCH_NODES !== 'current' && !process.version.startsWith('v24.')) {
    const node24 = ensureNode24(root);
    if (node24.binary) binaries.unshift(node24.binary);
    else console.log(`# Node 24 not available (${node24.reason}); running on ${process.version} only`);
  }
  const scratch = mkdtempSync(join(tmpdir(), 'bench-runs-'));
  const runs: RunDocument[] = [];
  let failed = false;
  try {
    binaries.forEach((binary, index) => {
      const version = nodeVersionOf(binary);
      const runOutput = join(scratch, `run-${index}.json`);
      console.log(`\n# ===== Node ${version} =====`);
      const run = spawnSync(binary, [runner], { stdio: 'inherit', env: { ...process.env, BENCH_OUTPUT: runOutput } });
      if (run.status !== 0) failed = true;
      try {
        runs.push(JSON.parse(readFileSync(runOutput, 'utf8')) as RunDocument);
      } catch {
        failed = true;
        console.log(`# Node ${version}: the run wrote no results`);
      }
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(renderCrossVersionSummary(runs));
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, JSON.stringify({ generatedAt: new Date().toISOString(), runs }, null, 2) + '\n');
  console.log(`\nresults of ${runs.length} run(s) written to ${output}`);
  if (failed) process.exitCode = 1;
}

main();

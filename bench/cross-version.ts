import type { ScenarioResult } from './scenario.js';

/** One bench run's `results.json` (what `run.js` writes). */
export interface RunDocument {
  machine: { node: string } & Record<string, unknown>;
  scenarios: ScenarioResult[];
  [field: string]: unknown;
}

/**
 * Every ratio of every run side by side, one column per Node version, with
 * its target and whether each version meets it: the summary `npm run bench`
 * prints after the per-version tables.
 */
export function renderCrossVersionSummary(runs: readonly RunDocument[]): string {
  const versions = runs.map((run) => run.machine.node);
  const rows = new Map<string, { target?: string; cells: string[] }>();
  runs.forEach((run, column) => {
    for (const scenario of run.scenarios) {
      for (const ratio of scenario.ratios) {
        const key = `${scenario.id}: ${ratio.name}`;
        const row = rows.get(key) ?? { target: ratio.target, cells: versions.map(() => '—') };
        row.target ??= ratio.target;
        const verdict = ratio.target ? (ratio.met ? ' met' : ' MISSED') : '';
        row.cells[column] = Number.isFinite(ratio.value) ? `${ratio.value.toFixed(3)}${verdict}` : 'n/a';
        rows.set(key, row);
      }
    }
  });
  const width = Math.max(20, ...[...rows.keys()].map((key) => key.length));
  const lines = [
    '',
    '## summary: every ratio on every Node version',
    `  ${'ratio'.padEnd(width)} ${versions.map((v) => v.padStart(16)).join(' ')}  target`,
  ];
  for (const [key, row] of rows) {
    lines.push(`  ${key.padEnd(width)} ${row.cells.map((c) => c.padStart(16)).join(' ')}  ${row.target ?? ''}`);
  }
  return lines.join('\n');
}

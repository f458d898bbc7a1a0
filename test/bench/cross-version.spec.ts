import { describe, expect, it } from 'vitest';
import { type RunDocument, renderCrossVersionSummary } from '../../bench/cross-version.js';

function run(node: string, value: number, met: boolean, extra = false): RunDocument {
  return {
    machine: { node },
    scenarios: [
      {
        id: 'guard',
        title: 'Guard',
        variants: [],
        notes: [],
        ratios: [
          { name: 'guard reused / bare', value, target: '>= 0.9', met },
          ...(extra ? [{ name: 'only here', value: 1.5 }] : []),
        ],
      },
    ],
  };
}

describe('npm run bench: the cross-version summary', () => {
  it('puts every ratio of every Node version side by side with its target and verdict', () => {
    const summary = renderCrossVersionSummary([run('v24.22.3', 0.91, true), run('v20.20.2', 0.72, false, true)]);
    const lines = summary.split('\n');
    expect(lines.find((l) => l.trimStart().startsWith('ratio'))).toMatch(/v24\.22\.3\s+v20\.20\.2\s+target/);
    expect(lines.find((l) => l.includes('guard: guard reused / bare'))).toMatch(
      /0\.910 met\s+0\.720 MISSED\s+>= 0\.9$/,
    );
    expect(lines.find((l) => l.includes('guard: only here'))).toMatch(/—\s+1\.500\s*$/);
  });
});

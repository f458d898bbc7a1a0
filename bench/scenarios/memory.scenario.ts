import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MemoryReport } from '../memory-main.js';
import type { Scenario } from '../scenario.js';

const MEMORY_MAIN = fileURLToPath(new URL('../memory-main.js', import.meta.url));

function measure(grants: number): Promise<MemoryReport> {
  return new Promise((resolve, reject) => {
    const child = fork(MEMORY_MAIN, [String(grants)], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let report: MemoryReport | undefined;
    child.on('message', (message: MemoryReport) => (report = message));
    child.on('exit', (code) => (report ? resolve(report) : reject(new Error(`memory child exited with code ${code}`))));
  });
}

/** Scenario 5: heap per active grant in the memory store (heapUsed after full GCs, before vs after). */
export const memoryScenario: Scenario = {
  id: 'memory',
  title: 'Memory: heap per active grant in MemoryOAuthStore',
  async run({ config, log }) {
    const report = await measure(config.grantCount);
    log(`    ${report.grants} grants issued in ${report.secondsToIssue} s`);
    return {
      id: this.id,
      title: this.title,
      variants: [],
      ratios: [],
      metrics: {
        'active grants': report.grants,
        'bytes/grant right after issuance': report.bytesPerGrantAfterIssuance,
        'bytes/grant steady state': report.bytesPerGrantSteadyState,
        'MB for all grants (steady state)': Math.round((report.bytesPerGrantSteadyState * report.grants) / 1e5) / 10,
      },
      notes: [
        'Grants are created through the provider (approve consent -> code -> exchange), one refresh token each.',
        'Each consumed code is remembered as a small marker for as long as its grant lives (a late replay still revokes the grant, S11), so steady state equals right after issuance.',
      ],
    };
  },
};

import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import { DefaultOAuthProvider, MemoryOAuthStore, resolveMcpAuthConfig } from '../lib/index.js';
import { exchangeBenchCodes } from './servers/bench-provider.js';
import { BENCH_ISSUER, BENCH_RESOURCE, BENCH_SCOPE } from './servers/mcp-request.js';

/** What the memory child reports to the runner. */
export interface MemoryReport {
  grants: number;
  heapBeforeBytes: number;
  /** Right after issuance: grant, live refresh token, and the consumed-code marker (kept until the code's expiry, S11). */
  bytesPerGrantAfterIssuance: number;
  /** After the codes' lifetime passed and the store swept: grant + live refresh token only. */
  bytesPerGrantSteadyState: number;
  secondsToIssue: number;
}

const BATCH = 1000;

/**
 * Child process (run with `--expose-gc`): fills a MemoryOAuthStore with
 * `argv[2]` active grants through the provider's own code-exchange path and
 * reports heapUsed growth per grant, measured after full GCs.
 */
async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const grants = Number(process.argv[2]);
  let offsetMs = 0;
  const clock = { now: () => Date.now() + offsetMs };
  const store = new MemoryOAuthStore({ clock, sweepIntervalMs: 0 });
  const provider = new DefaultOAuthProvider({
    store,
    clock,
    signingKeys: [{ privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey }],
    users: { bench: { password: 'bench-password' } },
    lifetimes: { authorizationCode: 60 },
  });
  const config = resolveMcpAuthConfig({
    issuerUrl: BENCH_ISSUER,
    resourceServerUrl: BENCH_RESOURCE,
    provider,
    scopesSupported: [BENCH_SCOPE],
  });
  await provider.initialize(config);
  await exchangeBenchCodes(provider, BATCH);

  const heapUsed = () => {
    for (let i = 0; i < 3; i++) gc();
    return process.memoryUsage().heapUsed;
  };
  const before = heapUsed();
  const started = performance.now();
  for (let done = 0; done < grants; done += BATCH) await exchangeBenchCodes(provider, Math.min(BATCH, grants - done));
  const secondsToIssue = (performance.now() - started) / 1000;
  const afterIssuance = heapUsed();
  offsetMs = 61_000;
  store.sweep();
  const steady = heapUsed();
  const report: MemoryReport = {
    grants,
    heapBeforeBytes: before,
    bytesPerGrantAfterIssuance: Math.round((afterIssuance - before) / grants),
    bytesPerGrantSteadyState: Math.round((steady - before) / grants),
    secondsToIssue: Math.round(secondsToIssue * 10) / 10,
  };
  process.send!(report);
  process.disconnect();
}

main().catch((error: unknown) => {
  console.error('bench memory child failed:', error);
  process.exit(1);
});

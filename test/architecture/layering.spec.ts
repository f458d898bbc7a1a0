import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * The layering of lib/ (docs/architecture.md), checked with dependency-cruiser and the rules in
 * .dependency-cruiser.cjs. The same rules run against test/architecture/fixtures/, a small tree with one
 * deliberate violation per rule, so a rule that stopped matching fails here too.
 */
const execFileAsync = promisify(execFile);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(repoRoot, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = join(repoRoot, '.dependency-cruiser.cjs');
const FIXTURES = join(repoRoot, 'test/architecture/fixtures');

interface Violation {
  type: string;
  from: string;
  to: string;
  rule: { name: string; severity: string };
  /** For a reachability rule: the modules on the way from `from` to `to` (`to` last). */
  via?: { name: string }[];
}
interface CruiseResult {
  modules: {
    source: string;
    dependencies: { resolved: string; couldNotResolve: boolean; dependencyTypes: string[] }[];
  }[];
  summary: { violations: Violation[]; totalCruised: number };
}

/** Runs the depcruise CLI on `lib` inside `cwd` (it exits non-zero when it finds violations) and parses its JSON. */
async function cruise(cwd: string): Promise<CruiseResult> {
  const args = [CLI, 'lib', '--config', CONFIG, '--output-type', 'json'];
  const { stdout } = await execFileAsync(process.execPath, args, { cwd, maxBuffer: 64 * 1024 * 1024 }).catch(
    (error: { stdout?: string; stderr?: string; code?: number }) => {
      if (!error.stdout) throw new Error(`depcruise failed (${error.code}): ${error.stderr}`);
      return { stdout: error.stdout };
    },
  );
  return JSON.parse(stdout) as CruiseResult;
}

const describeViolation = (violation: Violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`;

let fixtureCruise: Promise<CruiseResult> | undefined;
/** The fixture tree's cruise, run once for the tests that read it. */
const cruiseFixtures = () => (fixtureCruise ??= cruise(FIXTURES));

describe('layering (dependency-cruiser)', () => {
  it('lib/ breaks no layering rule', async () => {
    const result = await cruise(repoRoot);
    expect(result.summary.totalCruised).toBeGreaterThan(150);
    const unresolvedLocal = result.modules.flatMap((module) =>
      module.dependencies
        .filter((dependency) => dependency.couldNotResolve && dependency.dependencyTypes.includes('local'))
        .map((dependency) => `${module.source} → ${dependency.resolved}`),
    );
    expect(unresolvedLocal).toEqual([]);
    expect(result.summary.violations.map(describeViolation)).toEqual([]);
  }, 180_000);

  it('reports each deliberate violation of the fixture tree, and nothing it allows', async () => {
    const result = await cruiseFixtures();
    expect(result.summary.violations.map(describeViolation).sort()).toEqual(
      [
        'guards-see-only-the-verifier-contract: lib/guards/fixture.guard.ts → lib/provider/fixture-provider.ts',
        'interfaces-are-contracts: lib/interfaces/fixture-options.ts → lib/provider/fixture-provider.ts',
        'no-cycles: lib/cycle-a.ts → lib/cycle-b.ts',
        'no-cycles: lib/interfaces/fixture-config.ts → lib/interfaces/fixture-plugin.ts',
        'nothing-imports-the-module-file: lib/wiring.ts → lib/mcp-auth.module.ts',
        'rules-are-pure: lib/rules/framework-rule.ts → ../../../node_modules/@nestjs/common/index.js',
        'rules-reach-no-framework: lib/rules/framework-rule.ts → ../../../node_modules/@nestjs/common/index.js',
        'rules-reach-no-framework: lib/rules/transitive-rule.ts → ../../../node_modules/@nestjs/common/index.js',
        'stores-know-no-http: lib/stores/fixture-store.ts → ../../../node_modules/express/index.js',
      ].sort(),
    );
  }, 180_000);

  it('follows every import, type-only ones included, from a rule to the framework it reaches', async () => {
    const result = await cruiseFixtures();
    const reach = result.summary.violations.find(
      (violation) =>
        violation.rule.name === 'rules-reach-no-framework' && violation.from === 'lib/rules/transitive-rule.ts',
    );
    expect(reach?.via?.map((step) => step.name)).toEqual([
      'lib/errors/fixture-http-error.ts',
      '../../../node_modules/@nestjs/common/index.js',
    ]);
  }, 180_000);
});

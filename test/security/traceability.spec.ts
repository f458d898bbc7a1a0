import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkTraceability,
  extractTestTitles,
  formatTable,
  parseRequirements,
} from '../../scripts/check-security-traceability.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Spelled in pieces so this file's own fixtures are not read as test titles by the check. */
const IT = 'i' + 't';
const TEST = 'te' + 'st';

function fakeRepo(files: Record<string, string>): string {
  const base = mkdtempSync(join(tmpdir(), 'traceability-'));
  const root = join(base, 'repo');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  mkdirSync(join(root, 'test'), { recursive: true });
  return root;
}

describe('security traceability', () => {
  it('every required behaviour id has a test named with it, or a reason in not-applicable.json', () => {
    const { rows, problems, source } = checkTraceability(repoRoot);
    console.info(`Security traceability (requirements from ${source})\n${formatTable(rows)}`);
    expect(rows.length).toBeGreaterThanOrEqual(50);
    expect(problems).toEqual([]);
  });

  it('reads titles of it(), test(), modifiers and it.each/test.for tables spanning lines', () => {
    const source = [
      `${IT}('S1 plain', () => {});`,
      `${TEST}.skip("S2 skipped", () => {});`,
      `${IT}.each([`,
      `  ['a', ')'],`,
      `  ['b', 'c'],`,
      `])('S3 table %s', () => {});`,
      `${IT}.for([1, 2] as const)(\`S4 for \${'x'}\`, () => {});`,
      `describe('S5 not a test', () => {});`,
      `obj.${IT}('S6 not vitest');`,
    ].join('\n');
    expect(extractTestTitles(source)).toEqual(['S1 plain', 'S2 skipped', 'S3 table %s', "S4 for ${'x'}"]);
  });

  it('parses list items with continuation lines', () => {
    const items = parseRequirements('# T\n\n- S1 first\n  continues\n- S2 second\n\ntext\n');
    expect([...items]).toEqual([
      ['S1', 'first continues'],
      ['S2', 'second'],
    ]);
  });

  it('fails on a missing id, an unknown id, a stale not-applicable entry and drift between the two lists', () => {
    const root = fakeRepo({
      'test/security/SECURITY-REQUIREMENTS.md': '- S1 one\n- S2 two\n- S3 three\n- S4 four\n',
      'test/security/not-applicable.json': JSON.stringify({
        S3: 'waits for the Redis store',
        S4: 'waits for the Redis store',
      }),
      'test/a.spec.ts': `${IT}('S1 ok', () => {});\n${IT}('S4 done now', () => {});\n${IT}('S9 typo', () => {});\n`,
    });
    const alone = checkTraceability(root);
    expect(alone.source).toBe('test/security/SECURITY-REQUIREMENTS.md');
    expect(alone.problems).toEqual([
      'test/a.spec.ts: test "S9 typo" names S9, which is not a requirement',
      'S2 has no test whose title names it',
      'S4 is tested now: remove it from test/security/not-applicable.json',
    ]);
    mkdirSync(join(root, '../shared'));
    writeFileSync(join(root, '../shared/SECURITY.md'), '- S1 one\n- S2 two, changed\n- S3 three\n- S4 four\n');
    const both = checkTraceability(root);
    expect(both.source).toBe('../shared/SECURITY.md');
    expect(both.problems[0]).toBe(
      'S2 differs between ../shared/SECURITY.md and test/security/SECURITY-REQUIREMENTS.md: refresh the copy',
    );
  });
});

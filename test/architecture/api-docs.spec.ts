import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `npm run docs` builds the API reference from the JSDoc with TypeDoc (`typedoc.json`): from
 * `lib/index.ts` only, `@internal` left out as `stripInternal` leaves it out of the declarations.
 * This runs the same build into a temporary directory and fails on any TypeDoc error or warning: a
 * public name without documentation, a `{@link}` that resolves to nothing, a type the public API
 * uses but does not export. One TypeDoc run (about half a minute on two cores), in the express
 * project only (test/architecture is not a platform suite).
 */
describe('the API reference (npm run docs)', () => {
  const out = mkdtempSync(join(tmpdir(), 'api-docs-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('TypeDoc builds it from lib/index.ts with no error and no warning; @internal members stay out', async () => {
    let output: string;
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        ['node_modules/typedoc/bin/typedoc', '--out', out, '--treatWarningsAsErrors'],
        { timeout: 240_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
      );
      output = `${stdout}${stderr}`;
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`TypeDoc failed:\n${stdout}${stderr}`);
    }
    expect(output).not.toMatch(/\[(warning|error)\]/);
    expect(existsSync(join(out, 'index.html'))).toBe(true);

    const provider = readFileSync(join(out, 'classes/DefaultOAuthProvider.html'), 'utf8');
    expect(provider).toContain('registerClient');
    for (const internal of ['passwordCheck', 'rememberConsent', 'authenticateHook']) {
      expect(provider, `${internal} is @internal`).not.toContain(internal);
    }
    expect(existsSync(join(out, 'classes/McpAuthModule.html'))).toBe(true);
    expect(existsSync(join(out, 'classes/BearerAuthGuard.html'))).toBe(true);
  }, 300_000);
});

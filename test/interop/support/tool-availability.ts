import type { ToolInstallFailure } from '../../../scripts/install-test-tools.mjs';

/** What the tests of a real client do when it could not be installed: run, or skip with a message. */
export type ToolDecision = { skip: false } | { skip: true; message: string };

/**
 * Decides what the tests of `client` do after its install on demand (`failure` says why it could
 * not be installed; `undefined` means it is there): run; on a developer's machine (offline, or the
 * registry unreachable) skip with one message that names what could not be installed and the
 * command that installs it; in CI (`CI=true`) throw, so CI never passes by skipping a client.
 */
export function decideOnTool(
  client: string,
  failure: ToolInstallFailure | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ToolDecision {
  if (failure === undefined) return { skip: false };
  const what = `${failure.packages.join(' and ')} could not be installed into ${failure.dir} (${failure.reason})`;
  const howTo = `Install ${failure.tool} with \`${failure.installCommand}\` once the registry is reachable.`;
  if (env.CI === 'true') {
    throw new Error(`${client} interop tests cannot run in CI: ${what}. ${howTo}`);
  }
  return { skip: true, message: `SKIPPED: ${client} interop tests: ${what}. ${howTo}` };
}

/** {@link decideOnTool} for a spec file: prints the message and returns true when its tests must be skipped. */
export function skipWithoutTool(client: string, failure: ToolInstallFailure | undefined): boolean {
  const decision = decideOnTool(client, failure);
  if (decision.skip) console.warn(decision.message);
  return decision.skip;
}

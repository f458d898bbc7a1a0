/**
 * Decides what a real-client test does when its client could not be installed on demand
 * (`reason` says why; `undefined` means it is installed): on a developer's machine it warns
 * loudly and the caller skips; in CI (`CI=true`, set by `.ci/run`) it throws, so CI never
 * passes by skipping a client.
 * @returns true when the tests must be skipped
 */
export function skipWithoutTool(client: string, reason: string | undefined): boolean {
  if (reason === undefined) return false;
  if (process.env.CI === 'true') throw new Error(`${client} could not be installed in CI: ${reason}`);
  console.warn(`SKIPPED: ${client} interop: ${reason}`);
  return true;
}

import { ChildServer } from './child-server.js';
import type { ServerSpec } from './protocol.js';

/**
 * Node flags of every server child: with `BENCH_CPU_PROF=<dir>` each server
 * writes a V8 CPU profile there when it exits (open in Chrome DevTools).
 */
export function serverExecArgv(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** Starts every spec (one child process each), runs `body`, and stops them all whatever happens. */
export async function withServers<T>(
  specs: Record<string, ServerSpec>,
  body: (servers: Record<string, ChildServer>) => Promise<T>,
): Promise<T> {
  const servers: Record<string, ChildServer> = {};
  try {
    for (const [name, spec] of Object.entries(specs)) servers[name] = await ChildServer.start(spec, serverExecArgv());
    return await body(servers);
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  }
}

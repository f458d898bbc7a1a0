import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second of `/proc/<pid>/stat` (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) a process has used so far, in microseconds, from
 * `/proc/<pid>/stat`; `undefined` where there is no `/proc` (not Linux) or no
 * such process. Server CPU time per request is far steadier than throughput on
 * a shared machine: it does not count time the server waited for a core, and a
 * load generator starved of CPU does not compress it.
 */
export function processCpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

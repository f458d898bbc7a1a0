import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CommandMessage, type ReadyMessage, type ReplyMessage, type ServerSpec } from './protocol.js';
import { processCpuMicros } from './server-cpu.js';

const SERVER_MAIN = fileURLToPath(new URL('./server-main.js', import.meta.url));
const START_TIMEOUT_MS = 60_000;

/** A benchmark server running in its own process, so it never shares an event loop with the load generator. */
export class ChildServer {
  private nextCommandId = 1;
  private readonly pending = new Map<number, (reply: ReplyMessage) => void>();

  private constructor(
    readonly spec: ServerSpec,
    private readonly child: ChildProcess,
    readonly ready: ReadyMessage,
  ) {
    child.on('message', (message: ReplyMessage) => {
      if (message?.type !== 'reply') return;
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
    });
  }

  /** The server process's id (for its CPU time, see `server-cpu.ts`). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** `http://127.0.0.1:<port>` */
  get origin(): string {
    return `http://127.0.0.1:${this.ready.port}`;
  }

  /** Forks `server-main.js` (of `spec.root` when given) with the spec and waits for its ready message. */
  static start(spec: ServerSpec, execArgv: string[] = []): Promise<ChildServer> {
    const main = spec.root ? join(spec.root, 'dist', 'bench', 'server-main.js') : SERVER_MAIN;
    const child = fork(main, [JSON.stringify(spec)], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`${spec.kind}/${spec.variant} did not start within ${START_TIMEOUT_MS} ms`));
      }, START_TIMEOUT_MS);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${spec.kind}/${spec.variant} exited with code ${code} before it was ready`));
      });
      child.on('message', (message: ReadyMessage) => {
        if (message?.type !== 'ready') return;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(new ChildServer(spec, child, message));
      });
    });
  }

  /** Runs a server-side command (see `StartedServer.commands`). */
  command<T>(name: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextCommandId++;
    const message: CommandMessage = { type: 'command', id, name, args };
    return new Promise((resolve, reject) => {
      this.pending.set(id, (reply) => (reply.error ? reject(new Error(reply.error)) : resolve(reply.result as T)));
      this.child.send(message);
    });
  }

  /**
   * Runs `load` and adds the server's CPU time per request to its result
   * (the child's CPU time across the run, read from `/proc`, divided by the
   * requests answered). The one way CPU time is measured, so that a server
   * of another build (`BENCH_BASELINE`) is measured the same way.
   */
  async measuringCpu<T extends { requests: number; serverCpuMicrosPerRequest?: number }>(
    load: () => Promise<T>,
  ): Promise<T> {
    const before = processCpuMicros(this.pid);
    const result = await load();
    const after = processCpuMicros(this.pid);
    if (before !== undefined && after !== undefined && result.requests > 0) {
      result.serverCpuMicrosPerRequest = Math.round(((after - before) / result.requests) * 10) / 10;
    }
    return result;
  }

  /** Disconnects the IPC channel (the child closes and exits) and waits for the exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

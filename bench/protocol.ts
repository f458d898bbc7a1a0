/** Messages between the benchmark runner and a server child process (over the fork IPC channel). */

/** What the runner asks a child to start. `kind` names a module in `bench/servers/`. */
export interface ServerSpec {
  kind: string;
  variant: string;
  /** Number of distinct tokens the child should prepare for the load generator. */
  tokenCount?: number;
  /**
   * Another checkout whose built bench serves this spec (`BENCH_BASELINE`):
   * its `dist/bench/server-main.js` runs instead of this build's, so one run
   * alternates the two builds.
   */
  root?: string;
}

/** Sent by the child once it listens on loopback. */
export interface ReadyMessage {
  type: 'ready';
  port: number;
  /** Bearer tokens (resource-server scenarios) or refresh tokens (token scenarios) for the load generator. */
  tokens: string[];
  /** Anything else the scenario needs (client id, code verifier, ...). */
  extra?: Record<string, unknown>;
}

/** A request from the runner to the child, answered with a {@link ReplyMessage} carrying the same `id`. */
export interface CommandMessage {
  type: 'command';
  id: number;
  name: string;
  args?: Record<string, unknown>;
}

export interface ReplyMessage {
  type: 'reply';
  id: number;
  result?: unknown;
  error?: string;
}

/** What every `bench/servers/*.server.ts` module exports. */
export interface BenchServerModule {
  startServer(spec: ServerSpec): Promise<StartedServer>;
}

/** A server running inside the child. */
export interface StartedServer {
  port: number;
  tokens: string[];
  extra?: Record<string, unknown>;
  /** Runner commands the server understands (e.g. mint a batch of authorization codes). */
  commands?: Record<string, (args: Record<string, unknown>) => Promise<unknown>>;
  close(): Promise<void>;
}

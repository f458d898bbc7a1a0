import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createConnection, createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { REDIS_FAIL_FAST_OPTIONS } from '../../lib/stores/redis/redis-availability.js';

/** A Redis for one test file: its own `redis-server` on loopback, or the one in `REDIS_URL`. */
export interface TestRedis {
  url: string;
  host: string;
  port: number;
  /** True for a server this helper spawned (it can be killed and restarted). */
  owned: boolean;
  /** A client with the fail-fast options; closed by {@link stop}. */
  client(options?: RedisOptions): Redis;
  /** SIGKILLs the spawned server (an outage). Owned servers only. */
  kill(): Promise<void>;
  /** Starts the spawned server again on the same port (data is gone: no persistence). */
  restart(): Promise<void>;
  /** Closes every client and kills the spawned server. */
  stop(): Promise<void>;
}

/** Why Redis tests cannot run here, or `undefined` when they can. Synchronous, for `describe.skipIf`. */
export function redisUnavailableReason(): string | undefined {
  if (process.env.REDIS_URL) return undefined;
  if (findOnPath('redis-server')) return undefined;
  return 'neither REDIS_URL is set nor `redis-server` is on PATH (apt-get install redis-server)';
}

/** Logs loudly that a Redis suite is skipped, naming what is missing. */
export function announceRedisSkip(suite: string): void {
  const reason = redisUnavailableReason();
  if (reason) console.warn(`\n!!! SKIPPED ${suite}: ${reason} !!!\n`);
}

/** Starts (or connects to) the test Redis. Call {@link redisUnavailableReason} first. */
export async function startTestRedis(options: { cluster?: boolean } = {}): Promise<TestRedis> {
  const clients: Redis[] = [];
  const external = process.env.REDIS_URL;
  let child: ChildProcess | undefined;
  let host = '127.0.0.1';
  let port: number;
  if (external) {
    const url = new URL(external);
    host = url.hostname;
    port = Number(url.port || 6379);
  } else {
    port = await freeLoopbackPort();
    child = await spawnRedis(port, options.cluster);
  }
  const url = external ?? `redis://${host}:${port}`;
  const killChild = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  const onExit = () => child?.kill('SIGKILL');
  process.once('exit', onExit);
  return {
    url,
    host,
    port,
    owned: !external,
    client(options: RedisOptions = {}) {
      const client = new Redis(url, { ...REDIS_FAIL_FAST_OPTIONS, ...options });
      client.on('error', () => undefined);
      clients.push(client);
      return client;
    },
    kill: killChild,
    async restart() {
      if (external) throw new Error('cannot restart an external REDIS_URL server');
      await killChild();
      child = await spawnRedis(port, options.cluster);
    },
    async stop() {
      for (const client of clients) client.disconnect();
      await killChild();
      process.removeListener('exit', onExit);
    },
  };
}

/** Waits until an ioredis client is ready (bounded). */
export async function whenReady(client: Redis, timeoutMs = 5000): Promise<Redis> {
  if (client.status === 'ready') return client;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis client not ready')), timeoutMs);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return client;
}

async function spawnRedis(port: number, cluster = false): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--protected-mode',
    'yes',
  ];
  if (cluster) {
    const clusterDir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
    args.push('--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1', '--dir', clusterDir);
  }
  const child = spawn(findOnPath('redis-server')!, args, { stdio: 'ignore' });
  const dir = cluster ? args[args.length - 1] : undefined;
  if (dir) child.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    if (await canConnect(port)) {
      if (cluster) await assignAllSlots(port);
      return child;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not start within 5 s');
}

/** Makes a one-node cluster own every slot (cross-slot errors still apply, as on a real cluster). */
async function assignAllSlots(port: number): Promise<void> {
  const admin = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    for (let attempt = 0; attempt < 100; attempt++) {
      const info = String(await admin.call('CLUSTER', 'INFO'));
      if (info.includes('cluster_state:ok')) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('one-node redis cluster did not become ok');
  } finally {
    admin.disconnect();
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** A TCP port free on 127.0.0.1 right now. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

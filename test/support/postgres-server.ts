import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '../../lib/stores/postgres/postgres-migrate.js';
import { POSTGRES_FAIL_FAST_OPTIONS } from '../../lib/stores/postgres/postgres-availability.js';
import { freeLoopbackPort } from './redis-server.js';

/** The test database: `DATABASE_URL`, else the machine's local server with trust auth. */
export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Binaries of a local PostgreSQL installation (Debian layout), for tests that run their own server. */
const POSTGRES_BIN_DIRS = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'];

let cachedReason: string | undefined | null = null;

/**
 * Why PostgreSQL tests cannot run here, or `undefined` when they can.
 * Synchronous (for `describe.skipIf`): tries one connection in a child process.
 */
export function postgresUnavailableReason(): string | undefined {
  if (cachedReason !== null) return cachedReason;
  const probe = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import pg from 'pg'; const c = new pg.Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
       await c.connect(); await c.query('select 1'); await c.end();`,
      TEST_DATABASE_URL,
    ],
    { encoding: 'utf8', timeout: 10_000 },
  );
  cachedReason =
    probe.status === 0
      ? undefined
      : `no PostgreSQL at ${redact(TEST_DATABASE_URL)} (set DATABASE_URL; ${(probe.stderr || 'timeout').trim().split('\n').pop()})`;
  return cachedReason;
}

/** Logs loudly that a PostgreSQL suite is skipped, naming what is missing. */
export function announcePostgresSkip(suite: string): void {
  const reason = postgresUnavailableReason();
  if (reason) console.warn(`\n!!! SKIPPED ${suite}: ${reason} !!!\n`);
}

/** A private schema in the test database, with the store's tables migrated into it. */
export interface TestSchema {
  schema: string;
  url: string;
  /** A fail-fast pool whose `search_path` is this schema; ended by {@link drop}. */
  pool(options?: pg.PoolConfig): pg.Pool;
  /** Ends every pool and drops the schema. */
  drop(): Promise<void>;
}

/**
 * Creates a unique schema (so parallel test files and other people's tests do
 * not collide) and, unless `migrate: false`, runs the migrations in it.
 */
export async function createTestSchema(
  label: string,
  options: { migrate?: boolean; url?: string } = {},
): Promise<TestSchema> {
  const url = options.url ?? TEST_DATABASE_URL;
  const schema = `mcp_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const pools: pg.Pool[] = [];
  const pool = (extra: pg.PoolConfig = {}) => {
    const created = new pg.Pool({
      connectionString: url,
      ...POSTGRES_FAIL_FAST_OPTIONS,
      options: `-c search_path=${schema}`,
      ...extra,
    });
    created.on('error', () => undefined);
    pools.push(created);
    return created;
  };
  if (options.migrate !== false) await migrate(pool());
  return {
    schema,
    url,
    pool,
    async drop() {
      await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await cleanup.end();
    },
  };
}

/** A PostgreSQL server of the test's own (initdb in a temp dir, another port), which may be killed. */
export interface OwnPostgres {
  url: string;
  port: number;
  /** SIGKILLs the postmaster by its PID (an outage) and waits until its backends are gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops it and removes its data directory. */
  destroy(): Promise<void>;
}

/** Why {@link startOwnPostgres} cannot run here, or `undefined`. */
export function ownPostgresUnavailableReason(): string | undefined {
  if (!binDir()) return `no initdb/pg_ctl in ${POSTGRES_BIN_DIRS.join(', ')} (apt-get install postgresql)`;
  if (process.getuid?.() === 0 && !existsSync('/usr/sbin/runuser'))
    return 'running as root without runuser to start PostgreSQL as postgres';
  return undefined;
}

/** initdb + pg_ctl start on a free loopback port (as the `postgres` user when running as root). */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = binDir()!;
  const dir = mkdtempSync(join(tmpdir(), 'mcp-auth-pg-'));
  const data = join(dir, 'data');
  const port = await freeLoopbackPort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  const run = (command: string, args: string[]) => {
    const full = asRoot ? ['/usr/sbin/runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    const result = spawnSync(full[0] as string, full[1] as string[], { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
  };
  run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const start = async () => {
    run(join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '30',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`,
      'start',
    ]);
  };
  const postmasterPid = () => {
    const file = join(data, 'postmaster.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
  };
  const kill = async () => {
    const pid = postmasterPid();
    if (!pid || !alive(pid)) return;
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
    await sleep(300);
  };
  await start();
  const onExit = () => {
    const pid = postmasterPid();
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
  };
  process.once('exit', onExit);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    kill,
    async start() {
      for (let attempt = 0; ; attempt++) {
        try {
          await start();
          return;
        } catch (error) {
          if (attempt >= 20) throw error;
          await sleep(250);
        }
      }
    },
    async destroy() {
      process.removeListener('exit', onExit);
      const pid = postmasterPid();
      if (pid && alive(pid)) {
        try {
          run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
        } catch {
          process.kill(pid, 'SIGKILL');
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function binDir(): string | undefined {
  return POSTGRES_BIN_DIRS.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) throw new Error('no `postgres` user to run a test PostgreSQL as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

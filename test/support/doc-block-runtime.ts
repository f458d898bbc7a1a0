import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, vi } from 'vitest';
import { freeLoopbackPort } from './redis-server.js';
import { createTestApplicationFromModule } from './test-app.js';

/** A runnable documentation block (`doc-test=<name>`), written to disk and ready to import. */
export interface DocBlockHandle {
  /** The `<name>` of its `doc-test=<name>` tag. */
  name: string;
  /** Where it is, e.g. `README.md:47`. */
  location: string;
  /** The generated module (absolute path). */
  path: string;
  /** Imports the block, running its top level; see {@link importRecordingApps}. */
  run(): Promise<RunningDocBlock>;
}

/** A block after its import: its exports, and every Nest application its top level created. */
export interface RunningDocBlock {
  exports: Record<string, unknown>;
  apps: INestApplication[];
  /** Closes every recorded application. */
  close(): Promise<void>;
}

/** What registers the checks of one runnable block (called inside its `describe`). */
export type DocBlockDriver = (block: DocBlockHandle) => void;

/**
 * Imports a generated block while `NestFactory.create` records the
 * applications it creates, so a test can drive and close them. Two
 * adaptations for the test machine, neither of which changes what the block
 * does: Nest logs errors only (unless the block passes its own options), and
 * `listen(port)` without a host listens on loopback.
 */
export async function importRecordingApps(path: string): Promise<RunningDocBlock> {
  const apps: INestApplication[] = [];
  const create = NestFactory.create.bind(NestFactory) as (...args: unknown[]) => Promise<INestApplication>;
  const spy = vi.spyOn(NestFactory, 'create').mockImplementation((async (module: unknown, ...rest: unknown[]) => {
    const app = await create(module, ...(rest.length ? rest : [{ logger: ['error'] }]));
    const listen = app.listen.bind(app) as (...args: unknown[]) => Promise<unknown>;
    (app as { listen: unknown }).listen = (port: unknown, ...more: unknown[]) =>
      more.length ? listen(port, ...more) : listen(port, '127.0.0.1');
    apps.push(app);
    return app;
  }) as never);
  try {
    const exports = (await import(path)) as Record<string, unknown>;
    return { exports, apps, close: () => Promise.all(apps.map((app) => app.close())).then(() => undefined) };
  } finally {
    spy.mockRestore();
  }
}

/** Sets environment variables; returns what puts the previous values back. */
export function setEnv(values: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/**
 * For a block that starts its own application (`listen(PORT)`): runs it before
 * the suite with `PORT` and `BASE_URL` naming a free loopback port, and closes
 * what it started after. Returns getters of the base URL and the running block.
 */
export function serveBlockOnLoopback(block: DocBlockHandle): { baseUrl(): string; running(): RunningDocBlock } {
  let running: RunningDocBlock | undefined;
  let baseUrl = '';
  let restoreEnv: (() => void) | undefined;
  beforeAll(async () => {
    const port = await freeLoopbackPort();
    baseUrl = `http://127.0.0.1:${port}`;
    restoreEnv = setEnv({ PORT: String(port), BASE_URL: baseUrl });
    running = await block.run();
  });
  afterAll(async () => {
    await running?.close();
    restoreEnv?.();
  });
  return { baseUrl: () => baseUrl, running: () => running! };
}

/** A block's `AppModule` booted for a suite (see {@link bootBlockAppModule}). */
export interface BootedBlockApp {
  app(): INestApplication;
  /** What the block exports. */
  exports(): Record<string, unknown>;
  /** `http://127.0.0.1:<port>` when it listens (`listen: true`), else empty. */
  baseUrl(): string;
}

/**
 * For a block that exports `AppModule`: imports it with `env` set and boots the
 * module as a test application (on the suite's HTTP platform, logger off)
 * before the suite; closes it after. With `listen`, `BASE_URL` names a free
 * loopback port first and the application listens there.
 */
export function bootBlockAppModule(
  block: DocBlockHandle,
  env: Record<string, string>,
  options: { listen?: boolean } = {},
): BootedBlockApp {
  let app: INestApplication | undefined;
  let exports: Record<string, unknown> = {};
  let baseUrl = '';
  let restoreEnv: (() => void) | undefined;
  beforeAll(async () => {
    const port = options.listen ? await freeLoopbackPort() : undefined;
    if (port !== undefined) baseUrl = `http://127.0.0.1:${port}`;
    restoreEnv = setEnv(port === undefined ? env : { ...env, BASE_URL: baseUrl });
    exports = (await block.run()).exports;
    app = await createTestApplicationFromModule(exports.AppModule, { logger: false });
    if (port === undefined) await app.init();
    else await app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    restoreEnv?.();
  });
  return { app: () => app!, exports: () => exports, baseUrl: () => baseUrl };
}

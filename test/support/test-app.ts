import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { TestingModule } from '@nestjs/testing';

/** The HTTP platform the suites run on: `MCP_TEST_HTTP_ADAPTER=fastify`, else Express. */
export type TestHttpAdapter = 'express' | 'fastify';

export function testHttpAdapter(): TestHttpAdapter {
  return process.env.MCP_TEST_HTTP_ADAPTER === 'fastify' ? 'fastify' : 'express';
}

export const onFastify = (): boolean => testHttpAdapter() === 'fastify';

/** Options of a test application beyond Nest's own. */
export interface TestApplicationOptions extends NestApplicationOptions {
  /** Honour `X-Forwarded-For` for the client address (Express `trust proxy`, Fastify `trustProxy`). */
  trustProxy?: boolean;
  /** The platform, when a test compares both; default {@link testHttpAdapter}. */
  adapter?: TestHttpAdapter;
}

/** Express's default body-parser limit (`100kb`), so that the application's own routes read bodies alike. */
const EXPRESS_BODY_LIMIT_BYTES = 100 * 1024;

/**
 * A Nest application of `moduleRef` on the test platform. On Fastify, `init()`
 * also waits for Fastify to be ready, so that supertest can send requests
 * to `getHttpServer()` right away.
 */
export function createTestApplication<T extends INestApplication = INestApplication>(
  moduleRef: TestingModule,
  options: TestApplicationOptions = {},
): T {
  const { trustProxy, adapter = testHttpAdapter(), ...nestOptions } = options;
  if (adapter === 'express') {
    const app = moduleRef.createNestApplication<T>(nestOptions);
    if (trustProxy) (app as unknown as { set(name: string, value: unknown): void }).set('trust proxy', true);
    return app;
  }
  const app = moduleRef.createNestApplication<T>(fastifyAdapter(trustProxy), nestOptions);
  if (nestOptions.bodyParser === false) leaveBodiesUnread(app);
  return readyOnInit(app);
}

/** {@link createTestApplication} for an application module (`NestFactory.create`). */
export async function createTestApplicationFromModule<T extends INestApplication = INestApplication>(
  module: unknown,
  options: TestApplicationOptions = {},
): Promise<T> {
  const { trustProxy, adapter = testHttpAdapter(), ...nestOptions } = options;
  if (adapter === 'express') {
    const app = await NestFactory.create<T>(module as never, nestOptions);
    if (trustProxy) (app as unknown as { set(name: string, value: unknown): void }).set('trust proxy', true);
    return app;
  }
  return readyOnInit(await NestFactory.create<T>(module as never, fastifyAdapter(trustProxy), nestOptions));
}

function fastifyAdapter(trustProxy: boolean | undefined): FastifyAdapter {
  return new FastifyAdapter({ bodyLimit: EXPRESS_BODY_LIMIT_BYTES, ...(trustProxy ? { trustProxy: true } : {}) });
}

/**
 * `bodyParser: false` on Fastify: Fastify parses JSON and text bodies itself
 * even without Nest's parsers, so they are replaced by one that reads
 * nothing, leaving the stream to the guard as on Express without a parser.
 */
function leaveBodiesUnread(app: INestApplication): void {
  const instance = app.getHttpAdapter().getInstance() as {
    removeAllContentTypeParsers(): void;
    addContentTypeParser(type: string, parser: (req: unknown, payload: unknown, done: (e: null) => void) => void): void;
  };
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('*', (_req, _payload, done) => done(null));
}

function readyOnInit<T extends INestApplication>(app: T): T {
  const init = app.init.bind(app);
  app.init = async () => {
    await init();
    await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
    return app;
  };
  return app;
}

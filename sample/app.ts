import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SampleModule } from './sample.module.js';
import type { SampleOptions } from './sample-options.js';

export type { SampleOptions } from './sample-options.js';

/**
 * Builds the sample's Nest application (not yet listening) on Express, or on
 * Fastify with `httpAdapter: 'fastify'` (`HTTP_ADAPTER=fastify`), so tests can
 * run it in-process: `await app.init()` or `await app.listen(port)`.
 */
export async function createSampleApp(options: SampleOptions): Promise<INestApplication> {
  const nestOptions = { logger: options.logger === false ? false : undefined, forceCloseConnections: true } as const;
  if (options.httpAdapter === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    const app = await NestFactory.create(SampleModule.register(options), new FastifyAdapter(), nestOptions);
    const init = app.init.bind(app);
    app.init = async () => {
      await init();
      await app.getHttpAdapter().getInstance().ready();
      return app;
    };
    return app;
  }
  const app = await NestFactory.create<NestExpressApplication>(SampleModule.register(options), nestOptions);
  app.disable('x-powered-by');
  return app;
}

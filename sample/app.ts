import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SampleModule } from './sample.module.js';
import type { SampleOptions } from './sample-options.js';

export type { SampleOptions } from './sample-options.js';

/**
 * Builds the sample's Nest application (not yet listening), so tests can run
 * it in-process: `await app.init()` or `await app.listen(port)`.
 */
export async function createSampleApp(options: SampleOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(SampleModule.register(options), {
    logger: options.logger === false ? false : undefined,
    forceCloseConnections: true,
  });
  app.disable('x-powered-by');
  return app;
}

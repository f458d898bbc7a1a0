import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createSampleApp } from './app.js';
import { openPostgresStore } from './postgres-store.js';
import { DEMO_USERS, sampleSettingsFromEnv } from './sample-options.js';

/** Starts the sample MCP server from environment variables (see docs/sample.md). */
async function main(): Promise<void> {
  const { port, host, options, databaseUrl } = sampleSettingsFromEnv(process.env);
  if (databaseUrl) options.store = await openPostgresStore(databaseUrl);
  const app = await createSampleApp(options);
  app.enableShutdownHooks(['SIGINT', 'SIGTERM'], { useProcessExit: true });
  await (host ? app.listen(port, host) : app.listen(port));
  const logger = new Logger('Sample');
  logger.log(
    `Demo users: ${Object.keys(DEMO_USERS)
      .map((name) => `${name}/${name}`)
      .join(', ')}`,
  );
  if (!options.rateLimits) logger.warn('Rate limits are off (RATE_LIMIT=off)');
  if (!options.refreshTokens) logger.log('Refresh tokens are off (REFRESH_TOKENS=off)');
  if (databaseUrl) logger.log('Store: PostgreSQL (DATABASE_URL), schema migrated');
  logger.log(`MCP endpoint: ${options.baseUrl}/mcp`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

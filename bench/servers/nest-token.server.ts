import { Module } from '@nestjs/common';
import { MCP_AUTH_CONFIG, McpAuthModule, type McpAuthConfig } from '../../lib/index.js';
import type { ServerSpec, StartedServer } from '../protocol.js';
import {
  BENCH_CODE_VERIFIER,
  BENCH_REDIRECT_URI,
  exchangeBenchCodes,
  jwtModuleOptions,
  mintBenchCodes,
} from './bench-provider.js';
import { BENCH_CLIENT_ID, BENCH_RESOURCE } from './mcp-request.js';
import { listenNest } from './nest-app.js';
import { openBenchPostgresStore } from './postgres-bench-store.js';
import { openBenchRedisStore } from './redis-bench-store.js';

/**
 * The authorization server (McpAuthModule + built-in provider + memory store,
 * PostgreSQL with the `postgres` variant, Redis with `redis`) for the token-endpoint scenarios. Prepares one refresh token per load chain,
 * and mints authorization codes on the runner's `mintCodes` command.
 */
export async function startServer(spec: ServerSpec): Promise<StartedServer> {
  const opened = await openStore(spec.variant);
  const { provider, options } = jwtModuleOptions({ store: opened?.store });

  @Module({ imports: [McpAuthModule.forRoot(options)] })
  class TokenAppModule {}

  const { app, port } = await listenNest(TokenAppModule);
  const tokens = (await exchangeBenchCodes(provider, spec.tokenCount ?? 1)).map((t) => t.refreshToken!);
  return {
    port,
    tokens,
    extra: { clientId: BENCH_CLIENT_ID, tokenPath: app.get<McpAuthConfig>(MCP_AUTH_CONFIG).endpoints!.token.path },
    commands: {
      mintCodes: async ({ count }) => ({
        codes: await mintBenchCodes(provider, Number(count)),
        codeVerifier: BENCH_CODE_VERIFIER,
        redirectUri: BENCH_REDIRECT_URI,
        clientId: BENCH_CLIENT_ID,
        resource: BENCH_RESOURCE,
      }),
    },
    close: async () => {
      await app.close();
      await opened?.drop();
    },
  };
}

function openStore(variant: string) {
  if (variant === 'memory') return undefined;
  if (variant === 'postgres') return openBenchPostgresStore();
  if (variant === 'redis') return openBenchRedisStore();
  throw new Error(`unknown nest-token variant ${variant}`);
}

import 'reflect-metadata';
import {
  Body,
  Controller,
  Get,
  type INestApplication,
  Injectable,
  type LoggerService,
  Post,
  UseGuards,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { McpToolName } from '../../../lib/decorators/mcp-tool-name.decorator.js';
import { RequireScopes } from '../../../lib/decorators/require-scopes.decorator.js';
import { BearerAuthGuard } from '../../../lib/guards/bearer-auth.guard.js';
import type { McpAuthModuleOptions } from '../../../lib/interfaces/mcp-auth-options.interface.js';
import { McpAuthModule } from '../../../lib/mcp-auth.module.js';
import { DefaultOAuthProvider } from '../../../lib/provider/default-oauth-provider.js';
import { MemoryOAuthStore } from '../../../lib/stores/memory-oauth-store.js';
import { ecKeyPem } from '../provider-fixtures.js';
import { createTestApplication, type TestApplicationOptions } from '../test-app.js';

export const FUZZ_ISSUER = 'http://127.0.0.1:4100';
export const FUZZ_RESOURCE = `${FUZZ_ISSUER}/mcp`;
export const FUZZ_USER = { username: 'alice', password: 'pw-Wonderland-7f3a9c' };

/** A guarded MCP route (Streamable HTTP endpoint stand-in). */
@Controller('mcp')
@UseGuards(BearerAuthGuard)
@RequireScopes('notes:read')
export class GuardedMcpController {
  /** Counts handler runs: a rejected request must never reach it. */
  static calls = 0;

  @Post()
  call(@Body() body: unknown) {
    GuardedMcpController.calls += 1;
    return { jsonrpc: '2.0', id: 1, result: { echoed: typeof body } };
  }

  @Get()
  stream() {
    GuardedMcpController.calls += 1;
    return { ok: true };
  }
}

/** Tools with per-tool scopes, so the guard reads every POST body it guards (S51). */
@Injectable()
export class FuzzTools {
  @McpToolName('add_note')
  @RequireScopes('notes:write')
  addNote(): string {
    return 'added';
  }
}

/** A running app: built-in provider on a memory store, every endpoint on, rate limits off, a guarded `/mcp`. */
export interface FuzzApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  store: MemoryOAuthStore;
  provider: DefaultOAuthProvider;
  /** Loopback port the app listens on (for raw-socket requests). */
  port: number;
  close(): Promise<void>;
}

/** Builds and starts the app; `logger` receives every Nest log line. */
export async function createFuzzApp(
  logger: LoggerService | false = false,
  moduleOptions: Partial<McpAuthModuleOptions> = {},
  appOptions: TestApplicationOptions = {},
): Promise<FuzzApp> {
  const store = new MemoryOAuthStore({ sweepIntervalMs: 0 });
  const provider = new DefaultOAuthProvider({
    store,
    signingKeys: [{ kid: 'fuzz-key', privateKey: ecKeyPem().privateKey }],
    users: { [FUZZ_USER.username]: { password: FUZZ_USER.password, name: 'Alice' } },
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      McpAuthModule.forRoot({
        issuerUrl: FUZZ_ISSUER,
        resourceServerUrl: FUZZ_RESOURCE,
        provider,
        scopesSupported: ['notes:read', 'notes:write'],
        clientRegistration: { enabled: true },
        revocation: { enabled: true },
        introspection: { enabled: true },
        rateLimits: false,
        ...moduleOptions,
      }),
    ],
    controllers: [GuardedMcpController],
    providers: [FuzzTools],
  }).compile();
  const app = createTestApplication(moduleRef, { logger, ...appOptions });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return {
    app,
    http: request(app.getHttpServer()),
    store,
    provider,
    port,
    close: async () => {
      await app.close();
      store.close();
    },
  };
}

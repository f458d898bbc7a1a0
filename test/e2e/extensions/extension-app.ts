import 'reflect-metadata';
import { Controller, Get, type INestApplication, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  AuthContext,
  BearerAuthGuard,
  DefaultOAuthProvider,
  McpAuthModule,
  type McpAuthModuleOptions,
  MemoryOAuthStore,
  RequireScopes,
} from '../../../lib/index.js';
import type { OAuthClientInformation } from '../../../lib/interfaces/oauth-models.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';

export const ISSUER = 'http://127.0.0.1:4100';
export const RESOURCE = 'http://127.0.0.1:4100/mcp';

/** A guarded route that answers who is calling, as `AuthContext` sees it. */
@Controller('mcp')
@UseGuards(BearerAuthGuard)
@RequireScopes('notes:read')
class WhoamiController {
  constructor(private readonly auth: AuthContext) {}

  @Get()
  whoami() {
    return {
      subject: this.auth.subject,
      subjectType: this.auth.subjectType,
      isMachine: this.auth.isMachine,
      clientId: this.auth.clientId,
      scopes: this.auth.scopes,
    };
  }
}

/** The app of the extension tests: `DefaultOAuthProvider` on a memory store, a guarded `GET /mcp`. */
export interface ExtensionApp {
  app: INestApplication;
  provider: DefaultOAuthProvider;
  store: MemoryOAuthStore;
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

/** Builds the app; `clients` are registered by the application (not `/register`) before it starts. */
export async function createExtensionApp(
  options: Partial<McpAuthModuleOptions>,
  clients: OAuthClientInformation[] = [],
): Promise<ExtensionApp> {
  const store = new MemoryOAuthStore({ sweepIntervalMs: 0 });
  const provider = new DefaultOAuthProvider({
    store,
    users: { alice: { password: 'alice' }, bob: { password: 'bob' } },
    signingKeys: [{ kid: 'ext-key', privateKey: ecKeyPem().privateKey }],
  });
  for (const client of clients) await provider.registerClient({ ...client });
  const moduleRef = await Test.createTestingModule({
    imports: [
      McpAuthModule.forRoot({
        issuerUrl: ISSUER,
        resourceServerUrl: RESOURCE,
        scopesSupported: ['notes:read', 'notes:write', 'notes'],
        scopeHierarchy: { notes: ['notes:read', 'notes:write'] },
        rateLimits: false,
        ...options,
        provider,
      }),
    ],
    controllers: [WhoamiController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return { app, provider, store, http: request(app.getHttpServer()), close: () => app.close() };
}

/** A machine client the application registers for the client credentials grant. */
export function machineClient(overrides: Partial<OAuthClientInformation> = {}): OAuthClientInformation {
  return {
    clientId: 'bot',
    clientSecret: 'bot-secret',
    clientName: 'Bot',
    redirectUris: [],
    tokenEndpointAuthMethod: 'client_secret_basic',
    grantTypes: ['client_credentials'],
    responseTypes: [],
    scope: 'notes:read',
    ...overrides,
  };
}

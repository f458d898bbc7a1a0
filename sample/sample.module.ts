import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { DefaultOAuthProvider, McpAuthModule, MemoryOAuthStore, type McpAuthModuleOptions } from '../lib/index.js';
import { McpCorsMiddleware } from './mcp/mcp-cors.middleware.js';
import { McpController } from './mcp/mcp.controller.js';
import { AccountTools } from './notes/account.tools.js';
import { NotesStore } from './notes/notes.store.js';
import { NotesTools } from './notes/notes.tools.js';
import { NOTES_SCOPES } from './notes/tool-names.js';
import { DEMO_USERS, type SampleOptions } from './sample-options.js';
import { registerSampleClients } from './sample-clients.js';

/** Injection token of the sample's {@link SampleOptions}. */
export const SAMPLE_OPTIONS = Symbol('SAMPLE_OPTIONS');

/** Provides {@link SAMPLE_OPTIONS} (what a `ConfigModule` would do in a real app). */
@Module({})
class SampleOptionsModule {
  static register(options: SampleOptions): DynamicModule {
    return {
      module: SampleOptionsModule,
      providers: [{ provide: SAMPLE_OPTIONS, useValue: options }],
      exports: [SAMPLE_OPTIONS],
    };
  }
}

/**
 * The options of `McpAuthModule` for the sample: issuer = base URL, MCP
 * endpoint `${baseUrl}/mcp`, built-in provider with an in-memory store and the
 * demo users, scopes `notes:read` (the default), `notes:write` and the broad
 * `notes` that implies both. Clients register by Client ID Metadata Document
 * (an https `client_id`, fetched with the SSRF guard on) or, deprecated by MCP
 * 2026-07-28 but kept for older clients, by dynamic client registration.
 * Machine clients (`notes-bot`) use the client credentials grant (S67); with an
 * enterprise IdP configured, its ID-JAGs are accepted for the demo user named by
 * the assertion's `sub` (S68).
 */
export function sampleAuthOptions(options: SampleOptions): McpAuthModuleOptions {
  const scopes = [NOTES_SCOPES.read, NOTES_SCOPES.write, NOTES_SCOPES.all];
  return {
    issuerUrl: options.baseUrl,
    resourceServerUrl: `${options.baseUrl}/mcp`,
    resourceName: 'nestjs-mcp-auth sample notes',
    provider: new DefaultOAuthProvider({
      store: options.store ?? new MemoryOAuthStore(),
      users: { ...DEMO_USERS },
      issueRefreshTokens: options.refreshTokens !== false,
      signingKeys: options.signingKeyPem ? [{ privateKey: options.signingKeyPem }] : undefined,
      lifetimes: options.accessTokenTtlSeconds ? { accessToken: options.accessTokenTtlSeconds } : undefined,
    }),
    scopesSupported: scopes,
    scopeHierarchy: { [NOTES_SCOPES.all]: [NOTES_SCOPES.read, NOTES_SCOPES.write] },
    scopeDescriptions: {
      [NOTES_SCOPES.read]: 'Read your notes',
      [NOTES_SCOPES.write]: 'Create and change your notes',
      [NOTES_SCOPES.all]: 'Read, create and change your notes',
    },
    defaultScopes: [NOTES_SCOPES.read],
    clientRegistration: { enabled: true, validScopes: scopes },
    clientIdMetadataDocuments: { enabled: true },
    rateLimits: options.rateLimits === false ? false : undefined,
    asyncContext: options.asyncContext,
    clientCredentials: { enabled: true },
    enterpriseManagedAuthorization: options.enterpriseIdp && {
      identityProviders: [{ issuer: options.enterpriseIdp.issuer, jwksUrl: options.enterpriseIdp.jwksUrl }],
      mapSubject: ({ subject }) => (Object.hasOwn(DEMO_USERS, subject) ? subject : undefined),
    },
  };
}

/** The sample application: the OAuth layer plus the MCP endpoint with the notes tools. */
@Module({})
export class SampleModule implements NestModule {
  /** CORS on the MCP endpoint for browser-based clients. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(McpCorsMiddleware).forRoutes({ path: 'mcp', method: RequestMethod.ALL });
  }

  static register(options: SampleOptions): DynamicModule {
    return {
      module: SampleModule,
      imports: [
        McpAuthModule.forRootAsync({
          imports: [SampleOptionsModule.register(options)],
          inject: [SAMPLE_OPTIONS],
          useFactory: async (sampleOptions: SampleOptions) => {
            const authOptions = sampleAuthOptions(sampleOptions);
            await registerSampleClients(authOptions.provider!, {
              machineClientJwks: sampleOptions.machineClientJwks,
              enterpriseClient: sampleOptions.enterpriseIdp !== undefined,
            });
            return authOptions;
          },
        }),
      ],
      controllers: [McpController],
      providers: [NotesStore, NotesTools, AccountTools],
    };
  }
}

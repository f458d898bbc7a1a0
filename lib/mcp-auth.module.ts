import {
  type DynamicModule,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnModuleInit,
  type Provider,
  RequestMethod,
} from '@nestjs/common';
import { DiscoveryModule, HttpAdapterHost } from '@nestjs/core';
import { setAsyncContextEnabled } from './context/auth-storage.js';
import { AuthContextMiddleware } from './context/auth-context.middleware.js';
import {
  AUTHORIZATION_SERVER_CONTROLLERS,
  AUTHORIZATION_SERVER_PROVIDERS,
} from './controllers/authorization-server.controllers.js';
import { RESOURCE_SERVER_CONTROLLERS, RESOURCE_SERVER_PROVIDERS } from './controllers/resource-server.controllers.js';
import type { McpAuthModuleOptions } from './interfaces/mcp-auth-options.interface.js';
import { MCP_AUTH_CONFIG, MCP_AUTH_TOKEN_VERIFIER } from './mcp-auth.constants.js';
import {
  MCP_AUTH_ASYNC_OPTIONS_TYPE,
  MCP_AUTH_MODULE_OPTIONS,
  MCP_AUTH_OPTIONS_TYPE,
  McpAuthConfigurableModule,
} from './mcp-auth.module-definition.js';
import type { McpAuthConfig } from './interfaces/mcp-auth-config.interface.js';
import {
  BUILT_IN_PROVIDER_CONTROLLERS,
  BUILT_IN_PROVIDER_PROVIDERS,
} from './interaction/built-in-provider.controllers.js';
import { createBodyParserErrorHandler } from './http/body-parser-errors.js';
import { createJsonDepthLimit } from './http/json-depth-limit.js';
import { resolveMcpAuthConfig } from './services/mcp-auth-config.factory.js';
import { ownRequestMatcher } from './http/own-request-paths.js';

const CORE_PROVIDERS: Provider[] = [
  {
    provide: MCP_AUTH_CONFIG,
    inject: [MCP_AUTH_MODULE_OPTIONS],
    useFactory: async (options: McpAuthModuleOptions) => {
      const config = resolveMcpAuthConfig(options);
      await config.provider?.initialize?.(config);
      return config;
    },
  },
  {
    provide: MCP_AUTH_TOKEN_VERIFIER,
    inject: [MCP_AUTH_CONFIG],
    useFactory: (config: McpAuthConfig) => config.tokenVerifier,
  },
];

/**
 * OAuth 2.1 authorization for an MCP server.
 *
 * `forRoot(options)` / `forRootAsync({ imports, inject, useFactory | useClass | useExisting, isGlobal })`
 * register the authorization-server endpoints (when a `provider` is given), the
 * protected-resource metadata (RFC 9728), `BearerAuthGuard` and `AuthContext`.
 */
@Module({})
export class McpAuthModule extends McpAuthConfigurableModule implements NestModule, OnModuleInit {
  constructor(
    @Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    super();
    setAsyncContextEnabled(config.asyncContext);
  }

  /**
   * Mounts the handler that answers body-parser failures (too large, malformed,
   * unsupported encoding) on this module's paths with an OAuth error body (S38, S50).
   * Module init hooks run after the routes are registered and before Nest mounts
   * its own error handler, so this handler sees those errors first.
   */
  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() !== 'express') return;
    adapter.use(createBodyParserErrorHandler(ownRequestMatcher(this.config)));
  }

  /**
   * Refuses over-deep JSON bodies on this module's OAuth paths (S58), and opens the
   * per-request AsyncLocalStorage slot behind `getAccessToken()` /
   * `AuthContext.current()` on every route (unless `asyncContext: false`).
   */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(createJsonDepthLimit(this.config)).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
    if (!this.config.asyncContext) return;
    consumer.apply(AuthContextMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }

  static override forRoot(options: typeof MCP_AUTH_OPTIONS_TYPE): DynamicModule {
    return McpAuthModule.withParts(super.forRoot(options));
  }

  static override forRootAsync(options: typeof MCP_AUTH_ASYNC_OPTIONS_TYPE): DynamicModule {
    return McpAuthModule.withParts(super.forRootAsync(options));
  }

  private static withParts(definition: DynamicModule): DynamicModule {
    const providers = [
      ...CORE_PROVIDERS,
      ...RESOURCE_SERVER_PROVIDERS,
      ...AUTHORIZATION_SERVER_PROVIDERS,
      ...BUILT_IN_PROVIDER_PROVIDERS,
    ];
    return {
      ...definition,
      imports: [...(definition.imports ?? []), DiscoveryModule],
      controllers: [
        ...(definition.controllers ?? []),
        ...RESOURCE_SERVER_CONTROLLERS,
        ...AUTHORIZATION_SERVER_CONTROLLERS,
        ...BUILT_IN_PROVIDER_CONTROLLERS,
      ],
      providers: [...(definition.providers ?? []), ...providers],
      exports: [...(definition.exports ?? []), MCP_AUTH_CONFIG, MCP_AUTH_TOKEN_VERIFIER, ...providers.filter(isClass)],
    };
  }
}

function isClass(provider: Provider): provider is Extract<Provider, abstract new (...args: never[]) => unknown> {
  return typeof provider === 'function';
}

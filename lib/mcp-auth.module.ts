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
import { AUTHORIZATION_SERVER_PROVIDERS, RESOURCE_SERVER_PROVIDERS } from './mcp-auth.providers.js';
import { EndpointPipeline } from './endpoints/endpoint-pipeline.js';
import { ENDPOINT_PROVIDERS, MCP_AUTH_ROUTE_TABLE } from './endpoints/endpoints.js';
import type { RouteTable } from './endpoints/route-table.js';
import { mountEndpoints } from './http/mount-endpoints.js';
import type { McpAuthModuleOptions } from './interfaces/mcp-auth-options.interface.js';
import { AUTHORIZATION_SERVER_CONFIG, MCP_AUTH_CONFIG, MCP_AUTH_TOKEN_VERIFIER } from './mcp-auth.constants.js';
import {
  MCP_AUTH_ASYNC_OPTIONS_TYPE,
  MCP_AUTH_MODULE_OPTIONS,
  MCP_AUTH_OPTIONS_TYPE,
  McpAuthConfigurableModule,
} from './mcp-auth.module-definition.js';
import type { McpAuthConfig } from './interfaces/mcp-auth-config.interface.js';
import { resolveMcpAuthConfig } from './services/mcp-auth-config.factory.js';
import { authorizationServerOnly } from './services/authorization-server-only.js';

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
    provide: AUTHORIZATION_SERVER_CONFIG,
    inject: [MCP_AUTH_CONFIG],
    useFactory: (config: McpAuthConfig) => authorizationServerOnly(config),
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
  /** @internal Built by Nest from the module's own providers. */
  constructor(
    @Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(MCP_AUTH_ROUTE_TABLE) private readonly table: RouteTable,
    private readonly pipeline: EndpointPipeline,
  ) {
    super();
    setAsyncContextEnabled(config.asyncContext);
  }

  /**
   * Mounts exactly the endpoints the configured mode serves, at their exact
   * paths, and the handler that answers body-parser failures on those paths
   * and the MCP resource with an OAuth error (S38, S50). Module init hooks run
   * after the application's routes are registered and before Nest mounts its
   * 404 and error handlers.
   */
  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    const ownPaths = new Set([...this.table.keys(), new URL(this.config.resource).pathname]);
    mountEndpoints(adapter, this.table, this.pipeline, ownPaths, this.config.bodyLimitBytes);
  }

  /**
   * Opens the per-request AsyncLocalStorage slot behind `getAccessToken()` /
   * `AuthContext.current()` on every route (unless `asyncContext: false`). On
   * Express it is a plain middleware mounted here, after the body parsers and
   * before every Nest middleware and route: Nest's own middleware wrapper
   * (a route layer per pattern, instance lookup) cost as much as the slot.
   */
  configure(consumer: MiddlewareConsumer): void {
    if (!this.config.asyncContext) return;
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() === 'express') {
      const slot = new AuthContextMiddleware(this.table);
      adapter.use(slot.use.bind(slot));
      return;
    }
    consumer.apply(AuthContextMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }

  /**
   * Registers the module with options known at startup (`McpAuthModuleOptions` plus `isGlobal`,
   * default `true`). The options are validated at once: a bad option fails the boot with a
   * `McpAuthConfigurationError` that says what to fix.
   */
  static override forRoot(options: typeof MCP_AUTH_OPTIONS_TYPE): DynamicModule {
    return McpAuthModule.withParts(super.forRoot(options));
  }

  /**
   * Registers the module with options from other providers (a `ConfigService`, secrets): `imports`
   * and `inject` with `useFactory`, or `useClass` / `useExisting` (a class with `create()`), plus
   * `isGlobal` (default `true`). The options are validated when the factory has returned.
   */
  static override forRootAsync(options: typeof MCP_AUTH_ASYNC_OPTIONS_TYPE): DynamicModule {
    return McpAuthModule.withParts(super.forRootAsync(options));
  }

  private static withParts(definition: DynamicModule): DynamicModule {
    const providers = [
      ...CORE_PROVIDERS,
      ...RESOURCE_SERVER_PROVIDERS,
      ...AUTHORIZATION_SERVER_PROVIDERS,
      ...ENDPOINT_PROVIDERS,
    ];
    return {
      ...definition,
      imports: [...(definition.imports ?? []), DiscoveryModule],
      providers: [...(definition.providers ?? []), ...providers],
      exports: [...(definition.exports ?? []), MCP_AUTH_CONFIG, MCP_AUTH_TOKEN_VERIFIER, ...providers.filter(isClass)],
    };
  }
}

function isClass(provider: Provider): provider is Extract<Provider, abstract new (...args: never[]) => unknown> {
  return typeof provider === 'function';
}

import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { McpAuthModuleOptions } from './interfaces/mcp-auth-options.interface.js';

/** Extra options of `forRoot` / `forRootAsync` that are not part of the configuration. */
export interface McpAuthModuleExtras {
  /**
   * Register the module globally, so `BearerAuthGuard`, `AuthContext` and the
   * verifier are injectable in every feature module without importing
   * `McpAuthModule` again. Set `false` to scope it to the importing module.
   * @default true
   */
  isGlobal: boolean;
}

export const {
  ConfigurableModuleClass: McpAuthConfigurableModule,
  MODULE_OPTIONS_TOKEN: MCP_AUTH_MODULE_OPTIONS,
  OPTIONS_TYPE: MCP_AUTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: MCP_AUTH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<McpAuthModuleOptions>({ moduleName: 'McpAuth' })
  .setClassMethodName('forRoot')
  .setExtras<McpAuthModuleExtras>({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();

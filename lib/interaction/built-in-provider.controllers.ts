import type { Provider, Type } from '@nestjs/common';
import { McpAuthOperations } from '../operations/mcp-auth-operations.service.js';
import { ConsentController } from './consent.controller.js';
import { LoginController } from './login.controller.js';
import { UpstreamLoginController } from '../upstream/upstream-login.controller.js';

/** Controllers served for the built-in provider (consent, login, upstream sign-in). */
export const BUILT_IN_PROVIDER_CONTROLLERS: Type[] = [ConsentController, LoginController, UpstreamLoginController];

/** Providers used by the built-in provider's controllers. */
export const BUILT_IN_PROVIDER_PROVIDERS: Provider[] = [McpAuthOperations];

import type { Provider, Type } from '@nestjs/common';
import { AuthContext } from '../context/auth-context.js';
import { AuthContextMiddleware } from '../context/auth-context.middleware.js';
import { BearerAuthGuard } from '../guards/bearer-auth.guard.js';
import { ToolScopeRegistry } from '../services/tool-scope-registry.js';
import { ProtectedResourceMetadataController } from './protected-resource-metadata.controller.js';

/** Controllers of the resource-server half (protected-resource metadata). */
export const RESOURCE_SERVER_CONTROLLERS: Type[] = [ProtectedResourceMetadataController];

/** Providers of the resource-server half (guard, context, tool-scope registry). */
export const RESOURCE_SERVER_PROVIDERS: Provider[] = [
  ToolScopeRegistry,
  BearerAuthGuard,
  AuthContext,
  AuthContextMiddleware,
];

import type { Provider, Type } from '@nestjs/common';

/** Controllers of the resource-server half (protected-resource metadata). */
export const RESOURCE_SERVER_CONTROLLERS: Type[] = [];

/** Providers of the resource-server half (guard, context, tool-scope registry). */
export const RESOURCE_SERVER_PROVIDERS: Provider[] = [];

import type { Provider, Type } from '@nestjs/common';

/** Controllers of the authorization-server endpoints (metadata, authorize, token, register, revoke, introspect). */
export const AUTHORIZATION_SERVER_CONTROLLERS: Type[] = [];

/** Providers of the authorization-server endpoints. */
export const AUTHORIZATION_SERVER_PROVIDERS: Provider[] = [];

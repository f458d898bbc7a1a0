import type { Provider, Type } from '@nestjs/common';

/** Controllers served for the built-in provider (consent, JWKS). */
export const BUILT_IN_PROVIDER_CONTROLLERS: Type[] = [];

/** Providers used by the built-in provider's controllers. */
export const BUILT_IN_PROVIDER_PROVIDERS: Provider[] = [];

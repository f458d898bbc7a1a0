import type { Provider, Type } from '@nestjs/common';
import { ConsentController } from './consent.controller.js';
import { LoginController } from './login.controller.js';

/** Controllers served for the built-in provider (consent, login). */
export const BUILT_IN_PROVIDER_CONTROLLERS: Type[] = [ConsentController, LoginController];

/** Providers used by the built-in provider's controllers. */
export const BUILT_IN_PROVIDER_PROVIDERS: Provider[] = [];

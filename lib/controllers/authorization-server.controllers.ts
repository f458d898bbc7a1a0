import type { Provider, Type } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import type { McpAuthModuleOptions } from '../interfaces/mcp-auth-options.interface.js';
import { MCP_AUTH_MODULE_OPTIONS } from '../mcp-auth.module-definition.js';
import { AuthorizationServerMetadataController } from './authorization-server-metadata.controller.js';
import { AuthorizationController } from './authorization.controller.js';
import { IntrospectionController } from './introspection.controller.js';
import { JwksController } from './jwks.controller.js';
import { RegistrationController } from './registration.controller.js';
import { RevocationController } from './revocation.controller.js';
import { TokenController } from './token.controller.js';
import { AuthorizationRequestService } from '../services/authorization-request.service.js';
import { ClientAuthenticator } from '../services/client-authentication.service.js';
import { ClientRegistrationService } from '../services/client-registration.service.js';
import { OAuthClientResolver } from '../services/client-resolver.service.js';
import { OAUTH_CLOCK, systemClock } from '../rules/clock.js';
import { OAUTH_RATE_LIMIT_STORAGE, OAuthRateLimiter } from '../services/rate-limiter.service.js';
import { TokenGrantService } from '../services/token-grant.service.js';

/**
 * Controllers of the authorization-server endpoints (metadata, authorize,
 * token, register, revoke, introspect, JWKS). They are always registered; each one
 * answers only at its configured path and only in authorization-server mode.
 */
export const AUTHORIZATION_SERVER_CONTROLLERS: Type[] = [
  AuthorizationServerMetadataController,
  AuthorizationController,
  TokenController,
  RegistrationController,
  RevocationController,
  IntrospectionController,
  JwksController,
];

/** Providers of the authorization-server endpoints. */
export const AUTHORIZATION_SERVER_PROVIDERS: Provider[] = [
  { provide: OAUTH_CLOCK, useValue: systemClock },
  {
    provide: OAUTH_RATE_LIMIT_STORAGE,
    inject: [MCP_AUTH_MODULE_OPTIONS],
    useFactory: (options: McpAuthModuleOptions) => options.rateLimitStorage ?? new ThrottlerStorageService(),
  },
  OAuthClientResolver,
  ClientAuthenticator,
  AuthorizationRequestService,
  TokenGrantService,
  ClientRegistrationService,
  OAuthRateLimiter,
];

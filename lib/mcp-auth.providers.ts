import type { Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { AuthContext } from './context/auth-context.js';
import { AuthContextMiddleware } from './context/auth-context.middleware.js';
import { OAuthExceptionFilter } from './errors/oauth-exception.filter.js';
import { BearerAuthGuard } from './guards/bearer-auth.guard.js';
import type { McpAuthModuleOptions } from './interfaces/mcp-auth-options.interface.js';
import { MCP_AUTH_MODULE_OPTIONS } from './mcp-auth.module-definition.js';
import { McpAuthOperations } from './operations/mcp-auth-operations.service.js';
import { AuthorizationRequestService } from './services/authorization-request.service.js';
import { ClientAuthenticator } from './services/client-authentication.service.js';
import { ClientRegistrationService } from './services/client-registration.service.js';
import { OAuthClientResolver } from './services/client-resolver.service.js';
import { OAUTH_CLOCK, systemClock } from './rules/clock.js';
import { OAUTH_RATE_LIMIT_STORAGE, OAuthRateLimiter } from './services/rate-limiter.service.js';
import { TokenGrantService } from './services/token-grant.service.js';
import { ClientCredentialsGrant } from './services/grants/client-credentials.grant.js';
import { JwtBearerGrant } from './services/grants/jwt-bearer.grant.js';
import { TOKEN_GRANT_HANDLERS } from './services/grants/token-grant-handler.js';
import { DpopTokenProofs } from './services/dpop-token-proofs.service.js';
import { ToolScopeRegistry } from './services/tool-scope-registry.js';

/**
 * Providers of the resource-server half (guard, context, tool-scope registry), and the global
 * filter that answers an `OAuthError` thrown by an application's handler (`AuthContext.requireScopes()`).
 */
export const RESOURCE_SERVER_PROVIDERS: Provider[] = [
  ToolScopeRegistry,
  BearerAuthGuard,
  AuthContext,
  AuthContextMiddleware,
  { provide: APP_FILTER, useClass: OAuthExceptionFilter },
];

/** Providers of the authorization-server half (grants, client authentication, registration, rate limits). */
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
  ClientCredentialsGrant,
  JwtBearerGrant,
  {
    provide: TOKEN_GRANT_HANDLERS,
    inject: [ClientCredentialsGrant, JwtBearerGrant],
    useFactory: (...handlers: unknown[]) => handlers,
  },
  DpopTokenProofs,
  ClientRegistrationService,
  OAuthRateLimiter,
  McpAuthOperations,
];

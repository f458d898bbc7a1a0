import { Controller, Get, Inject, Next, Post, Req, Res } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';
import { builtInProviderFor } from './built-in-provider-route.js';
import type { DefaultOAuthProvider } from '../provider/default-oauth-provider.js';
import { Public } from '../decorators/public.decorator.js';
import { OAuthRateLimiter } from '../services/rate-limiter.service.js';
import type { LoginThrottle } from './interaction-pages.js';

/**
 * The optional built-in password login of {@link DefaultOAuthProvider} at
 * `<issuer path>/login`. Passes the request on when another provider is
 * configured or the provider has no `users` option. Failed sign-ins are
 * throttled per account and per client address (S55): over a limit, 429 with
 * `Retry-After`, the same for unknown users and wrong passwords.
 */
@Controller()
@Public()
export class LoginController {
  constructor(
    @Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig,
    private readonly rateLimiter: OAuthRateLimiter,
  ) {}

  @Get(['login', '*prefix/login'])
  async show(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): Promise<void> {
    const provider = builtInProviderFor(this.config, req, loginPath);
    if (!provider?.passwordCheck && !provider?.upstream) return next();
    await provider.pages.showLogin(req, res);
  }

  @Post(['login', '*prefix/login'])
  async submit(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): Promise<void> {
    const provider = builtInProviderFor(this.config, req, loginPath);
    if (!provider?.passwordCheck) return next();
    await provider.pages.submitLogin(req, res, this.throttleFor(req));
  }

  /** "Not you? Switch account" on the consent page: a CSRF-checked POST (S56) that ends the session. */
  @Post(['login/switch-account', '*prefix/login/switch-account'])
  async switchAccount(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): Promise<void> {
    const provider = builtInProviderFor(this.config, req, switchAccountPath);
    if (!provider?.passwordCheck) return next();
    await provider.pages.switchAccount(req, res);
  }

  private throttleFor(req: Request): LoginThrottle {
    const limiter = this.rateLimiter;
    const address = limiter.addressOf(req);
    const account = (username: string) => username.trim().toLowerCase();
    return {
      blockedFor: (username) =>
        Math.max(
          limiter.blockedFor('loginFailuresPerAccount', account(username)),
          limiter.blockedFor('loginFailuresPerAddress', address),
        ),
      recordFailure: async (username) =>
        Math.max(
          await limiter.recordFailure('loginFailuresPerAccount', account(username)),
          await limiter.recordFailure('loginFailuresPerAddress', address),
        ),
    };
  }
}

function loginPath(provider: DefaultOAuthProvider): string {
  return provider.settings.loginPath;
}

function switchAccountPath(provider: DefaultOAuthProvider): string {
  return provider.settings.switchAccountPath;
}

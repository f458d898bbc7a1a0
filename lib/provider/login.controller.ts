import { Controller, Get, Inject, Next, Post, Req, Res } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';
import { builtInProviderFor } from './built-in-provider-route.js';
import type { DefaultOAuthProvider } from './default-oauth-provider.js';
import { Public } from '../decorators/public.decorator.js';

/**
 * The optional built-in password login of {@link DefaultOAuthProvider} at
 * `<issuer path>/login`. Passes the request on when another provider is
 * configured or the provider has no `users` option.
 */
@Controller()
@Public()
export class LoginController {
  constructor(@Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig) {}

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
    await provider.pages.submitLogin(req, res);
  }
}

function loginPath(provider: DefaultOAuthProvider): string {
  return provider.settings.loginPath;
}

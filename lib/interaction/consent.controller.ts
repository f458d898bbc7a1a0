import { Controller, Get, Inject, Next, Post, Req, Res } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';
import { builtInProviderFor } from './built-in-provider-route.js';
import { Public } from '../decorators/public.decorator.js';

/**
 * The consent page of {@link DefaultOAuthProvider} at `config.endpoints.consent.path`
 * (`<issuer path>/consent`). Passes the request on when another provider is configured.
 */
@Controller()
@Public()
export class ConsentController {
  constructor(@Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig) {}

  @Get(['consent', '*prefix/consent'])
  async show(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): Promise<void> {
    const provider = builtInProviderFor(this.config, req, (p) => p.settings.consentPath);
    if (!provider) return next();
    await provider.pages.showConsent(req, res);
  }

  @Post(['consent', '*prefix/consent'])
  async decide(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): Promise<void> {
    const provider = builtInProviderFor(this.config, req, (p) => p.settings.consentPath);
    if (!provider) return next();
    await provider.pages.decideConsent(req, res);
  }
}

import { Controller, Get, Inject, Next, Post, Req, Res } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Public } from '../decorators/public.decorator.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';
import { builtInProviderFor } from '../interaction/built-in-provider-route.js';
import type { DefaultOAuthProvider } from '../provider/default-oauth-provider.js';

/**
 * Routes of {@link UpstreamLogin}: `POST <issuer path>/upstream/<name>/start`
 * (login-page button) and `GET <issuer path>/upstream/<name>/callback` (the
 * upstream's authorization response). Static patterns; the exact path is
 * checked at runtime, other requests pass on.
 */
@Controller()
@Public()
export class UpstreamLoginController {
  constructor(@Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig) {}

  @Get(['upstream/:name/callback', '*prefix/upstream/:name/callback'])
  async callback(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): Promise<void> {
    const { provider, name } = this.match(req, (upstreamName, p) => p.upstream!.callbackPath(upstreamName));
    if (!provider) return next();
    await provider.upstream!.handleCallback(req, res, name);
  }

  @Post(['upstream/:name/start', '*prefix/upstream/:name/start'])
  async start(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): Promise<void> {
    const { provider, name } = this.match(req, (upstreamName, p) => p.upstream!.startPath(upstreamName));
    if (!provider) return next();
    await provider.upstream!.handleStart(req, res, name);
  }

  private match(req: Request, path: (name: string, provider: DefaultOAuthProvider) => string) {
    const name = typeof req.params.name === 'string' ? req.params.name : '';
    const provider = builtInProviderFor(this.config, req, (p) => (p.upstream?.has(name) ? path(name, p) : ''));
    return { provider, name };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { MethodNotAllowedError } from '../errors/http-status-errors.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';
import type { DefaultOAuthProvider } from '../provider/default-oauth-provider.js';
import type { LoginThrottle } from '../interaction/interaction-pages.js';
import type { UpstreamLogin } from '../upstream/upstream-login.js';
import { OAuthRateLimiter } from '../services/rate-limiter.service.js';
import type { PageEndpoint } from './endpoint.js';
import { builtInProvider } from './endpoint-paths.js';

/** What the interactive pages of the built-in provider share: HTML errors, no CORS, no preflight. */
abstract class BuiltInPage implements Pick<PageEndpoint, 'kind' | 'cors' | 'noStore' | 'preflight' | 'errors'> {
  readonly kind = 'page';
  readonly cors = false;
  readonly noStore = false;
  readonly preflight = false;
  readonly errors = 'page';

  constructor(protected readonly config: McpAuthConfig) {}

  /** The built-in provider; the route is mounted only when it is configured. */
  protected get provider(): DefaultOAuthProvider {
    return builtInProvider(this.config)!;
  }
}

/**
 * The built-in password sign-in of {@link DefaultOAuthProvider} at
 * `<issuer path>/login` (shown also for upstream sign-in buttons). Failed
 * sign-ins are throttled per account and per client address (S55): over a
 * limit, 429 with `Retry-After`, the same for unknown users and wrong passwords.
 */
@Injectable()
export class LoginPageEndpoint extends BuiltInPage implements PageEndpoint {
  readonly name = 'login';
  readonly methods = ['GET', 'HEAD', 'POST'] as const;

  constructor(
    @Inject(MCP_AUTH_CONFIG) config: McpAuthConfig,
    private readonly rateLimiter: OAuthRateLimiter,
  ) {
    super(config);
  }

  paths(config: McpAuthConfig): string[] {
    const provider = builtInProvider(config);
    return provider && (provider.passwordCheck || provider.upstream) ? [provider.settings.loginPath] : [];
  }

  async serve(req: Request, res: Response): Promise<void> {
    if (req.method !== 'POST') return this.provider.pages.showLogin(req, res);
    if (!this.provider.passwordCheck) throw new MethodNotAllowedError();
    await this.provider.pages.submitLogin(req, res, this.throttleFor(req));
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

/** "Not you? Switch account" on the consent page: a CSRF-checked POST (S56) that ends the session. */
@Injectable()
export class SwitchAccountEndpoint extends BuiltInPage implements PageEndpoint {
  readonly name = 'switch-account';
  readonly methods = ['POST'] as const;

  constructor(@Inject(MCP_AUTH_CONFIG) config: McpAuthConfig) {
    super(config);
  }

  paths(config: McpAuthConfig): string[] {
    const provider = builtInProvider(config);
    return provider?.passwordCheck ? [provider.settings.switchAccountPath] : [];
  }

  async serve(req: Request, res: Response): Promise<void> {
    await this.provider.pages.switchAccount(req, res);
  }
}

/** The consent page of {@link DefaultOAuthProvider} at `<issuer path>/consent`. */
@Injectable()
export class ConsentPageEndpoint extends BuiltInPage implements PageEndpoint {
  readonly name = 'consent';
  readonly methods = ['GET', 'HEAD', 'POST'] as const;

  constructor(@Inject(MCP_AUTH_CONFIG) config: McpAuthConfig) {
    super(config);
  }

  paths(config: McpAuthConfig): string[] {
    const provider = builtInProvider(config);
    return provider ? [provider.settings.consentPath] : [];
  }

  async serve(req: Request, res: Response): Promise<void> {
    if (req.method === 'POST') return this.provider.pages.decideConsent(req, res);
    await this.provider.pages.showConsent(req, res);
  }
}

/** An upstream sign-in route: one path per configured upstream name. */
abstract class UpstreamPage extends BuiltInPage {
  paths(config: McpAuthConfig): string[] {
    const upstream = builtInProvider(config)?.upstream;
    return upstream ? upstream.upstreamNames.map((name) => this.pathOf(upstream, name)) : [];
  }

  async serve(req: Request, res: Response, path: string): Promise<void> {
    const upstream = this.provider.upstream!;
    const name = upstream.upstreamNames.find((candidate) => this.pathOf(upstream, candidate) === path)!;
    await this.handle(upstream, req, res, name);
  }

  protected abstract pathOf(upstream: UpstreamLogin, name: string): string;
  protected abstract handle(upstream: UpstreamLogin, req: Request, res: Response, name: string): Promise<void>;
}

/** `POST <issuer path>/upstream/<name>/start`: the login page's button for an upstream sign-in. */
@Injectable()
export class UpstreamStartEndpoint extends UpstreamPage implements PageEndpoint {
  readonly name = 'upstream-start';
  readonly methods = ['POST'] as const;

  constructor(@Inject(MCP_AUTH_CONFIG) config: McpAuthConfig) {
    super(config);
  }

  protected pathOf(upstream: UpstreamLogin, name: string): string {
    return upstream.startPath(name);
  }

  protected handle(upstream: UpstreamLogin, req: Request, res: Response, name: string): Promise<void> {
    return upstream.handleStart(req, res, name);
  }
}

/** `GET <issuer path>/upstream/<name>/callback`: the upstream's authorization response. */
@Injectable()
export class UpstreamCallbackEndpoint extends UpstreamPage implements PageEndpoint {
  readonly name = 'upstream-callback';
  readonly methods = ['GET', 'HEAD'] as const;

  constructor(@Inject(MCP_AUTH_CONFIG) config: McpAuthConfig) {
    super(config);
  }

  protected pathOf(upstream: UpstreamLogin, name: string): string {
    return upstream.callbackPath(name);
  }

  protected handle(upstream: UpstreamLogin, req: Request, res: Response, name: string): Promise<void> {
    return upstream.handleCallback(req, res, name);
  }
}

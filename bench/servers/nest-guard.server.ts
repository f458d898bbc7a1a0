import {
  Controller,
  HttpCode,
  Injectable,
  Module,
  Post,
  UseGuards,
  type DynamicModule,
  type Type,
} from '@nestjs/common';
import { AuthContext, BearerAuthGuard, getAccessToken, McpAuthModule, ToolScopeRegistry } from '../../lib/index.js';
import type { ServerSpec, StartedServer } from '../protocol.js';
import { issueBenchAccessTokens, jwtModuleOptions } from './bench-provider.js';
import { MapTokenVerifier } from './map-token-verifier.js';
import { BENCH_ISSUER, BENCH_RESOURCE, BENCH_SCOPE, BENCH_SUBJECT, BENCH_TOOL } from './mcp-request.js';
import { listenNest } from './nest-app.js';

const reply = (subject: string | undefined) => ({
  jsonrpc: '2.0',
  id: 1,
  result: { content: [{ type: 'text', text: subject ?? '' }] },
});

/** A singleton tool service that reads the caller from AsyncLocalStorage. */
@Injectable()
class AlsWhoAmI {
  subject(): string | undefined {
    return getAccessToken()?.subject;
  }
}

/** A tool service that injects the request-scoped AuthContext (and so becomes request-scoped itself). */
@Injectable()
class ScopedWhoAmI {
  constructor(private readonly auth: AuthContext) {}
  subject(): string | undefined {
    return this.auth.subject;
  }
}

@Controller('mcp')
@UseGuards(BearerAuthGuard)
class GuardOnlyController {
  @Post()
  @HttpCode(200)
  call() {
    return reply(BENCH_SUBJECT);
  }
}

@Controller('mcp')
@UseGuards(BearerAuthGuard)
class AlsController {
  constructor(private readonly whoAmI: AlsWhoAmI) {}
  @Post()
  @HttpCode(200)
  call() {
    return reply(this.whoAmI.subject());
  }
}

@Controller('mcp')
@UseGuards(BearerAuthGuard)
class RequestScopedController {
  constructor(private readonly whoAmI: ScopedWhoAmI) {}
  @Post()
  @HttpCode(200)
  call() {
    return reply(this.whoAmI.subject());
  }
}

const IDENTITY_VARIANTS: Record<string, { controller: Type; providers: Type[] }> = {
  none: { controller: GuardOnlyController, providers: [] },
  als: { controller: AlsController, providers: [AlsWhoAmI] },
  'request-scoped': { controller: RequestScopedController, providers: [ScopedWhoAmI] },
};

/**
 * The MCP route behind `BearerAuthGuard`. Variant `<verifier>[-<identity>]`:
 * verifier `map` (resource-server mode over {@link MapTokenVerifier}) or `jwt`
 * (authorization-server mode, built-in provider, real ES256 JWTs); identity
 * `als` (singleton + getAccessToken()) or `request-scoped` (AuthContext), or
 * `noals` (no identity access and the module's `asyncContext: false`), or
 * `nocache` (no identity access, the provider's verified-token cache off: every
 * request pays the signature check, as a never-seen token does), or `tools`
 * (no identity access; the called tool declares a scope the token has, so the
 * guard reads the body itself and requires the tool's scope on every request:
 * S51, S58, S7).
 */
export async function startServer(spec: ServerSpec): Promise<StartedServer> {
  const [verifierKind, ...rest] = spec.variant.split('-');
  const suffix = rest.join('-');
  const asyncContext = suffix !== 'noals';
  const verifiedTokenCacheSize = suffix === 'nocache' ? 0 : undefined;
  const toolScopes = suffix === 'tools';
  const identity = IDENTITY_VARIANTS[['noals', 'nocache', 'tools'].includes(suffix) ? 'none' : suffix || 'none'];
  if (!identity || (verifierKind !== 'map' && verifierKind !== 'jwt'))
    throw new Error(`unknown nest-guard variant ${spec.variant}`);
  const count = spec.tokenCount ?? 1;

  let authModule: DynamicModule;
  let tokens: string[] = [];
  let issueJwts: (() => Promise<string[]>) | undefined;
  if (verifierKind === 'map') {
    const verifier = new MapTokenVerifier();
    tokens = verifier.issue(count);
    authModule = McpAuthModule.forRoot({
      resourceServerUrl: BENCH_RESOURCE,
      tokenVerifier: verifier,
      authorizationServers: [BENCH_ISSUER],
      scopesSupported: [BENCH_SCOPE],
      rateLimits: false,
      asyncContext,
    });
  } else {
    const jwt = jwtModuleOptions({ verifiedTokenCacheSize });
    authModule = McpAuthModule.forRoot({ ...jwt.options, asyncContext });
    issueJwts = () => issueBenchAccessTokens(jwt.provider, count);
  }

  @Module({ imports: [authModule], controllers: [identity.controller], providers: identity.providers })
  class GuardedAppModule {}

  const { app, port } = await listenNest(GuardedAppModule);
  if (toolScopes) app.get(ToolScopeRegistry, { strict: false }).register(BENCH_TOOL, [BENCH_SCOPE]);
  if (issueJwts) tokens = await issueJwts();
  return { port, tokens, close: () => app.close() };
}

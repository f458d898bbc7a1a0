import { setTimeout as delay } from 'node:timers/promises';
import { Controller, Get, Injectable, type INestApplication, Scope, UseGuards } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthContextMiddleware } from '../../../lib/context/auth-context.middleware.js';
import { type AccessToken, AuthContext, BearerAuthGuard, getAccessToken, McpAuthModule } from '../../../lib/index.js';
import { AS, createApp, RESOURCE, TableVerifier } from './fixtures.js';

const COUNT = 50;
const jitter = () => delay(Math.floor(Math.random() * 8));

@Injectable()
class SingletonWho {
  async who(): Promise<string | undefined> {
    await jitter();
    await new Promise((resolve) => setImmediate(resolve));
    return getAccessToken()?.subject;
  }
}

@Injectable({ scope: Scope.REQUEST })
class RequestScopedWho {
  constructor(private readonly auth: AuthContext) {}
  async who(): Promise<{ subject?: string; clientId?: string; scopes: readonly string[] }> {
    await jitter();
    return { subject: this.auth.subject, clientId: this.auth.clientId, scopes: this.auth.scopes };
  }
}

@Controller('singleton')
@UseGuards(BearerAuthGuard)
class SingletonController {
  constructor(private readonly who: SingletonWho) {}
  @Get()
  async get(): Promise<unknown> {
    await jitter();
    return { fromService: await this.who.who(), fromCurrent: AuthContext.current().subject };
  }
}

@Controller('scoped')
@UseGuards(BearerAuthGuard)
class ScopedController {
  constructor(
    private readonly who: RequestScopedWho,
    private readonly singleton: SingletonWho,
    private readonly auth: AuthContext,
  ) {}
  @Get()
  async get(): Promise<unknown> {
    const [scoped, fromSingleton] = await Promise.all([this.who.who(), this.singleton.who()]);
    return {
      scoped,
      fromSingleton,
      isAuthenticated: this.auth.isAuthenticated,
      hasOwn: this.auth.hasScope(`scope-${this.auth.subject}`),
    };
  }
}

describe('AuthContext and getAccessToken() under concurrency', () => {
  let app: INestApplication;
  let base: string;
  const middlewareUse = vi.spyOn(AuthContextMiddleware.prototype, 'use');

  beforeAll(async () => {
    const table: Record<string, Omit<AccessToken, 'token'>> = {};
    for (let i = 0; i < COUNT; i++) {
      table[`token-${i}`] = {
        clientId: `client-${i}`,
        subject: `user-${i}`,
        scopes: [`scope-user-${i}`],
        resource: RESOURCE,
      };
    }
    app = await createApp({
      imports: [
        McpAuthModule.forRoot({
          resourceServerUrl: RESOURCE,
          authorizationServers: [AS],
          tokenVerifier: new TableVerifier(table),
        }),
      ],
      controllers: [SingletonController, ScopedController],
      providers: [SingletonWho, RequestScopedWho],
    });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => app.close());

  const fetchAs = async (path: string, i: number) => {
    const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer token-${i}` } });
    expect(res.status).toBe(200);
    return res.json();
  };

  it('S8 a singleton service reading getAccessToken() sees only its own request identity (50 concurrent, keep-alive)', async () => {
    const results = await Promise.all(Array.from({ length: COUNT }, (_, i) => fetchAs('/singleton', i)));
    results.forEach((body, i) => expect(body).toEqual({ fromService: `user-${i}`, fromCurrent: `user-${i}` }));
  });

  it('S8 a request-scoped service injecting AuthContext sees only its own identity (50 concurrent)', async () => {
    const results = await Promise.all(Array.from({ length: COUNT }, (_, i) => fetchAs('/scoped', i)));
    results.forEach((body, i) =>
      expect(body).toEqual({
        scoped: { subject: `user-${i}`, clientId: `client-${i}`, scopes: [`scope-user-${i}`] },
        fromSingleton: `user-${i}`,
        isAuthenticated: true,
        hasOwn: true,
      }),
    );
  });

  it('the per-request AsyncLocalStorage slot is opened by the module middleware', () => {
    expect(middlewareUse).toHaveBeenCalled();
  });

  it('outside a request there is no identity', () => {
    expect(getAccessToken()).toBeUndefined();
    expect(AuthContext.current().isAuthenticated).toBe(false);
  });
});

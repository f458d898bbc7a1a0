import { Controller, Get, type INestApplication, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { BearerAuthGuard } from '../../../lib/guards/bearer-auth.guard.js';
import type { TokenVerifier } from '../../../lib/interfaces/token-verifier.interface.js';
import { McpAuthModule } from '../../../lib/mcp-auth.module.js';
import { DefaultOAuthProvider } from '../../../lib/provider/default-oauth-provider.js';
import type { SigningKeyInput } from '../../../lib/provider/signing-keys.js';
import { MemoryOAuthStore } from '../../../lib/stores/memory-oauth-store.js';
import { createTestApplication } from '../../support/test-app.js';

/** The external authorization server's issuer identifier and the resource server's canonical URI. */
export const AS_ISSUER = 'http://127.0.0.1:4200';
export const RS_RESOURCE = 'http://127.0.0.1:4300/mcp';

@Controller('mcp')
@UseGuards(BearerAuthGuard)
class McpController {
  @Get()
  call() {
    return { ok: true };
  }
}

/** Request counters of the authorization server, per path. */
export type HitCounter = Record<string, number>;

/** The built-in authorization server on its own port, counting requests per path. */
export async function startAuthorizationServer(
  signingKeys: SigningKeyInput[],
  hits: HitCounter,
  port = 0,
  resource = RS_RESOURCE,
): Promise<{ app: INestApplication; url: string; provider: DefaultOAuthProvider }> {
  const provider = new DefaultOAuthProvider({
    store: new MemoryOAuthStore({ sweepIntervalMs: 0 }),
    signingKeys,
    users: { alice: { password: 'wonderland' } },
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      McpAuthModule.forRoot({
        issuerUrl: AS_ISSUER,
        resourceServerUrl: resource,
        provider,
        rateLimits: false,
        // The resource server's client may introspect every client's tokens (S59).
        introspection: { resourceServers: ['resource server'] },
      }),
    ],
  }).compile();
  const app = createTestApplication(moduleRef, { logger: false });
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const path = (req.originalUrl ?? req.url).split('?')[0]!;
    hits[path] = (hits[path] ?? 0) + 1;
    next();
  });
  await app.listen(port, '127.0.0.1');
  return { app, url: await app.getUrl(), provider };
}

/** A resource-server-only app: no provider, only the guard with the given verifier. */
export async function startResourceServer(tokenVerifier: TokenVerifier) {
  const moduleRef = await Test.createTestingModule({
    imports: [
      McpAuthModule.forRoot({ resourceServerUrl: RS_RESOURCE, tokenVerifier, authorizationServers: [AS_ISSUER] }),
    ],
    controllers: [McpController],
  }).compile();
  const app = createTestApplication(moduleRef, { logger: false });
  await app.init();
  const call = (token: string) => request(app.getHttpServer()).get('/mcp').set('Authorization', `Bearer ${token}`);
  return { app, call };
}

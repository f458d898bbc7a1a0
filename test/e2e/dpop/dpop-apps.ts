import 'reflect-metadata';
import { Controller, Get, type INestApplication, Post, Req, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Request } from 'express';
import request from 'supertest';
import { BearerAuthGuard } from '../../../lib/guards/bearer-auth.guard.js';
import type { OAuthClientInformation } from '../../../lib/interfaces/oauth-models.js';
import { McpAuthModule } from '../../../lib/mcp-auth.module.js';
import { DefaultOAuthProvider } from '../../../lib/provider/default-oauth-provider.js';
import { OAUTH_CLOCK } from '../../../lib/rules/clock.js';
import type { DpopOptions } from '../../../lib/interfaces/dpop-options.interface.js';
import { MemoryOAuthStore } from '../../../lib/stores/memory-oauth-store.js';
import { REQUEST_AUTH_PROPERTY } from '../../../lib/mcp-auth.constants.js';
import { ManualClock } from '../../support/manual-clock.js';
import { ISSUER, RESOURCE, client, ecKeyPem, issueCode } from '../../support/provider-fixtures.js';
import { type DpopTestKey, dpopProof } from '../../support/dpop-proofs.js';

export { ISSUER, RESOURCE };
export const TOKEN_URL = `${ISSUER}/token`;
/** The RFC 7636 Appendix B verifier of the challenge `issueCode` uses. */
const CODE_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

/** A confidential client (refresh tokens not bound to the DPoP key, RFC 9449 §5). */
export const confidentialClient: OAuthClientInformation = {
  ...client,
  clientId: 'confidential-1',
  tokenEndpointAuthMethod: 'client_secret_post',
  clientSecret: 'confidential-secret',
};

@Controller('mcp')
@UseGuards(BearerAuthGuard)
class GuardedController {
  @Get()
  read(@Req() req: Request) {
    return { subject: (req as unknown as Record<string, { subject?: string }>)[REQUEST_AUTH_PROPERTY]?.subject };
  }

  @Post()
  write() {
    return { ok: true };
  }
}

/** The built-in authorization server and a guarded `/mcp`, the AS on a manual clock starting now. */
export interface DpopApp {
  app: INestApplication;
  provider: DefaultOAuthProvider;
  clock: ManualClock;
  http: ReturnType<typeof request>;
  /** Seconds since the epoch on the AS clock. */
  nowSeconds(): number;
  /** A code for the public client, or for `forClient`. */
  code(forClient?: OAuthClientInformation): Promise<string>;
  /** `POST /token` redeeming `code`, with a proof when `proof` is given. */
  redeem(code: string, proof?: string, forClient?: OAuthClientInformation): request.Test;
  /** `POST /token` refreshing, with a proof when given. */
  refresh(refreshToken: string, proof?: string, forClient?: OAuthClientInformation): request.Test;
  /** A proof for the token endpoint at the AS clock's time. */
  tokenProof(key: DpopTestKey, nonce?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startDpopApp(dpop?: DpopOptions): Promise<DpopApp> {
  const clock = new ManualClock(Date.now());
  const provider = new DefaultOAuthProvider({
    store: new MemoryOAuthStore({ clock, sweepIntervalMs: 0 }),
    users: { alice: { password: 'wonderland' } },
    signingKeys: [{ kid: 'key-1', privateKey: ecKeyPem().privateKey }],
    clock,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      McpAuthModule.forRoot({
        issuerUrl: ISSUER,
        resourceServerUrl: RESOURCE,
        provider,
        scopesSupported: ['notes:read', 'notes:write'],
        rateLimits: false,
        ...(dpop && { dpop }),
      }),
    ],
    controllers: [GuardedController],
  })
    .overrideProvider(OAUTH_CLOCK)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  await provider.registerClient(client);
  await provider.registerClient(confidentialClient);
  const http = request(app.getHttpServer());
  const nowSeconds = () => Math.floor(clock.now() / 1000);
  const credentials = (forClient: OAuthClientInformation): Record<string, string> =>
    forClient.clientSecret
      ? { client_id: forClient.clientId, client_secret: forClient.clientSecret }
      : { client_id: forClient.clientId };
  const post = (form: Record<string, string>, proof?: string) => {
    const req = http.post('/token').type('form');
    if (proof !== undefined) req.set('DPoP', proof);
    return req.send(form);
  };
  return {
    app,
    provider,
    clock,
    http,
    nowSeconds,
    code: (forClient = client) => issueCode(provider, ['notes:read', 'notes:write'], forClient),
    redeem: (code, proof, forClient = client) =>
      post(
        {
          grant_type: 'authorization_code',
          code,
          code_verifier: CODE_VERIFIER,
          redirect_uri: forClient.redirectUris[0]!,
          ...credentials(forClient),
        },
        proof,
      ),
    refresh: (refreshToken, proof, forClient = client) =>
      post({ grant_type: 'refresh_token', refresh_token: refreshToken, ...credentials(forClient) }, proof),
    tokenProof: (key, nonce) => dpopProof(key, { htm: 'POST', htu: TOKEN_URL, iat: nowSeconds(), nonce }),
    close: () => app.close(),
  };
}

import { withResponseCookies } from '../../support/cookie-jar.js';
import { randomBytes } from 'node:crypto';
import { Controller, Get, type INestApplication, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { expect } from 'vitest';
import { BearerAuthGuard } from '../../../lib/guards/bearer-auth.guard.js';
import type { McpAuthModuleOptions } from '../../../lib/interfaces/mcp-auth-options.interface.js';
import { McpAuthModule } from '../../../lib/mcp-auth.module.js';
import { DefaultOAuthProvider } from '../../../lib/provider/default-oauth-provider.js';
import type { DefaultOAuthProviderOptions } from '../../../lib/provider/default-oauth-provider.options.js';
import type { OAuthStore } from '../../../lib/stores/oauth-store.interface.js';
import { computeS256Challenge } from '../../../lib/rules/pkce.js';
import { RedisOAuthStore } from '../../../lib/stores/redis/redis-oauth-store.js';
import { createTestApplication } from '../../support/test-app.js';

/** One issuer and resource for every instance: they are one deployment behind a load balancer. */
export const ISSUER = 'http://127.0.0.1:4100';
export const RESOURCE = `${ISSUER}/mcp`;
export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

@Controller('mcp')
@UseGuards(BearerAuthGuard)
class McpController {
  @Get()
  call() {
    return { ok: true };
  }
}

/** One running instance: its own Nest app, HTTP port and Redis connection, shared Redis data. */
export interface Instance {
  app: INestApplication;
  url: string;
  http: () => ReturnType<typeof request>;
  close(): Promise<void>;
}

/** Starts an instance: `DefaultOAuthProvider` + `RedisOAuthStore`, listening on a random loopback port. */
export async function startInstance(
  client: Redis,
  signingKeyPem: string,
  options: Partial<McpAuthModuleOptions> = {},
  keyPrefix = 'e2e:',
  providerOptions: Partial<DefaultOAuthProviderOptions> = {},
): Promise<Instance> {
  const store = new RedisOAuthStore({ client, keyPrefix, clock: providerOptions.clock });
  return startInstanceOn(store, signingKeyPem, options, providerOptions);
}

/** Starts an instance on any store (memory for a single instance, Redis for several). */
export async function startInstanceOn(
  store: OAuthStore,
  signingKeyPem: string,
  options: Partial<McpAuthModuleOptions> = {},
  providerOptions: Partial<DefaultOAuthProviderOptions> = {},
): Promise<Instance> {
  const provider = new DefaultOAuthProvider({
    store,
    signingKeys: [{ kid: 'shared-key', privateKey: signingKeyPem }],
    users: { alice: { password: 'wonderland', name: 'Alice' } },
    ...providerOptions,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      McpAuthModule.forRoot({
        issuerUrl: ISSUER,
        resourceServerUrl: RESOURCE,
        provider,
        scopesSupported: ['notes:read', 'notes:write'],
        rateLimits: false,
        ...options,
      }),
    ],
    controllers: [McpController],
  }).compile();
  const app = createTestApplication(moduleRef, { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return { app, url, http: () => request(url), close: () => app.close() };
}

const pathOf = (url: string) => {
  const parsed = new URL(url, ISSUER);
  return `${parsed.pathname}${parsed.search}`;
};
const csrfOf = (html: string) => /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];

/**
 * Drives the whole authorization-code flow over HTTP (register → authorize →
 * consent → login → consent approve → code), each step on the instance the
 * caller picks, so a flow can hop between instances.
 */
export class OAuthFlow {
  clientId = '';
  readonly verifier = randomBytes(32).toString('base64url');
  private cookie = '';

  constructor(private readonly pick: (step: string) => Instance) {}

  async register(): Promise<void> {
    const res = await this.pick('register')
      .http()
      .post('/register')
      .send({
        redirect_uris: [REDIRECT_URI],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        client_name: 'Redis e2e',
      });
    expect(res.status).toBe(201);
    this.clientId = res.body.client_id;
  }

  /** Returns the authorization code. */
  async authorize(): Promise<string> {
    const start = await this.pick('authorize')
      .http()
      .get('/authorize')
      .query({
        response_type: 'code',
        client_id: this.clientId,
        redirect_uri: REDIRECT_URI,
        code_challenge: computeS256Challenge(this.verifier),
        code_challenge_method: 'S256',
        state: 'st-1',
        scope: 'notes:read notes:write',
        resource: RESOURCE,
      });
    expect(start.status).toBe(302);
    const consentPath = pathOf(start.headers.location);
    const interaction = new URL(start.headers.location).searchParams.get('interaction')!;
    if (!this.cookie) {
      const toLogin = await this.pick('consent-redirect').http().get(consentPath);
      expect(toLogin.status).toBe(303);
      const form = await this.pick('login-form').http().get(pathOf(toLogin.headers.location));
      const browser = withResponseCookies('', form.headers['set-cookie']);
      expect(form.status).toBe(200);
      const login = await this.pick('login')
        .http()
        .post('/login')
        .set('Cookie', browser)
        .type('form')
        .send({ interaction, csrf_token: csrfOf(form.text), username: 'alice', password: 'wonderland' });
      expect(login.status).toBe(303);
      this.cookie = withResponseCookies(browser, login.headers['set-cookie']);
    }
    const page = await this.pick('consent-page').http().get(consentPath).set('Cookie', this.cookie);
    expect(page.status).toBe(200);
    const approved = await this.pick('consent')
      .http()
      .post('/consent')
      .type('form')
      .set('Cookie', this.cookie)
      .send({ interaction, csrf_token: csrfOf(page.text), decision: 'approve' });
    expect(approved.status).toBe(303);
    const location = new URL(approved.headers.location);
    expect(location.searchParams.get('iss')).toBe(ISSUER);
    return location.searchParams.get('code')!;
  }

  redeem(on: Instance, code: string) {
    return on.http().post('/token').type('form').send({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: this.clientId,
      code_verifier: this.verifier,
      resource: RESOURCE,
    });
  }

  refresh(on: Instance, refreshToken: string) {
    return on
      .http()
      .post('/token')
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: this.clientId });
  }

  revoke(on: Instance, token: string) {
    return on.http().post('/revoke').type('form').send({ token, client_id: this.clientId });
  }
}

/** Calls the guarded MCP route. */
export function callMcp(on: Instance, accessToken: string) {
  return on.http().get('/mcp').set('Authorization', `Bearer ${accessToken}`);
}

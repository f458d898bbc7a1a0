import 'reflect-metadata';
import { Controller, Get, type INestApplication, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthContext } from '../../../lib/context/auth-context.js';
import { BearerAuthGuard } from '../../../lib/guards/bearer-auth.guard.js';
import type { OAuthClientInformation } from '../../../lib/interfaces/oauth-models.js';
import { McpAuthModule } from '../../../lib/mcp-auth.module.js';
import { DefaultOAuthProvider } from '../../../lib/provider/default-oauth-provider.js';
import { MemoryOAuthStore } from '../../../lib/stores/memory-oauth-store.js';
import { UpstreamLogin } from '../../../lib/upstream/upstream-login.js';
import type { UpstreamLoginOptions } from '../../../lib/upstream/upstream-login.options.js';
import { pkcePair } from '../../support/as-test-app.js';
import { ManualClock } from '../../support/manual-clock.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';
import { startOidcTestUpstream, startSilentServer, type OidcTestUpstream } from './oidc-test-upstream.js';
import { TestBrowser } from './upstream-browser.js';
import { createTestApplication } from '../../support/test-app.js';

const ISSUER = 'http://127.0.0.1:4100';
const RESOURCE = `${ISSUER}/mcp`;
const CALLBACK = `${ISSUER}/upstream/test/callback`;
const UPSTREAM_TOKEN_TTL = 120;
const mcpClient: OAuthClientInformation = {
  clientId: 'mcp-client',
  clientName: 'MCP Client',
  redirectUris: ['http://127.0.0.1:9911/callback'],
  tokenEndpointAuthMethod: 'none',
  grantTypes: ['authorization_code', 'refresh_token'],
  responseTypes: ['code'],
};

/** A guarded MCP route that calls the upstream's userinfo with the stored upstream token. */
@Controller('mcp')
@UseGuards(BearerAuthGuard)
class UpstreamEchoController {
  static upstreamIssuer = '';
  constructor(private readonly auth: AuthContext) {}

  @Get('upstream')
  async upstream(): Promise<Record<string, unknown>> {
    const token = await this.auth.upstreamToken('test');
    if (!token) return { token: null };
    const userinfo = await fetch(`${UpstreamEchoController.upstreamIssuer}/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { token, userinfoStatus: userinfo.status, upstreamSub: ((await userinfo.json()) as { sub?: string }).sub };
  }
}

interface TestApp {
  app: INestApplication;
  provider: DefaultOAuthProvider;
  clock: ManualClock;
  close(): Promise<void>;
}

async function makeApp(upstreamOptions: UpstreamLoginOptions): Promise<TestApp> {
  const clock = new ManualClock(Date.now());
  const provider = new DefaultOAuthProvider({
    store: new MemoryOAuthStore({ clock, sweepIntervalMs: 0 }),
    clock,
    signingKeys: [{ kid: 'k1', privateKey: ecKeyPem().privateKey }],
    upstream: new UpstreamLogin(upstreamOptions),
  });
  const moduleRef = await Test.createTestingModule({
    imports: [McpAuthModule.forRoot({ issuerUrl: ISSUER, resourceServerUrl: RESOURCE, provider, rateLimits: false })],
    controllers: [UpstreamEchoController],
  }).compile();
  const app = createTestApplication(moduleRef, { logger: false });
  await app.init();
  await provider.registerClient(mcpClient);
  return { app, provider, clock, close: () => app.close() };
}

const upstreamConfig = (issuer: string) => ({
  type: 'oidc' as const,
  issuer,
  clientId: 'mcp-auth',
  clientSecret: 'upstream-secret',
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  authorizationParams: { prompt: 'consent' },
});

interface Authorization {
  browser: TestBrowser;
  verifier: string;
  /** The final redirect to the MCP client. */
  clientRedirect: URL;
  /** The upstream's redirect to our callback, when reached. */
  callbackUrl?: string;
}

/** Drives `/authorize` → our consent → upstream (login, consent) → callback → our consent → MCP client redirect. */
async function authorize(
  t: TestApp,
  state = 'client-state-1',
  browser = new TestBrowser(t.app, ISSUER),
): Promise<Authorization> {
  const { verifier, challenge } = pkcePair();
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: mcpClient.clientId,
    redirect_uri: mcpClient.redirectUris[0],
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    scope: 'notes:read',
    resource: RESOURCE,
  });
  let url = `${ISSUER}/authorize?${params}`;
  let callbackUrl: string | undefined;
  for (let hop = 0; hop < 20; hop++) {
    const res = await browser.get(url);
    if (res.status === 200 && url.startsWith(`${ISSUER}/consent`)) {
      const form = Object.fromEntries(
        [...res.text.matchAll(/name="(interaction|csrf_token)" value="([^"]+)"/g)].map((m) => [m[1], m[2]]),
      );
      const decided = await browser.postForm(`${ISSUER}/consent`, { ...form, decision: 'approve' });
      expect(decided.status).toBe(303);
      return { browser, verifier, clientRedirect: new URL(decided.location!), callbackUrl };
    }
    if (res.status < 300 || res.status >= 400 || !res.location)
      throw new Error(`unexpected ${res.status} at ${url}: ${res.text.slice(0, 200)}`);
    if (res.location.startsWith(CALLBACK)) callbackUrl = res.location;
    if (res.location.startsWith(mcpClient.redirectUris[0]))
      return { browser, verifier, clientRedirect: new URL(res.location), callbackUrl };
    url = res.location;
  }
  throw new Error('too many redirects');
}

async function redeem(t: TestApp, authorization: Authorization) {
  return request(t.app.getHttpServer())
    .post('/token')
    .type('form')
    .send({
      grant_type: 'authorization_code',
      code: authorization.clientRedirect.searchParams.get('code')!,
      code_verifier: authorization.verifier,
      redirect_uri: mcpClient.redirectUris[0],
      client_id: mcpClient.clientId,
      resource: RESOURCE,
    });
}

const jwtClaims = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

function expectClientError(redirect: URL, error: string, state = 'client-state-1') {
  expect(`${redirect.origin}${redirect.pathname}`).toBe(mcpClient.redirectUris[0]);
  expect(redirect.searchParams.get('error')).toBe(error);
  expect(redirect.searchParams.get('state')).toBe(state);
  expect(redirect.searchParams.get('iss')).toBe(ISSUER);
  expect(redirect.searchParams.get('code')).toBeNull();
}

describe('Sign in with an upstream OpenID Connect provider (e2e, oidc-provider on loopback)', () => {
  let upstream: OidcTestUpstream;
  let t: TestApp;

  beforeAll(async () => {
    upstream = await startOidcTestUpstream({
      clientId: 'mcp-auth',
      clientSecret: 'upstream-secret',
      redirectUri: CALLBACK,
      accessTokenTtl: UPSTREAM_TOKEN_TTL,
    });
    UpstreamEchoController.upstreamIssuer = upstream.issuer;
    t = await makeApp({
      upstreams: { test: upstreamConfig(upstream.issuer) },
      storeTokens: true,
      tokenEncryptionKey: 'test-encryption-key',
    });
  });

  afterAll(async () => {
    await t?.close();
    await upstream?.close();
  });

  it('S29 signs in upstream; the MCP client gets a code with state and iss, and a token whose sub is the mapped subject', async () => {
    upstream.nextUser = { accountId: 'user-1' };
    const authorization = await authorize(t);
    expect(authorization.callbackUrl).toBeDefined();
    expect(authorization.clientRedirect.searchParams.get('state')).toBe('client-state-1');
    expect(authorization.clientRedirect.searchParams.get('iss')).toBe(ISSUER);
    const token = await redeem(t, authorization);
    expect(token.status).toBe(200);
    expect(Object.keys(token.body).sort()).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'scope',
      'token_type',
    ]);
    expect(jwtClaims(token.body.access_token).sub).toBe('test:user-1');
  });

  it('S8 the upstream token is stored server-side, readable through AuthContext, never given to the client, refreshed when expired, and deleted on revocation', async () => {
    upstream.nextUser = { accountId: 'user-2' };
    const token = await redeem(t, await authorize(t));
    expect(JSON.stringify(token.body)).not.toMatch(/id_token|upstream/);
    const bearer = `Bearer ${token.body.access_token}`;
    const first = await request(t.app.getHttpServer()).get('/mcp/upstream').set('Authorization', bearer).expect(200);
    expect(first.body).toMatchObject({ userinfoStatus: 200, upstreamSub: 'user-2' });
    expect(first.body.token).not.toBe(token.body.access_token);
    const again = await request(t.app.getHttpServer()).get('/mcp/upstream').set('Authorization', bearer).expect(200);
    expect(again.body.token).toBe(first.body.token);

    t.clock.advanceSeconds(UPSTREAM_TOKEN_TTL + 60);
    const refreshed = await request(t.app.getHttpServer())
      .get('/mcp/upstream')
      .set('Authorization', bearer)
      .expect(200);
    expect(refreshed.body.token).not.toBe(first.body.token);
    expect(refreshed.body).toMatchObject({ userinfoStatus: 200, upstreamSub: 'user-2' });

    const grantId = jwtClaims(token.body.access_token).grant_id as string;
    expect(await t.provider.store.getUpstreamTokens(grantId)).toBeDefined();
    await request(t.app.getHttpServer())
      .post('/revoke')
      .type('form')
      .send({ token: token.body.refresh_token, client_id: mcpClient.clientId })
      .expect(200);
    expect(await t.provider.store.getUpstreamTokens(grantId)).toBeUndefined();
    await request(t.app.getHttpServer()).get('/mcp/upstream').set('Authorization', bearer).expect(401);
  });

  it('S20 a denial at the upstream ends at the MCP client with access_denied, state and iss', async () => {
    upstream.nextUser = 'deny';
    const authorization = await authorize(t, 'deny-state');
    expectClientError(authorization.clientRedirect, 'access_denied', 'deny-state');
    upstream.nextUser = { accountId: 'user-1' };
  });

  it('S17 a forged state with no pending sign-in gets an HTML error page, never a redirect', async () => {
    const res = await request(t.app.getHttpServer())
      .get('/upstream/test/callback')
      .query({ code: 'forged-code', state: 'forged-state' });
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['x-frame-options']).toBe('DENY');
    const missing = await request(t.app.getHttpServer()).get('/upstream/test/callback').query({ code: 'x' });
    expect(missing.status).toBe(400);
  });

  it('S11 a replayed upstream callback is refused with access_denied and issues no second code', async () => {
    upstream.nextUser = { accountId: 'user-1' };
    const authorization = await authorize(t, 'replay-state');
    expect(authorization.clientRedirect.searchParams.get('code')).toBeTruthy();
    const replay = await authorization.browser.get(authorization.callbackUrl!);
    expect(replay.status).toBe(303);
    expectClientError(new URL(replay.location!), 'access_denied', 'replay-state');
  });

  it('a callback from another browser (state not bound to it) is refused with access_denied', async () => {
    upstream.nextUser = { accountId: 'user-1' };
    const victim = new TestBrowser(t.app, ISSUER);
    const { challenge } = pkcePair();
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: mcpClient.clientId,
      redirect_uri: mcpClient.redirectUris[0],
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'csrf-state',
    });
    const attacker = new TestBrowser(t.app, ISSUER);
    let url = `${ISSUER}/authorize?${params}`;
    let callback: string | undefined;
    for (let hop = 0; hop < 20 && !callback; hop++) {
      const res = await attacker.get(url);
      if (res.location?.startsWith(CALLBACK)) callback = res.location;
      url = res.location!;
    }
    const res = await victim.get(callback!);
    expect(res.status).toBe(303);
    expectClientError(new URL(res.location!), 'access_denied', 'csrf-state');
    const late = await attacker.get(callback!);
    expectClientError(new URL(late.location!), 'access_denied', 'csrf-state');
  });
});

describe('Upstream sign-in: mapping, several upstreams, and failures (e2e)', () => {
  let upstream: OidcTestUpstream;

  beforeAll(async () => {
    upstream = await startOidcTestUpstream({
      clientId: 'mcp-auth',
      clientSecret: 'upstream-secret',
      redirectUri: CALLBACK,
    });
  });

  afterAll(async () => {
    await upstream?.close();
  });

  it('maps the upstream identity with a custom mapper; a mapper returning undefined refuses the user', async () => {
    const t = await makeApp({
      upstreams: { test: { ...upstreamConfig(upstream.issuer), fetchUserInfo: true } },
      mapUser: ({ upstream: name, profile }) =>
        profile.sub === 'blocked' ? undefined : { subject: `custom|${name}|${profile.email}`, name: profile.name },
    });
    try {
      upstream.nextUser = { accountId: 'user-3' };
      const token = await redeem(t, await authorize(t));
      expect(token.status).toBe(200);
      expect(jwtClaims(token.body.access_token).sub).toBe('custom|test|user-3@upstream.test');

      upstream.nextUser = { accountId: 'blocked' };
      expectClientError((await authorize(t)).clientRedirect, 'access_denied');
      const first = await request(t.app.getHttpServer())
        .get('/mcp/upstream')
        .set('Authorization', `Bearer ${token.body.access_token}`);
      expect(first.body).toEqual({ token: null });
    } finally {
      await t.close();
    }
  });

  it('S32 with several upstreams the login page offers one CSRF-protected button per upstream', async () => {
    const t = await makeApp({
      upstreams: {
        test: upstreamConfig(upstream.issuer),
        other: { ...upstreamConfig(upstream.issuer), displayName: 'Other <IdP>' },
      },
    });
    try {
      const browser = new TestBrowser(t.app, ISSUER);
      const { challenge } = pkcePair();
      const params = new URLSearchParams({
        response_type: 'code',
        client_id: mcpClient.clientId,
        redirect_uri: mcpClient.redirectUris[0],
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: 's',
      });
      const toConsent = await browser.get(`${ISSUER}/authorize?${params}`);
      const toLogin = await browser.get(toConsent.location!);
      expect(toLogin.status).toBe(303);
      expect(toLogin.location).toMatch(new RegExp(`^${ISSUER}/login\\?interaction=`));
      const page = await browser.get(toLogin.location!);
      expect(page.status).toBe(200);
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.text).toContain('action="/upstream/test/start"');
      expect(page.text).toContain('action="/upstream/other/start"');
      expect(page.text).toContain('Continue with Other &#60;IdP&#62;');
      expect(page.text).not.toContain('name="password"');
      const interaction = /name="interaction" value="([^"]+)"/.exec(page.text)![1];
      const forged = await browser.postForm(`${ISSUER}/upstream/test/start`, { interaction, csrf_token: 'wrong' });
      expect(forged.status).toBe(403);
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)![1];
      const started = await browser.postForm(`${ISSUER}/upstream/test/start`, { interaction, csrf_token: csrf });
      expect(started.status).toBe(303);
      expect(started.location!.startsWith(`${upstream.issuer}/auth?`)).toBe(true);
      const sent = new URL(started.location!).searchParams;
      expect(sent.get('code_challenge_method')).toBe('S256');
      expect(sent.get('redirect_uri')).toBe(CALLBACK);
      expect(sent.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(sent.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(browser.cookie(ISSUER, 'mcp_auth_upstream')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    } finally {
      await t.close();
    }
  });

  it('S49 an upstream that never answers ends at the client with temporarily_unavailable within the timeout', async () => {
    const silent = await startSilentServer();
    const t = await makeApp({ upstreams: { test: upstreamConfig(silent.url) }, timeoutSeconds: 0.3 });
    try {
      const authorization = await authorize(t, 'timeout-state');
      expectClientError(authorization.clientRedirect, 'temporarily_unavailable', 'timeout-state');
    } finally {
      await t.close();
      await silent.close();
    }
  });

  it('S49 an unreachable upstream (discovery fails) ends at the client with temporarily_unavailable', async () => {
    const silent = await startSilentServer();
    const deadIssuer = silent.url;
    await silent.close();
    const t = await makeApp({ upstreams: { test: upstreamConfig(deadIssuer) }, timeoutSeconds: 2 });
    try {
      expectClientError((await authorize(t, 'down-state')).clientRedirect, 'temporarily_unavailable', 'down-state');
    } finally {
      await t.close();
    }
  });
});

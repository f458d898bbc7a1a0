import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OAuthClientInformation } from '../../../lib/interfaces/oauth-models.js';
import { McpAuthModule } from '../../../lib/mcp-auth.module.js';
import { DefaultOAuthProvider } from '../../../lib/provider/default-oauth-provider.js';
import { MemoryOAuthStore } from '../../../lib/stores/memory-oauth-store.js';
import { withResponseCookies } from '../../support/cookie-jar.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';
import { createTestApplication } from '../../support/test-app.js';

const ISSUER = 'http://127.0.0.1:1234';
const loopbackClient: OAuthClientInformation = {
  clientId: 'loopback-client',
  clientName: 'Desktop <Notes>',
  redirectUris: ['http://127.0.0.1:7777/callback', 'http://localhost/cb'],
  tokenEndpointAuthMethod: 'none',
  grantTypes: ['authorization_code', 'refresh_token'],
  responseTypes: ['code'],
};
const webClient: OAuthClientInformation = {
  ...loopbackClient,
  clientId: 'web-client',
  clientName: 'Web Notes',
  redirectUris: ['https://notes.example.com/oauth/callback', 'http://127.0.0.1:7777/callback'],
};

async function makeApp(provider: DefaultOAuthProvider): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [McpAuthModule.forRoot({ issuerUrl: ISSUER, resourceServerUrl: `${ISSUER}/mcp`, provider })],
  }).compile();
  const app = createTestApplication(moduleRef, { logger: false });
  await app.init();
  return app;
}

const pathOf = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};
const csrfOf = (html: string) => /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];

function expectPageHeaders(res: request.Response) {
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
}

describe('DefaultOAuthProvider consent and login (e2e)', () => {
  const provider = new DefaultOAuthProvider({
    store: new MemoryOAuthStore({ sweepIntervalMs: 0 }),
    signingKeys: [{ kid: 'k1', privateKey: ecKeyPem().privateKey }],
    users: { alice: { password: 'wonderland', name: 'Alice' }, bob: { password: 'builder' } },
  });
  let app: INestApplication;
  const cookies: Record<string, string> = {};

  async function startInteraction(client = loopbackClient, state = 'state-123') {
    const consentUrl = await provider.authorize(client, {
      state,
      scopes: ['notes:read', 'notes:write'],
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      redirectUri: client.redirectUris[0],
      redirectUriProvidedExplicitly: true,
    });
    return { consentPath: pathOf(consentUrl), interactionId: new URL(consentUrl).searchParams.get('interaction')! };
  }

  /** Signs in from a fresh browser; returns the POST answer and the browser's cookies afterwards. */
  async function login(user: string, password: string) {
    const { consentPath, interactionId } = await startInteraction();
    const toLogin = await request(app.getHttpServer()).get(consentPath).expect(303);
    const form = await request(app.getHttpServer()).get(pathOf(new URL(toLogin.headers.location, ISSUER).toString()));
    const browser = withResponseCookies('', form.headers['set-cookie']);
    const res = await request(app.getHttpServer())
      .post('/login')
      .type('form')
      .set('Cookie', browser)
      .send({ interaction: interactionId, csrf_token: csrfOf(form.text), username: user, password });
    return { res, cookie: withResponseCookies(browser, res.headers['set-cookie']) };
  }

  async function openConsent(user: 'alice' | 'bob', client = loopbackClient, state?: string) {
    const started = await startInteraction(client, state);
    const page = await request(app.getHttpServer()).get(started.consentPath).set('Cookie', cookies[user]).expect(200);
    return { ...started, page, csrf: csrfOf(page.text)! };
  }

  beforeAll(async () => {
    app = await makeApp(provider);
    for (const [user, password] of [
      ['alice', 'wonderland'],
      ['bob', 'builder'],
    ]) {
      const { res, cookie } = await login(user, password);
      expect(res.status).toBe(303);
      cookies[user] = cookie;
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  it('S30 S31 S32 login: form with security headers, 303 after POST, HttpOnly SameSite=Lax session cookie', async () => {
    const { consentPath, interactionId } = await startInteraction();
    const toLogin = await request(app.getHttpServer()).get(consentPath).expect(303);
    expect(toLogin.headers.location).toBe(`${ISSUER}/login?interaction=${interactionId}`);
    expect(toLogin.headers['cache-control']).toBe('no-store');
    const form = await request(app.getHttpServer()).get(`/login?interaction=${interactionId}`).expect(200);
    expectPageHeaders(form);
    expect(form.text).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/);
    const browser = withResponseCookies('', form.headers['set-cookie']);
    const wrong = await request(app.getHttpServer())
      .post('/login')
      .type('form')
      .set('Cookie', browser)
      .send({ interaction: interactionId, csrf_token: csrfOf(form.text), username: 'alice', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expectPageHeaders(wrong);
    const ok = await request(app.getHttpServer())
      .post('/login')
      .type('form')
      .set('Cookie', browser)
      .send({ interaction: interactionId, csrf_token: csrfOf(form.text), username: 'alice', password: 'wonderland' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(`${ISSUER}${consentPath}`);
    expect(ok.headers['cache-control']).toBe('no-store');
    const cookie = (ok.headers['set-cookie'] as unknown as string[])[0];
    expect(cookie).toMatch(/^mcp_auth_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=3600; HttpOnly; SameSite=Lax$/);
  });

  it('S33 login POST without the interaction CSRF token: 403, no session', async () => {
    const { interactionId } = await startInteraction();
    const res = await request(app.getHttpServer())
      .post('/login')
      .type('form')
      .send({ interaction: interactionId, username: 'alice', password: 'wonderland' });
    expect(res.status).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('S34 S31 S32 consent page shows client name, redirect host, scopes and the loopback warning', async () => {
    const { page } = await openConsent('alice');
    expectPageHeaders(page);
    expect(page.text).toContain('Desktop &#60;Notes&#62;');
    expect(page.text).not.toContain('Desktop <Notes>');
    expect(page.text).toContain('<strong id="redirect-host">127.0.0.1:7777</strong>');
    expect(page.text).toContain('<code>notes:read</code>');
    expect(page.text).toContain('<code>notes:write</code>');
    expect(page.text).toContain('id="loopback-warning"');
  });

  it('S34 no loopback warning when a redirect URI is not on loopback', async () => {
    const { page } = await openConsent('alice', webClient);
    expect(page.text).toContain('Web Notes');
    expect(page.text).toContain('notes.example.com');
    expect(page.text).not.toContain('id="loopback-warning"');
  });

  it('S29 S30 approval answers 303 to the redirect URI with code, exact state and iss', async () => {
    const state = 'a b&c=d/é';
    const { interactionId, csrf } = await openConsent('alice', loopbackClient, state);
    const res = await request(app.getHttpServer())
      .post('/consent')
      .type('form')
      .set('Cookie', cookies.alice)
      .send({ interaction: interactionId, csrf_token: csrf, decision: 'approve' });
    expect(res.status).toBe(303);
    expect(res.headers['cache-control']).toBe('no-store');
    const location = new URL(res.headers.location);
    expect(`${location.origin}${location.pathname}`).toBe('http://127.0.0.1:7777/callback');
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('state')).toBe(state);
    expect(location.searchParams.get('iss')).toBe(ISSUER);
    const code = await provider.loadAuthorizationCode(loopbackClient, location.searchParams.get('code')!);
    expect(code).toMatchObject({ subject: 'alice', scopes: ['notes:read', 'notes:write'] });

    const again = await request(app.getHttpServer())
      .post('/consent')
      .type('form')
      .set('Cookie', cookies.alice)
      .send({ interaction: interactionId, csrf_token: csrf, decision: 'approve' });
    expect(again.status).toBe(400);
    expect(again.headers.location).toBeUndefined();
  });

  it('S20 S29 deny answers 303 with error=access_denied, state and iss', async () => {
    const { interactionId, csrf } = await openConsent('alice', loopbackClient, 'deny-state');
    const res = await request(app.getHttpServer())
      .post('/consent')
      .type('form')
      .set('Cookie', cookies.alice)
      .send({ interaction: interactionId, csrf_token: csrf, decision: 'deny' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.location);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('deny-state');
    expect(location.searchParams.get('iss')).toBe(ISSUER);
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('S33 consent POST with a missing, foreign or other-interaction CSRF token: 403, no code', async () => {
    const first = await openConsent('alice');
    const second = await openConsent('alice');
    const post = (body: Record<string, string | undefined>) =>
      request(app.getHttpServer()).post('/consent').type('form').set('Cookie', cookies.alice).send(body);
    for (const body of [
      { interaction: first.interactionId, decision: 'approve' },
      { interaction: first.interactionId, csrf_token: '', decision: 'approve' },
      { interaction: first.interactionId, csrf_token: second.csrf, decision: 'approve' },
      { interaction: second.interactionId, csrf_token: first.csrf, decision: 'approve' },
    ]) {
      const res = await post(body);
      expect(res.status).toBe(403);
      expect(res.headers.location).toBeUndefined();
      expectPageHeaders(res);
    }
    const ok = await post({ interaction: first.interactionId, csrf_token: first.csrf, decision: 'approve' });
    expect(ok.status).toBe(303);
    expect(new URL(ok.headers.location).searchParams.get('code')).toBeTruthy();
  });

  it('S33 a decision from another signed-in user or without a session is refused', async () => {
    const { interactionId, csrf } = await openConsent('alice');
    const asBob = await request(app.getHttpServer())
      .post('/consent')
      .type('form')
      .set('Cookie', cookies.bob)
      .send({ interaction: interactionId, csrf_token: csrf, decision: 'approve' });
    expect(asBob.status).toBe(403);
    const anonymous = await request(app.getHttpServer())
      .post('/consent')
      .type('form')
      .send({ interaction: interactionId, csrf_token: csrf, decision: 'approve' });
    expect(anonymous.status).toBe(403); // the token was bound to Alice's browser (S56)
    expect(anonymous.headers.location).toBeUndefined();
    const bobViews = await request(app.getHttpServer())
      .get(`/consent?interaction=${interactionId}`)
      .set('Cookie', cookies.bob);
    expect(bobViews.status).toBe(403);
  });

  it('unknown interactions get an HTML error page; other paths are not served', async () => {
    const unknown = await request(app.getHttpServer()).get('/consent?interaction=nope').set('Cookie', cookies.alice);
    expect(unknown.status).toBe(400);
    expectPageHeaders(unknown);
    await request(app.getHttpServer()).get('/other/consent?interaction=nope').expect(404);
    await request(app.getHttpServer()).get('/other/login').expect(404);
  });
});

describe('DefaultOAuthProvider consent with an authenticate hook and remembered consent (e2e)', () => {
  let signedIn = false;
  const provider = new DefaultOAuthProvider({
    signingKeys: [{ kid: 'k1', privateKey: ecKeyPem().privateKey }],
    rememberConsent: true,
    authenticate: async (req) =>
      signedIn
        ? { subject: 'carol', name: 'Carol' }
        : { redirectTo: `https://app.example/login?return_to=${encodeURIComponent(req.originalUrl)}` },
  });
  let app: INestApplication;

  beforeAll(async () => {
    app = await makeApp(provider);
  });
  afterAll(async () => {
    await app?.close();
  });

  const start = async (scopes: string[]) =>
    pathOf(
      await provider.authorize(loopbackClient, {
        state: 's',
        scopes,
        codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        redirectUri: loopbackClient.redirectUris[0],
        redirectUriProvidedExplicitly: true,
      }),
    );

  it('sends a signed-out user to the application login; no built-in login route', async () => {
    signedIn = false;
    const path = await start(['notes:read']);
    const res = await request(app.getHttpServer()).get(path).expect(303);
    expect(res.headers.location).toBe(`https://app.example/login?return_to=${encodeURIComponent(path)}`);
    await request(app.getHttpServer()).get('/login?interaction=x').expect(404);
  });

  it('remembers consent per (subject, client) and skips the page when the scopes are covered', async () => {
    signedIn = true;
    const first = await start(['notes:read', 'notes:write']);
    const page = await request(app.getHttpServer()).get(first).expect(200);
    await request(app.getHttpServer())
      .post('/consent')
      .type('form')
      .set('Cookie', withResponseCookies('', page.headers['set-cookie']))
      .send({
        interaction: new URL(first, ISSUER).searchParams.get('interaction'),
        csrf_token: csrfOf(page.text),
        decision: 'approve',
      })
      .expect(303);
    const covered = await request(app.getHttpServer())
      .get(await start(['notes:read']))
      .expect(303);
    const location = new URL(covered.headers.location);
    expect(location.searchParams.get('code')).toBeTruthy();
    expect(location.searchParams.get('iss')).toBe(ISSUER);
    await request(app.getHttpServer())
      .get(await start(['notes:read', 'admin']))
      .expect(200);
  });
});

import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OAuthClientInformation } from '../../../lib/interfaces/oauth-models.js';
import { McpAuthModule } from '../../../lib/mcp-auth.module.js';
import { DefaultOAuthProvider } from '../../../lib/provider/default-oauth-provider.js';
import { hashValue } from '../../../lib/rules/secure-values.js';
import { MemoryOAuthStore } from '../../../lib/stores/memory-oauth-store.js';
import { withResponseCookies } from '../../support/cookie-jar.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';
import { createTestApplication } from '../../support/test-app.js';

const ISSUER = 'http://127.0.0.1:4400';
const attackerClient: OAuthClientInformation = {
  clientId: 'attacker-client',
  clientName: 'Attacker',
  redirectUris: ['https://attacker.example/cb'],
  tokenEndpointAuthMethod: 'none',
  grantTypes: ['authorization_code'],
  responseTypes: ['code'],
};

const csrfOf = (html: string) => /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];

describe('S56 login and consent refuse cross-site requests; tokens are bound to the browser session', () => {
  const provider = new DefaultOAuthProvider({
    store: new MemoryOAuthStore({ sweepIntervalMs: 0 }),
    signingKeys: [{ kid: 'k1', privateKey: ecKeyPem().privateKey }],
    users: { alice: { password: 'wonderland' }, mallory: { password: 'evil' } },
  });
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [McpAuthModule.forRoot({ issuerUrl: ISSUER, resourceServerUrl: `${ISSUER}/mcp`, provider })],
    }).compile();
    app = createTestApplication(moduleRef, { logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  async function newInteraction(): Promise<string> {
    const consentUrl = await provider.authorize(attackerClient, {
      state: 's',
      scopes: ['notes:read'],
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      redirectUri: attackerClient.redirectUris[0]!,
      redirectUriProvidedExplicitly: true,
    });
    return new URL(consentUrl).searchParams.get('interaction')!;
  }

  /** Opens the login form of an interaction in a browser; returns its token and the browser's cookies. */
  async function loginForm(interactionId: string, cookie = '') {
    const form = await http().get(`/login?interaction=${interactionId}`).set('Cookie', cookie).expect(200);
    return { csrf: csrfOf(form.text)!, cookie: withResponseCookies(cookie, form.headers['set-cookie']) };
  }

  /** A browser in which `user` signed in; returns its cookies. */
  async function signedInBrowser(user: string, password: string): Promise<string> {
    const interactionId = await newInteraction();
    const { csrf, cookie } = await loginForm(interactionId);
    const res = await http()
      .post('/login')
      .type('form')
      .set('Cookie', cookie)
      .send({ interaction: interactionId, csrf_token: csrf, username: user, password })
      .expect(303);
    return withResponseCookies(cookie, res.headers['set-cookie']);
  }

  function expectRefusedPage(res: request.Response, status = 403) {
    expect(res.status).toBe(status);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(String(res.headers['set-cookie'] ?? '')).not.toContain('mcp_auth_session=');
  }

  it.each([
    ['Origin of another site', { Origin: 'https://evil.example' }],
    ['Origin of another loopback port (same site)', { Origin: 'http://127.0.0.1:9999' }],
    ['Sec-Fetch-Site cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['Sec-Fetch-Site same-site (sibling subdomain)', { 'Sec-Fetch-Site': 'same-site' }],
    ['Origin null but Sec-Fetch-Site cross-site', { Origin: 'null', 'Sec-Fetch-Site': 'cross-site' }],
  ])('S56 a login POST with %s is refused with a page, no session', async (_name, headers) => {
    const interactionId = await newInteraction();
    const { csrf, cookie } = await loginForm(interactionId);
    const res = await http()
      .post('/login')
      .type('form')
      .set('Cookie', cookie)
      .set(headers)
      .send({ interaction: interactionId, csrf_token: csrf, username: 'alice', password: 'wonderland' });
    expectRefusedPage(res);
    expect(res.text).toContain('Cross-site request refused');
  });

  it.each([
    ['no Origin and no Sec-Fetch-Site (older browser)', {}],
    ['the issuer Origin and Sec-Fetch-Site same-origin', { Origin: ISSUER, 'Sec-Fetch-Site': 'same-origin' }],
    [
      'Origin null (no-referrer page) and Sec-Fetch-Site same-origin',
      { Origin: 'null', 'Sec-Fetch-Site': 'same-origin' },
    ],
  ])('S56 a same-origin login POST with %s signs in', async (_name, headers) => {
    const interactionId = await newInteraction();
    const { csrf, cookie } = await loginForm(interactionId);
    const res = await http()
      .post('/login')
      .type('form')
      .set('Cookie', cookie)
      .set(headers)
      .send({ interaction: interactionId, csrf_token: csrf, username: 'alice', password: 'wonderland' });
    expect(res.status).toBe(303);
    expect(String(res.headers['set-cookie'])).toContain('mcp_auth_session=');
  });

  it("S56 login CSRF: a login POST with the attacker's own token but from the victim's browser is refused", async () => {
    const interactionId = await newInteraction();
    const attacker = await loginForm(interactionId);
    const victim = await signedInBrowser('alice', 'wonderland');
    const forged = await http()
      .post('/login')
      .type('form')
      .set('Cookie', victim)
      .send({ interaction: interactionId, csrf_token: attacker.csrf, username: 'mallory', password: 'evil' });
    expectRefusedPage(forged);
    const noCookie = await http()
      .post('/login')
      .type('form')
      .send({ interaction: interactionId, csrf_token: attacker.csrf, username: 'mallory', password: 'evil' });
    expectRefusedPage(noCookie);
  });

  it('S56 a consent POST from another site is refused and issues no code', async () => {
    const alice = await signedInBrowser('alice', 'wonderland');
    const interactionId = await newInteraction();
    const page = await http().get(`/consent?interaction=${interactionId}`).set('Cookie', alice).expect(200);
    const res = await http()
      .post('/consent')
      .type('form')
      .set('Cookie', alice)
      .set('Origin', 'http://127.0.0.1:9999')
      .send({ interaction: interactionId, csrf_token: csrfOf(page.text), decision: 'approve' });
    expectRefusedPage(res);
    const legit = await http()
      .post('/consent')
      .type('form')
      .set('Cookie', alice)
      .set('Origin', ISSUER)
      .send({ interaction: interactionId, csrf_token: csrfOf(page.text), decision: 'approve' });
    expect(legit.status).toBe(303);
    expect(new URL(legit.headers.location).searchParams.get('code')).toBeTruthy();
  });

  it("S56 a CSRF token read anonymously for the attacker's own interaction is refused in the victim's consent POST", async () => {
    const interactionId = await newInteraction();
    const attacker = await loginForm(interactionId);
    const victim = await signedInBrowser('alice', 'wonderland');
    await http().get(`/consent?interaction=${interactionId}`).set('Cookie', victim).expect(200);
    const forged = await http()
      .post('/consent')
      .type('form')
      .set('Cookie', victim)
      .send({ interaction: interactionId, csrf_token: attacker.csrf, decision: 'approve' });
    expectRefusedPage(forged);
    expect(await provider.store.getInteraction(hashValue(interactionId))).toBeDefined();
  });

  it('S56 a consent token of one browser is refused from another browser of the same user, and with another session', async () => {
    const first = await signedInBrowser('alice', 'wonderland');
    const second = await signedInBrowser('alice', 'wonderland');
    const interactionId = await newInteraction();
    const page = await http().get(`/consent?interaction=${interactionId}`).set('Cookie', first).expect(200);
    const token = csrfOf(page.text);
    const fromSecond = await http()
      .post('/consent')
      .type('form')
      .set('Cookie', second)
      .send({ interaction: interactionId, csrf_token: token, decision: 'approve' });
    expectRefusedPage(fromSecond);
    const browserOfFirst = first.split('; ').find((pair) => pair.startsWith('mcp_auth_browser='))!;
    const otherSession = second.split('; ').find((pair) => pair.startsWith('mcp_auth_session='))!;
    const sameBrowserOtherSession = await http()
      .post('/consent')
      .type('form')
      .set('Cookie', `${browserOfFirst}; ${otherSession}`)
      .send({ interaction: interactionId, csrf_token: token, decision: 'approve' });
    expectRefusedPage(sameBrowserOtherSession);
    const own = await http()
      .post('/consent')
      .type('form')
      .set('Cookie', first)
      .send({ interaction: interactionId, csrf_token: token, decision: 'approve' });
    expect(own.status).toBe(303);
  });
});

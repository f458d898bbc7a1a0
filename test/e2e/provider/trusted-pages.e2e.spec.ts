import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OAuthClientInformation } from '../../../lib/interfaces/oauth-models.js';
import type { McpAuthModuleOptions } from '../../../lib/interfaces/mcp-auth-options.interface.js';
import { McpAuthModule } from '../../../lib/mcp-auth.module.js';
import { DefaultOAuthProvider } from '../../../lib/provider/default-oauth-provider.js';
import { McpAuthConfigurationError, resolveMcpAuthConfig } from '../../../lib/services/mcp-auth-config.factory.js';
import { MemoryOAuthStore } from '../../../lib/stores/memory-oauth-store.js';
import { pkcePair } from '../../support/as-test-app.js';
import { withResponseCookies } from '../../support/cookie-jar.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';
import { createTestApplication } from '../../support/test-app.js';

const ISSUER = 'http://127.0.0.1:4450';
const LOGO = 'https://cdn.example.com/brand/logo.png';
const webClient: OAuthClientInformation = {
  clientId: 'notes-web',
  clientName: 'Notes Web',
  redirectUris: ['https://notes.example/cb'],
  tokenEndpointAuthMethod: 'none',
  grantTypes: ['authorization_code'],
  responseTypes: ['code'],
};
const loopbackClient: OAuthClientInformation = {
  ...webClient,
  clientId: 'desktop-app',
  clientName: 'Desktop App',
  redirectUris: ['http://127.0.0.1:33418/callback'],
};

const csrfOf = (html: string, action = '') =>
  new RegExp(
    `action="[^"]*${action}"[^>]*>\\s*<input type="hidden" name="interaction" value="[^"]+">\\s*<input type="hidden" name="csrf_token" value="([^"]+)"`,
  ).exec(html)?.[1];
const jwtSubject = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()).sub as string;

function moduleOptions(
  provider: DefaultOAuthProvider,
  extra: Partial<McpAuthModuleOptions> = {},
): McpAuthModuleOptions {
  return {
    issuerUrl: ISSUER,
    resourceServerUrl: `${ISSUER}/mcp`,
    provider,
    scopesSupported: ['notes:read', 'notes:write'],
    rateLimits: false,
    ...extra,
  };
}

describe('Login and consent pages people trust (issue 20)', () => {
  const provider = new DefaultOAuthProvider({
    store: new MemoryOAuthStore({ sweepIntervalMs: 0 }),
    signingKeys: [{ kid: 'k1', privateKey: ecKeyPem().privateKey }],
    users: { alice: { password: 'wonderland', name: 'Alice' }, bob: { password: 'builder', name: 'Bob' } },
  });
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        McpAuthModule.forRoot(
          moduleOptions(provider, {
            resourceName: 'Acme Notes',
            scopeDescriptions: { 'notes:read': 'Read your notes', 'notes:write': 'Create and change your notes' },
            branding: { logoUrl: LOGO, primaryColor: '#0a7d4f' },
          }),
        ),
      ],
    }).compile();
    app = createTestApplication(moduleRef, { logger: false });
    await app.init();
    await provider.registerClient(webClient);
    await provider.registerClient(loopbackClient);
  });
  afterAll(() => app.close());

  /** Starts `/authorize` for `client`; returns the interaction id and the PKCE verifier. */
  async function startAuthorization(client = webClient) {
    const { verifier, challenge } = pkcePair();
    const res = await http()
      .get('/authorize')
      .query({
        response_type: 'code',
        client_id: client.clientId,
        redirect_uri: client.redirectUris[0],
        code_challenge: challenge,
        code_challenge_method: 'S256',
        scope: 'notes:read notes:write',
        state: 'st',
      })
      .expect(302);
    return { interactionId: new URL(res.headers.location!).searchParams.get('interaction')!, verifier };
  }

  /** Signs `user` in for the interaction in the browser `cookie`; returns the cookies and the consent page. */
  async function signIn(interactionId: string, user: string, password: string, cookie = '') {
    const form = await http().get(`/login?interaction=${interactionId}`).set('Cookie', cookie).expect(200);
    let jar = withResponseCookies(cookie, form.headers['set-cookie']);
    const login = await http()
      .post('/login')
      .type('form')
      .set('Cookie', jar)
      .send({ interaction: interactionId, csrf_token: csrfOf(form.text), username: user, password })
      .expect(303);
    jar = withResponseCookies(jar, login.headers['set-cookie']);
    const consent = await http().get(`/consent?interaction=${interactionId}`).set('Cookie', jar).expect(200);
    return { cookie: withResponseCookies(jar, consent.headers['set-cookie']), consent: consent.text };
  }

  it('S34 the login page names the server and marks the client name as the app’s own claim', async () => {
    const { interactionId } = await startAuthorization();
    const res = await http().get(`/login?interaction=${interactionId}`).expect(200);
    expect(res.text).toContain('Sign in to <span id="login-server-name">Acme Notes</span>');
    expect(res.text).toContain('<strong id="client-name">Notes Web</strong>');
    expect(res.text).toContain('“Notes Web” is the name the app gave itself.');
  });

  it('S34 the consent page names the server, the client (as its own claim) and each scope with its sentence', async () => {
    const { interactionId } = await startAuthorization();
    const { consent } = await signIn(interactionId, 'alice', 'wonderland');
    expect(consent).toContain('<span id="server-name">Acme Notes</span>');
    expect(consent).toContain('<strong id="consent-server-name">Acme Notes</strong>');
    expect(consent).toContain('“Notes Web” is the name the app gave itself.');
    expect(consent).toContain(
      '<li><span class="scope-description">Read your notes</span> <code>notes:read</code></li>',
    );
    expect(consent).toContain(
      '<li><span class="scope-description">Create and change your notes</span> <code>notes:write</code></li>',
    );
  });

  it('S34 the loopback notice says in plain words that the answer goes to a program on this device', async () => {
    const { interactionId } = await startAuthorization(loopbackClient);
    const { consent } = await signIn(interactionId, 'alice', 'wonderland');
    const notice = /<p class="warning" id="loopback-warning">([\s\S]*?)<\/p>/.exec(consent)?.[1] ?? '';
    expect(notice.replace(/\s+/g, ' ')).toContain(
      'This app runs on your own device: your answer goes to a program on this computer',
    );
    expect(notice).toContain('<strong>Desktop App</strong>');
  });

  it('S32 branding adds only the logo origin to img-src; the rest of the CSP is unchanged', async () => {
    const res = await http().get('/login?interaction=unknown').expect(400);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: https://cdn.example.com; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.text).toContain(`<img class="logo" src="${LOGO}"`);
    expect(res.text).toContain('button.primary{background:#0a7d4f;border-color:#0a7d4f}');
  });

  it('an expired or unknown sign-in request gets a plain sentence, not an error code', async () => {
    const res = await http().get('/consent?interaction=no-such-request').expect(400);
    expect(res.text).toContain('<h1>Sign-in request expired</h1>');
    expect(res.text).toContain('This sign-in request has expired. Go back to the app and try again.');
    const login = await http().get('/login?interaction=no-such-request').expect(400);
    expect(login.text).toContain('This sign-in request has expired. Go back to the app and try again.');
  });

  it('S52 an unknown client_id gets a friendly page naming the server; the code is only a detail', async () => {
    const res = await http()
      .get('/authorize')
      .query({
        response_type: 'code',
        client_id: 'nobody-registered-me',
        redirect_uri: 'https://evil.example/cb',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      })
      .expect(400);
    expect(res.headers.location).toBeUndefined();
    const headline = /<h1>([^<]*)<\/h1>/.exec(res.text)?.[1];
    expect(headline).toBe('This app is not known here');
    expect(res.text).toContain('is not registered with Acme Notes');
    expect(res.text).toContain(`<p class="error-code">Details for the app's developer: <code>invalid_client</code>`);
  });

  describe('S56 "Not you? Switch account" is a CSRF-checked same-site POST', () => {
    const switchTokenOf = (html: string) => csrfOf(html, '/login/switch-account');

    it('S56 the consent page offers switch-account as a POST form with its own token, not a link', async () => {
      const { interactionId } = await startAuthorization();
      const { consent } = await signIn(interactionId, 'alice', 'wonderland');
      expect(consent).toMatch(/<form method="post" action="\/login\/switch-account" class="switch-account">/);
      expect(switchTokenOf(consent)).toBeDefined();
      expect(switchTokenOf(consent)).not.toBe(csrfOf(consent, '/consent'));
      expect(consent).not.toMatch(/<a [^>]*switch-account/);
      const viaGet = await http().get(`/login/switch-account?interaction=${interactionId}`);
      expect(viaGet.status).toBe(405);
      expect(viaGet.headers.allow).toBe('POST');
    });

    it.each([
      ['from another site (Origin)', { Origin: 'https://evil.example' }],
      ['from another site (Sec-Fetch-Site)', { 'Sec-Fetch-Site': 'cross-site' }],
    ])('S56 a switch-account POST %s is refused and the session survives', async (_name, headers) => {
      const { interactionId } = await startAuthorization();
      const { cookie, consent } = await signIn(interactionId, 'alice', 'wonderland');
      const res = await http()
        .post('/login/switch-account')
        .type('form')
        .set('Cookie', cookie)
        .set(headers)
        .send({ interaction: interactionId, csrf_token: switchTokenOf(consent) });
      expect(res.status).toBe(403);
      expect(res.text).toContain('Cross-site request refused');
      await http().get(`/consent?interaction=${interactionId}`).set('Cookie', cookie).expect(200);
    });

    it('S56 a switch-account POST without the token, with the consent token or from another browser is refused', async () => {
      const { interactionId } = await startAuthorization();
      const alice = await signIn(interactionId, 'alice', 'wonderland');
      const attempts = [
        { cookie: alice.cookie, token: undefined },
        { cookie: alice.cookie, token: csrfOf(alice.consent, '/consent') },
        { cookie: '', token: switchTokenOf(alice.consent) },
      ];
      for (const attempt of attempts) {
        const res = await http()
          .post('/login/switch-account')
          .type('form')
          .set('Cookie', attempt.cookie)
          .send({ interaction: interactionId, ...(attempt.token ? { csrf_token: attempt.token } : {}) });
        expect(res.status).toBe(403);
        expect(res.headers.location).toBeUndefined();
      }
      await http().get(`/consent?interaction=${interactionId}`).set('Cookie', alice.cookie).expect(200);
    });

    it('S56 switch-account ends the session and returns to the same request; Bob signs in and the code is his', async () => {
      const { interactionId, verifier } = await startAuthorization();
      const alice = await signIn(interactionId, 'alice', 'wonderland');
      const switched = await http()
        .post('/login/switch-account')
        .type('form')
        .set('Cookie', alice.cookie)
        .set({ Origin: ISSUER, 'Sec-Fetch-Site': 'same-origin' })
        .send({ interaction: interactionId, csrf_token: switchTokenOf(alice.consent) })
        .expect(303);
      expect(switched.headers.location).toBe(`${ISSUER}/login?interaction=${interactionId}`);
      expect(String(switched.headers['set-cookie'])).toMatch(/mcp_auth_session=; Path=\/; Max-Age=0/);
      const oldSession = await http().get(`/consent?interaction=${interactionId}`).set('Cookie', alice.cookie);
      expect(oldSession.status).toBe(303);
      expect(oldSession.headers.location).toContain('/login?interaction=');

      const bob = await signIn(
        interactionId,
        'bob',
        'builder',
        withResponseCookies(alice.cookie, switched.headers['set-cookie']),
      );
      expect(bob.consent).toContain('Signed in as <strong>Bob</strong>');
      const decided = await http()
        .post('/consent')
        .type('form')
        .set('Cookie', bob.cookie)
        .send({ interaction: interactionId, csrf_token: csrfOf(bob.consent, '/consent'), decision: 'approve' })
        .expect(303);
      const code = new URL(decided.headers.location!).searchParams.get('code')!;
      const token = await http()
        .post('/token')
        .type('form')
        .send({
          grant_type: 'authorization_code',
          code,
          code_verifier: verifier,
          redirect_uri: webClient.redirectUris[0],
          client_id: webClient.clientId,
        })
        .expect(200);
      expect(jwtSubject(token.body.access_token)).toBe('bob');
    });
  });
});

describe('Page options are checked at startup', () => {
  const provider = () =>
    new DefaultOAuthProvider({
      store: new MemoryOAuthStore({ sweepIntervalMs: 0 }),
      signingKeys: [{ kid: 'k1', privateKey: ecKeyPem().privateKey }],
      users: { alice: { password: 'wonderland' } },
    });

  it('the server name falls back to the issuer host', () => {
    expect(resolveMcpAuthConfig(moduleOptions(provider())).pages.appearance.serverName).toBe('127.0.0.1:4450');
    expect(
      resolveMcpAuthConfig(moduleOptions(provider(), { resourceName: 'Acme Notes' })).pages.appearance.serverName,
    ).toBe('Acme Notes');
  });

  it.each<[string, Partial<McpAuthModuleOptions>, RegExp]>([
    ['a description of an unknown scope', { scopeDescriptions: { 'admin:all': 'Everything' } }, /admin:all/],
    ['an empty description', { scopeDescriptions: { 'notes:read': '  ' } }, /notes:read/],
    ['an http logo', { branding: { logoUrl: 'http://cdn.example.com/logo.png' } }, /logoUrl/],
    ['a relative logo', { branding: { logoUrl: '/logo.png' } }, /logoUrl/],
    ['a colour that is not hex', { branding: { primaryColor: 'red;}body{display:none' } }, /primaryColor/],
  ])('S32 refuses %s', (_name, extra, message) => {
    expect(() => resolveMcpAuthConfig(moduleOptions(provider(), extra))).toThrow(McpAuthConfigurationError);
    expect(() => resolveMcpAuthConfig(moduleOptions(provider(), extra))).toThrow(message);
  });
});

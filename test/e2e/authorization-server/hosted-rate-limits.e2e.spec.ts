import { withResponseCookies } from '../../support/cookie-jar.js';
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpAuthModuleOptions } from '../../../lib/interfaces/mcp-auth-options.interface.js';
import { McpAuthModule } from '../../../lib/mcp-auth.module.js';
import { DefaultOAuthProvider } from '../../../lib/provider/default-oauth-provider.js';
import { computeS256Challenge } from '../../../lib/rules/pkce.js';
import { DEFAULT_RATE_LIMITS } from '../../../lib/services/mcp-auth-config.factory.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';
import { createTestApplication } from '../../support/test-app.js';

const ISSUER = 'http://127.0.0.1:4200';
const RESOURCE = `${ISSUER}/mcp`;
const REDIRECT = 'https://hosted.example/oauth/callback';
const EGRESS = '203.0.113.7';

/** Users `user-<n>` with password `pw-<n>`; `alice` / `wonderland`. */
async function passwordCheck(username: string, password: string) {
  if (username === 'alice' && password === 'wonderland') return { subject: 'alice' };
  const match = /^user-(\d+)$/.exec(username);
  return match && password === `pw-${match[1]}` ? { subject: username } : undefined;
}

async function startApp(options: Partial<McpAuthModuleOptions> = {}) {
  const provider = new DefaultOAuthProvider({
    users: passwordCheck,
    signingKeys: [{ kid: 'k', privateKey: ecKeyPem().privateKey }],
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      McpAuthModule.forRoot({
        issuerUrl: ISSUER,
        resourceServerUrl: RESOURCE,
        provider,
        scopesSupported: ['notes:read', 'notes:write'],
        ...options,
      }),
    ],
  }).compile();
  const app: INestApplication = createTestApplication(moduleRef, { logger: false, trustProxy: true });
  await app.init();
  return { app, http: () => request(app.getHttpServer()) };
}

const pathOf = (url: string) => {
  const parsed = new URL(url, ISSUER);
  return `${parsed.pathname}${parsed.search}`;
};
const csrfOf = (html: string) => /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];

type Http = () => ReturnType<typeof request>;

/** authorize → sign in → consent → redeem → refresh, every request from `address`; returns all statuses and the last refresh token. */
async function connectUser(
  http: Http,
  address: string,
  clientId: string,
  user: number,
): Promise<{ statuses: number[]; refreshToken: string }> {
  const statuses: number[] = [];
  const seen = <T extends { status: number }>(res: T) => (statuses.push(res.status), res);
  const verifier = randomBytes(32).toString('base64url');
  const start = seen(
    await http()
      .get('/authorize')
      .set('X-Forwarded-For', address)
      .query({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: REDIRECT,
        code_challenge: computeS256Challenge(verifier),
        code_challenge_method: 'S256',
        scope: 'notes:read',
        resource: RESOURCE,
      }),
  );
  const consentPath = pathOf(start.headers.location);
  const interaction = new URL(start.headers.location).searchParams.get('interaction')!;
  const toLogin = seen(await http().get(consentPath).set('X-Forwarded-For', address));
  const form = seen(await http().get(pathOf(toLogin.headers.location)).set('X-Forwarded-For', address));
  const browser = withResponseCookies('', form.headers['set-cookie']);
  const login = seen(
    await http()
      .post('/login')
      .set('Cookie', browser)
      .set('X-Forwarded-For', address)
      .type('form')
      .send({ interaction, csrf_token: csrfOf(form.text), username: `user-${user}`, password: `pw-${user}` }),
  );
  const cookie = withResponseCookies(browser, login.headers['set-cookie']);
  const page = seen(await http().get(consentPath).set('Cookie', cookie).set('X-Forwarded-For', address));
  const approved = seen(
    await http()
      .post('/consent')
      .set('Cookie', cookie)
      .set('X-Forwarded-For', address)
      .type('form')
      .send({ interaction, csrf_token: csrfOf(page.text), decision: 'approve' }),
  );
  const code = new URL(approved.headers.location).searchParams.get('code')!;
  const tokens = seen(
    await http().post('/token').set('X-Forwarded-For', address).type('form').send({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: clientId,
      code_verifier: verifier,
    }),
  );
  const refreshed = seen(await refresh(http, address, clientId, tokens.body.refresh_token));
  return { statuses, refreshToken: refreshed.body.refresh_token };
}

function refresh(http: Http, address: string, clientId: string, refreshToken: string) {
  return http()
    .post('/token')
    .set('X-Forwarded-For', address)
    .type('form')
    .send({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId });
}

function register(http: Http, address: string) {
  return http()
    .post('/register')
    .set('X-Forwarded-For', address)
    .send({
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      client_name: 'Hosted client',
    });
}

async function inBatches<T>(count: number, batch: number, run: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let first = 0; first < count; first += batch) {
    const size = Math.min(batch, count - first);
    results.push(...(await Promise.all(Array.from({ length: size }, (_, i) => run(first + i)))));
  }
  return results;
}

describe('rate limits that separate the users of a hosted client (S62, S36 amended) — default limits', () => {
  let app: Awaited<ReturnType<typeof startApp>>;

  beforeAll(async () => {
    app = await startApp({ rateLimits: undefined });
  });
  afterAll(async () => {
    await app?.app.close();
  });

  it(
    'S62 1000 distinct users of one hosted client behind one address (trust proxy, X-Forwarded-For) register, authorize, sign in, redeem and refresh: no 429',
    { timeout: 180_000 },
    async () => {
      const registrations = await inBatches(1000, 25, () => register(app.http, EGRESS));
      expect(registrations.filter((r) => r.status !== 201).map((r) => r.status)).toEqual([]);
      const clientId = registrations[0]!.body.client_id as string;
      const flows = await inBatches(1000, 20, (user) => connectUser(app.http, EGRESS, clientId, user));
      const statuses = flows.flatMap((f) => f.statuses);
      expect(statuses).toHaveLength(8000);
      expect(statuses.filter((s) => s === 429)).toEqual([]);
      expect(statuses.filter((s) => s >= 400)).toEqual([]);
      expect(flows.map((f) => f.statuses.at(-1))).toEqual(Array(1000).fill(200));
    },
  );

  it('S62 S36 one client sending 300 failed token requests is throttled (429 with Retry-After); other clients at that address and that client elsewhere are not', async () => {
    const fail = (clientId: string, address: string) =>
      app
        .http()
        .post('/token')
        .set('X-Forwarded-For', address)
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: 'guess', client_id: clientId });
    const attacker = (await register(app.http, '198.51.100.1')).body.client_id as string;
    const statuses: number[] = [];
    let retryAfter = 0;
    for (let i = 0; i < 300; i++) {
      const res = await fail(attacker, '198.51.100.1');
      statuses.push(res.status);
      if (res.status === 429) retryAfter = Number(res.headers['retry-after']);
    }
    const limit = DEFAULT_RATE_LIMITS.tokenFailures.limit;
    expect(statuses.slice(0, limit)).toEqual(Array(limit).fill(400));
    expect(statuses.slice(limit)).toEqual(Array(300 - limit).fill(429));
    expect(retryAfter).toBeGreaterThan(0);
    const neighbour = (await register(app.http, '198.51.100.1')).body.client_id as string;
    expect((await fail(neighbour, '198.51.100.1')).status).toBe(400);
    expect((await fail(attacker, '198.51.100.2')).status).toBe(400);
  });
});

describe('rate limits per grant, /introspect and the login form (S62, S36, S55)', () => {
  it('S62 refreshes count per grant: over the limit one grant gets 429, another grant of the same client does not', async () => {
    const app = await startApp({ rateLimits: { refreshPerGrant: { limit: 3, ttlSeconds: 60 } } });
    try {
      const clientId = (await register(app.http, EGRESS)).body.client_id as string;
      const first = await connectUser(app.http, EGRESS, clientId, 1);
      let token = first.refreshToken;
      for (let i = 0; i < 2; i++) {
        const res = await refresh(app.http, EGRESS, clientId, token);
        expect(res.status).toBe(200);
        token = res.body.refresh_token;
      }
      const limited = await refresh(app.http, EGRESS, clientId, token);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      const second = await connectUser(app.http, EGRESS, clientId, 2);
      expect(second.statuses.at(-1)).toBe(200);
      expect((await refresh(app.http, EGRESS, clientId, second.refreshToken)).status).toBe(200);
    } finally {
      await app.app.close();
    }
  });

  it('S36 S62 /introspect is rate-limited per client and address', async () => {
    const app = await startApp({ rateLimits: { introspect: { limit: 2, ttlSeconds: 60 } } });
    try {
      const introspect = (clientId: string) =>
        app
          .http()
          .post('/introspect')
          .set('X-Forwarded-For', EGRESS)
          .type('form')
          .send({ client_id: clientId, token: 'x' });
      expect((await introspect('rs-1')).status).toBe(401);
      expect((await introspect('rs-1')).status).toBe(401);
      const limited = await introspect('rs-1');
      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toBeDefined();
      expect((await introspect('rs-2')).status).toBe(401);
    } finally {
      await app.app.close();
    }
  });

  describe('password login (S55)', () => {
    let app: Awaited<ReturnType<typeof startApp>>;
    let clientId: string;

    beforeAll(async () => {
      app = await startApp({ rateLimits: undefined });
      clientId = (await register(app.http, EGRESS)).body.client_id as string;
    });
    afterAll(async () => {
      await app?.app.close();
    });

    /** Opens a login form (from its own address) and submits it from `address`. */
    async function attempt(username: string, password: string, address: string) {
      const start = await app
        .http()
        .get('/authorize')
        .set('X-Forwarded-For', address)
        .query({
          response_type: 'code',
          client_id: clientId,
          redirect_uri: REDIRECT,
          code_challenge: computeS256Challenge(randomBytes(32).toString('base64url')),
          code_challenge_method: 'S256',
          scope: 'notes:read',
        });
      const interaction = new URL(start.headers.location).searchParams.get('interaction')!;
      const toLogin = await app.http().get(pathOf(start.headers.location));
      const form = await app.http().get(pathOf(toLogin.headers.location));
      const res = await app
        .http()
        .post('/login')
        .set('Cookie', withResponseCookies('', form.headers['set-cookie']))
        .set('X-Forwarded-For', address)
        .type('form')
        .send({ interaction, csrf_token: csrfOf(form.text), username, password });
      return { res };
    }

    it('S55 failed logins are throttled per account: after 10 failures 429 with Retry-After, even with the right password, from any address', async () => {
      for (let i = 0; i < 10; i++) {
        expect((await attempt('alice', `wrong-${i}`, `192.0.2.${i + 1}`)).res.status).toBe(401);
      }
      const blocked = await attempt('alice', 'wrong-again', '192.0.2.50');
      expect(blocked.res.status).toBe(429);
      expect(Number(blocked.res.headers['retry-after'])).toBeGreaterThan(0);
      expect(blocked.res.text).toContain('Too many failed sign-ins');
      const right = await attempt('alice', 'wonderland', '192.0.2.51');
      expect(right.res.status).toBe(429);
      expect((await attempt('user-7', 'pw-7', '192.0.2.52')).res.status).toBe(303);
    });

    it('S55 an unknown user is throttled the same way as a known one (no account enumeration)', async () => {
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 11; i++) {
        known.push((await attempt('user-42', 'nope', `192.0.2.${100 + i}`)).res.status);
        unknown.push((await attempt('nobody-here', 'nope', `192.0.2.${100 + i}`)).res.status);
      }
      expect(known).toEqual([...Array(10).fill(401), 429]);
      expect(unknown).toEqual(known);
    });

    it('S55 failed logins are throttled per address: 100 failures over many accounts from one address, then 429', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 101; i++)
        statuses.push((await attempt(`spray-${i}`, 'Winter2026!', '198.18.0.9')).res.status);
      expect(statuses.slice(0, 100)).toEqual(Array(100).fill(401));
      expect(statuses[100]).toBe(429);
      expect((await attempt('user-8', 'pw-8', '198.18.0.10')).res.status).toBe(303);
    });

    it('S55 unknown user and wrong password get the same answer (status and page)', async () => {
      const known = await attempt('user-5', 'not-the-password', '10.9.0.1');
      const unknown = await attempt('ghost-5', 'not-the-password', '10.9.0.2');
      expect(unknown.res.status).toBe(401);
      expect(known.res.status).toBe(401);
      const page = (text: string, username: string) =>
        text.replace(/value="[^"]*"/g, 'value=""').replaceAll(username, 'USERNAME');
      expect(page(unknown.res.text, 'ghost-5')).toBe(page(known.res.text, 'user-5'));
    });
  });
});

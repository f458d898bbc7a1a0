import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefaultOAuthProvider, McpAuthModule, MemoryOAuthStore } from '../../lib/index.js';
import { StubMetadataServer } from '../e2e/cimd/stub-metadata-server.js';
import { ecKeyPem } from '../support/provider-fixtures.js';
import { createTestApplication } from '../support/test-app.js';
import { freePort, startSampleServer, type RunningServer } from './support/interop-server.js';

/**
 * A real browser: Debian's Chromium driven by `playwright-core`, through the
 * built-in login and consent pages of the sample, to a local callback. Skipped (loudly)
 * only when /usr/bin/chromium is missing.
 */
const CHROMIUM = '/usr/bin/chromium';
/** A 32×32 logo for the branding test. */
const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32"><rect width="32" height="32" rx="7" fill="#0a7d4f"/>' +
  '<circle cx="16" cy="16" r="7" fill="#fff"/></svg>';
/** `getComputedStyle(element)[property]`, run in the page. */
const computedStyle = (element: unknown, property: string): string =>
  (globalThis as any).getComputedStyle(element)[property] as string;
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const SCREENSHOTS = 'test-output/screenshots';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`SKIPPED browser interop tests: ${CHROMIUM} not found (apt-get install chromium)`);
}

describe.skipIf(!hasChromium)('Chromium through login and consent (interop)', () => {
  let server: RunningServer;
  let callback: Server;
  let callbackUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let userDataDir: string;
  /** The page the attacker's site (another port of 127.0.0.1: same site, other origin) serves at `/attacker`. */
  let attackerPage = '';

  beforeAll(async () => {
    server = await startSampleServer();
    callback = createServer((req, res) => {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(req.url === '/attacker' ? attackerPage : '<!doctype html><title>Done</title><p>Done</p>');
    });
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;
    userDataDir = mkdtempSync(join(tmpdir(), 'interop-chromium-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 800, height: 720 },
    });
    browser = context.browser()!;
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    await new Promise<void>((resolve) => (callback ? callback.close(() => resolve()) : resolve()));
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('S34 S30 S29 a person signs in, sees client name, scopes, redirect host and the loopback warning, clicks Allow, lands on the callback with code, state, iss', async () => {
    const registration = await fetch(`${server.baseUrl}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'Desktop Notes',
        redirect_uris: [callbackUrl],
        token_endpoint_auth_method: 'none',
      }),
    });
    const { client_id: clientId } = (await registration.json()) as { client_id: string };
    const state = randomBytes(16).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL(`${server.baseUrl}/authorize`);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: callbackUrl,
      scope: 'notes:read notes:write',
      state,
      resource: server.mcpUrl,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();

    const page = await context.newPage();
    await page.goto(authorize.toString());
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.locator('h1').innerText()).toBe('Sign in to nestjs-mcp-auth sample notes');
    expect(await page.locator('.claimed').innerText()).toBe('“Desktop Notes” is the name the app gave itself.');
    await page.screenshot({ path: `${SCREENSHOTS}/login.png` });
    await page.getByLabel(/user/i).fill('alice');
    await page.getByLabel(/password/i).fill('alice');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('button', { name: 'Allow' }).waitFor();
    expect(await page.locator('#client-name').innerText()).toBe('Desktop Notes');
    expect(await page.locator('#redirect-host').innerText()).toBe(new URL(callbackUrl).host);
    expect(await page.locator('#server-name').innerText()).toBe('nestjs-mcp-auth sample notes');
    expect(await page.locator('#consent-server-name').innerText()).toBe('nestjs-mcp-auth sample notes');
    expect(await page.locator('ul.scopes li .scope-description').allInnerTexts()).toEqual([
      'Read your notes',
      'Create and change your notes',
    ]);
    expect(await page.locator('ul.scopes li code').allInnerTexts()).toEqual(['notes:read', 'notes:write']);
    await expect(page.locator('#loopback-warning').isVisible()).resolves.toBe(true);
    expect(await page.locator('#loopback-warning').innerText()).toContain(
      'Allow only if you just started Desktop Notes yourself.',
    );
    await page.screenshot({ path: `${SCREENSHOTS}/consent.png`, fullPage: true });

    await Promise.all([
      page.waitForURL((url) => url.toString().startsWith(callbackUrl)),
      page.getByRole('button', { name: 'Allow' }).click(),
    ]);
    const landed = new URL(page.url());
    expect(landed.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(landed.searchParams.get('state')).toBe(state);
    expect(landed.searchParams.get('iss')).toBe(server.baseUrl);
    expect(await page.locator('p').innerText()).toBe('Done');

    const token = await fetch(`${server.baseUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: landed.searchParams.get('code')!,
        redirect_uri: callbackUrl,
        code_verifier: verifier,
        client_id: clientId,
        resource: server.mcpUrl,
      }),
    });
    expect(token.status).toBe(200);
    expect(((await token.json()) as { scope: string }).scope).toBe('notes:read notes:write');
    await page.close();
  });

  it("S56 a page on another port of the same host cannot post the victim's consent or sign the browser in", async () => {
    const register = async (redirectUri: string) => {
      const res = await fetch(`${server.baseUrl}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: 'Evil', redirect_uris: [redirectUri], token_endpoint_auth_method: 'none' }),
      });
      return ((await res.json()) as { client_id: string }).client_id;
    };
    const attackerCallback = `${new URL(callbackUrl).origin}/stolen`;
    const clientId = await register(attackerCallback);
    const authorize = new URL(`${server.baseUrl}/authorize`);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: attackerCallback,
      scope: 'notes:read',
      state: 'evil',
      code_challenge: createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    // The attacker reads the CSRF token of his own interaction anonymously.
    const started = await fetch(authorize, { redirect: 'manual' });
    const interaction = new URL(started.headers.get('location')!).searchParams.get('interaction')!;
    const loginHtml = await (await fetch(`${server.baseUrl}/login?interaction=${interaction}`)).text();
    const attackerToken = /name="csrf_token" value="([^"]+)"/.exec(loginHtml)![1]!;
    const autoPost = (action: string, fields: Record<string, string>) =>
      `<!doctype html><form method="post" action="${server.baseUrl}${action}">${Object.entries(fields)
        .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
        .join('')}</form><script>document.forms[0].submit()</script>`;

    const page = await context.newPage();
    // Login CSRF: the attacker's page signs the browser in as the attacker.
    attackerPage = autoPost('/login', { interaction, csrf_token: attackerToken, username: 'bob', password: 'bob' });
    await Promise.all([
      page.waitForURL((url) => url.toString().startsWith(`${server.baseUrl}/login`)),
      page.goto(`${new URL(callbackUrl).origin}/attacker`),
    ]);
    expect(await page.locator('h1').innerText()).toBe('Cross-site request refused');

    // The victim opens the attacker's authorization request, signs in, and sees the consent page...
    await page.goto(authorize.toString());
    if (new URL(page.url()).pathname === '/login') {
      await page.getByLabel(/user/i).fill('alice');
      await page.getByLabel(/password/i).fill('alice');
      await page.getByRole('button', { name: 'Sign in' }).click();
    }
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    expect(await page.locator('strong').first().innerText()).toBe('Alice');
    // ...then the attacker's page posts "approve" with the token he read for the same interaction.
    attackerPage = autoPost('/consent', { interaction, csrf_token: attackerToken, decision: 'approve' });
    await Promise.all([
      page.waitForURL((url) => url.toString() === `${server.baseUrl}/consent`),
      page.goto(`${new URL(callbackUrl).origin}/attacker`),
    ]);
    expect(await page.locator('h1').innerText()).toBe('Cross-site request refused');
    expect(page.url()).not.toContain('/stolen');
    await page.close();
  });

  it('S56 "Not you?": Alice signs in, switches account, Bob signs in for the same request and the code is Bob\'s', async () => {
    const registration = await fetch(`${server.baseUrl}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'Shared Laptop Notes',
        redirect_uris: [callbackUrl],
        token_endpoint_auth_method: 'none',
      }),
    });
    const { client_id: clientId } = (await registration.json()) as { client_id: string };
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL(`${server.baseUrl}/authorize`);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: callbackUrl,
      scope: 'notes:read',
      state: 'switch',
      resource: server.mcpUrl,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const page = await context.newPage();
    await page.goto(authorize.toString());
    if (new URL(page.url()).pathname === '/login') {
      await page.getByLabel(/user/i).fill('alice');
      await page.getByLabel(/password/i).fill('alice');
      await page.getByRole('button', { name: 'Sign in' }).click();
    }
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    const interaction = new URL(page.url()).searchParams.get('interaction');
    expect(await page.locator('.switch-account').innerText()).toBe('Not Alice? Switch account');
    await page.screenshot({ path: `${SCREENSHOTS}/consent-switch-account.png`, fullPage: true });

    await Promise.all([
      page.waitForURL((url) => url.pathname === '/login'),
      page.getByRole('button', { name: 'Switch account' }).click(),
    ]);
    expect(new URL(page.url()).searchParams.get('interaction')).toBe(interaction);
    await page.getByLabel(/user/i).fill('bob');
    await page.getByLabel(/password/i).fill('bob');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    expect(await page.locator('p', { hasText: 'Signed in as' }).innerText()).toBe('Signed in as Bob.');
    await Promise.all([
      page.waitForURL((url) => url.toString().startsWith(callbackUrl)),
      page.getByRole('button', { name: 'Allow' }).click(),
    ]);
    const token = await fetch(`${server.baseUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: new URL(page.url()).searchParams.get('code')!,
        redirect_uri: callbackUrl,
        code_verifier: verifier,
        client_id: clientId,
        resource: server.mcpUrl,
      }),
    });
    expect(token.status).toBe(200);
    const accessToken = ((await token.json()) as { access_token: string }).access_token;
    expect(JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()).sub).toBe('bob');
    await page.close();
  });

  it('an expired sign-in request and an unknown app get plain sentences', async () => {
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/consent?interaction=long-gone`);
    expect(await page.locator('h1').innerText()).toBe('Sign-in request expired');
    expect(await page.locator('p.error').innerText()).toBe(
      'This sign-in request has expired. Go back to the app and try again.',
    );
    await page.screenshot({ path: `${SCREENSHOTS}/expired.png` });
    const unknown = new URL(`${server.baseUrl}/authorize`);
    unknown.search = new URLSearchParams({
      response_type: 'code',
      client_id: 'never-registered',
      redirect_uri: callbackUrl,
      code_challenge: createHash('sha256').update('x').digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    await page.goto(unknown.toString());
    expect(await page.locator('h1').innerText()).toBe('This app is not known here');
    await page.screenshot({ path: `${SCREENSHOTS}/unknown-client.png` });
    await page.close();
  });

  it('S32 S34 branding under the CSP: the logo from its own https origin shows, the colour is applied, an image from any other origin is blocked', async () => {
    const serveLogo: Parameters<StubMetadataServer['route']>[1] = (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(LOGO_SVG);
    };
    const logoServer = await new StubMetadataServer()
      .route('/brand/logo.svg', serveLogo)
      .route('/brand/other-origin.svg', serveLogo)
      .start();
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const provider = new DefaultOAuthProvider({
      store: new MemoryOAuthStore({ sweepIntervalMs: 0 }),
      signingKeys: [{ kid: 'k1', privateKey: ecKeyPem().privateKey }],
      users: { alice: { password: 'alice', name: 'Alice' } },
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        McpAuthModule.forRoot({
          issuerUrl: issuer,
          resourceServerUrl: `${issuer}/mcp`,
          provider,
          scopesSupported: ['notes:read'],
          scopeDescriptions: { 'notes:read': 'Read your notes' },
          resourceName: 'Acme Notes',
          branding: { logoUrl: logoServer.url('/brand/logo.svg'), primaryColor: '#0a7d4f' },
          rateLimits: false,
        }),
      ],
    }).compile();
    const app = createTestApplication(moduleRef, { logger: false });
    await app.listen(port, '127.0.0.1');
    await provider.registerClient({
      clientId: 'acme-desktop',
      clientName: 'Acme Desktop',
      redirectUris: [callbackUrl],
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
    });
    // The logo server's certificate is a throwaway one: this browser accepts it (the CSP is what is under test).
    const tlsBrowser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await (
        await tlsBrowser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 800, height: 720 } })
      ).newPage();
      const authorize = new URL(`${issuer}/authorize`);
      authorize.search = new URLSearchParams({
        response_type: 'code',
        client_id: 'acme-desktop',
        redirect_uri: callbackUrl,
        scope: 'notes:read',
        state: 'branded',
        code_challenge: createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url'),
        code_challenge_method: 'S256',
      }).toString();
      await page.goto(authorize.toString());
      expect(new URL(page.url()).pathname).toBe('/login');
      const logo = page.locator('header.server img.logo');
      await expect.poll(() => logo.evaluate((img: any) => (img.complete ? img.naturalWidth : 0))).toBe(32);
      expect(logoServer.hitCount('/brand/logo.svg')).toBe(1);
      expect(await page.locator('#server-name').innerText()).toBe('Acme Notes');
      const signIn = page.getByRole('button', { name: 'Sign in' });
      expect(await signIn.evaluate(computedStyle, 'backgroundColor')).toBe('rgb(10, 125, 79)');
      expect(await page.locator('header.server').evaluate(computedStyle, 'borderBottomColor')).toBe('rgb(10, 125, 79)');
      await page.screenshot({ path: `${SCREENSHOTS}/login-branded.png` });

      // The same server under another origin (127.0.0.1, not localhost) is not in img-src: the browser never asks it.
      const blocked = await page.evaluate(
        (src) =>
          new Promise<string>((done) => {
            const img = new (globalThis as any).Image();
            img.onload = () => done('loaded');
            img.onerror = () => done('blocked');
            img.src = src;
          }),
        logoServer.url('/brand/other-origin.svg', '127.0.0.1'),
      );
      expect(blocked).toBe('blocked');
      expect(logoServer.hitCount('/brand/other-origin.svg')).toBe(0);

      await page.getByLabel(/user/i).fill('alice');
      await page.getByLabel(/password/i).fill('alice');
      await signIn.click();
      await page.getByRole('button', { name: 'Allow' }).waitFor();
      expect(await page.getByRole('button', { name: 'Allow' }).evaluate(computedStyle, 'backgroundColor')).toBe(
        'rgb(10, 125, 79)',
      );
      expect(await page.locator('ul.scopes li .scope-description').allInnerTexts()).toEqual(['Read your notes']);
      expect(await page.locator('#switch-account').evaluate(computedStyle, 'color')).toBe('rgb(10, 125, 79)');
      await page.screenshot({ path: `${SCREENSHOTS}/consent-branded.png`, fullPage: true });
    } finally {
      await tlsBrowser.close();
      await app.close();
      await logoServer.stop();
    }
  });
});

import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { McpAuthModuleOptions } from '../../lib/interfaces/mcp-auth-options.interface.js';
import type { OAuthClientInformation } from '../../lib/interfaces/oauth-models.js';
import { McpAuthModule } from '../../lib/mcp-auth.module.js';
import { OAUTH_CLOCK } from '../../lib/rules/clock.js';
import { computeS256Challenge } from '../../lib/rules/pkce.js';
import { TestOAuthProvider } from './test-oauth-provider.js';
import { createTestApplication, type TestApplicationOptions } from './test-app.js';

export const ISSUER = 'http://127.0.0.1:4000';
export const RESOURCE = 'http://127.0.0.1:4000/mcp';

/** A running app with the authorization-server endpoints and the test provider. */
export interface AsTestApp {
  app: INestApplication;
  provider: TestOAuthProvider;
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

/** Builds an app; rate limits are off unless the options set them. */
export async function createAsTestApp(
  options: Partial<McpAuthModuleOptions> = {},
  configure?: (app: INestApplication) => void,
  appOptions: TestApplicationOptions = {},
): Promise<AsTestApp> {
  const provider = (options.provider as TestOAuthProvider | undefined) ?? new TestOAuthProvider();
  const moduleRef = await Test.createTestingModule({
    imports: [
      McpAuthModule.forRoot({
        issuerUrl: ISSUER,
        resourceServerUrl: RESOURCE,
        scopesSupported: ['notes:read', 'notes:write'],
        rateLimits: false,
        ...options,
        provider,
      }),
    ],
  })
    .overrideProvider(OAUTH_CLOCK)
    .useValue({ now: () => provider.nowMs })
    .compile();
  const app = createTestApplication(moduleRef, { logger: false, ...appOptions });
  configure?.(app);
  await app.init();
  return { app, provider, http: request(app.getHttpServer()), close: () => app.close() };
}

/** A PKCE verifier/challenge pair (RFC 7636 §4.1, §4.2). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: computeS256Challenge(verifier) };
}

/** Authorization request parameters for `client`, overridable. */
export function authorizeParams(
  client: OAuthClientInformation,
  challenge: string,
  overrides: Record<string, string | undefined> = {},
): Record<string, string> {
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUris[0],
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'st-1',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

/** Runs `/authorize` and returns the code from the redirect. */
export async function obtainCode(
  t: AsTestApp,
  client: OAuthClientInformation,
  overrides: Record<string, string | undefined> = {},
): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkcePair();
  const res = await t.http.get('/authorize').query(authorizeParams(client, challenge, overrides));
  if (res.status !== 302) throw new Error(`authorize failed: ${res.status} ${res.text}`);
  const code = new URL(res.headers.location!).searchParams.get('code');
  if (!code) throw new Error(`no code in ${res.headers.location}`);
  return { code, verifier };
}

/** Redeems a code with a public client. */
export function redeem(
  t: AsTestApp,
  client: OAuthClientInformation,
  code: string,
  verifier: string,
  extra: Record<string, string> = {},
): request.Test {
  return t.http
    .post('/token')
    .type('form')
    .send({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: client.redirectUris[0],
      client_id: client.clientId,
      ...extra,
    });
}

/** `Authorization: Basic` with form-url-encoded id and secret (RFC 6749 §2.3.1). */
export function basicAuth(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

import { withResponseCookies } from '../cookie-jar.js';
import { randomBytes } from 'node:crypto';
import type request from 'supertest';
import { computeS256Challenge } from '../../../lib/rules/pkce.js';
import { FUZZ_ISSUER, FUZZ_RESOURCE, FUZZ_USER, type FuzzApp } from './fuzz-app.js';

/** Every secret value a full OAuth flow produced or used (S46, S47). */
export interface FlowSecrets {
  clientId: string;
  clientSecret: string;
  codeVerifier: string;
  code: string;
  accessToken: string;
  refreshToken: string;
  rotatedRefreshToken: string;
  rotatedAccessToken: string;
  sessionCookie: string;
  interactionId: string;
  csrfToken: string;
  password: string;
}

/** Every response of the flow, for header and body inspection. */
export type FlowResponses = Array<{ step: string; res: request.Response }>;

const pathOf = (url: string) => {
  const parsed = new URL(url, FUZZ_ISSUER);
  return `${parsed.pathname}${parsed.search}`;
};
const csrfOf = (html: string) => /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? '';
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function expectStatus(step: string, res: request.Response, status: number): request.Response {
  if (res.status !== status)
    throw new Error(`${step}: expected ${status}, got ${res.status} ${res.text.slice(0, 200)}`);
  return res;
}

/**
 * Runs register (confidential client) → authorize → login → consent → token →
 * refresh → introspect → revoke over HTTP, then replays the rotated-out refresh
 * token and the used code (both rejected), and returns the secrets it saw.
 */
export async function runFullFlow(t: FuzzApp): Promise<{ secrets: FlowSecrets; responses: FlowResponses }> {
  const responses: FlowResponses = [];
  const step = async (name: string, req: request.Test, status: number) => {
    const res = await req;
    responses.push({ step: name, res });
    return expectStatus(name, res, status);
  };
  const registered = await step(
    'register',
    t.http.post('/register').send({
      client_name: 'Flow Client',
      redirect_uris: ['http://127.0.0.1:7777/callback'],
      token_endpoint_auth_method: 'client_secret_basic',
    }),
    201,
  );
  const clientId = registered.body.client_id as string;
  const clientSecret = registered.body.client_secret as string;
  const codeVerifier = randomBytes(32).toString('base64url');
  const authorize = await step(
    'authorize',
    t.http.get('/authorize').query({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: 'http://127.0.0.1:7777/callback',
      code_challenge: computeS256Challenge(codeVerifier),
      code_challenge_method: 'S256',
      scope: 'notes:read notes:write',
      state: 'flow-state',
      resource: FUZZ_RESOURCE,
    }),
    302,
  );
  const consentPath = pathOf(authorize.headers.location!);
  const interactionId = new URL(authorize.headers.location!).searchParams.get('interaction')!;
  const toLogin = await step('consent-anonymous', t.http.get(consentPath), 303);
  const loginForm = await step('login-form', t.http.get(pathOf(toLogin.headers.location!)), 200);
  const browserCookie = withResponseCookies('', loginForm.headers['set-cookie']);
  const badLogin = t.http
    .post('/login')
    .type('form')
    .set('Cookie', browserCookie)
    .send({
      interaction: interactionId,
      csrf_token: csrfOf(loginForm.text),
      username: FUZZ_USER.username,
      password: `${FUZZ_USER.password}-wrong`,
    });
  await step('login-wrong-password', badLogin, 401);
  const loggedIn = await step(
    'login',
    t.http
      .post('/login')
      .type('form')
      .set('Cookie', browserCookie)
      .send({
        interaction: interactionId,
        csrf_token: csrfOf(loginForm.text),
        ...FUZZ_USER,
      }),
    303,
  );
  const sessionCookie = (loggedIn.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
  const browserCookies = withResponseCookies(browserCookie, loggedIn.headers['set-cookie']);
  const consentPage = await step('consent-page', t.http.get(consentPath).set('Cookie', browserCookies), 200);
  const csrfToken = csrfOf(consentPage.text);
  const approved = await step(
    'consent-approve',
    t.http
      .post('/consent')
      .type('form')
      .set('Cookie', browserCookies)
      .send({ interaction: interactionId, csrf_token: csrfToken, decision: 'approve' }),
    303,
  );
  const code = new URL(approved.headers.location!).searchParams.get('code')!;
  const tokenRequest = (body: Record<string, string>, secret = clientSecret) =>
    t.http.post('/token').type('form').set('Authorization', basic(clientId, secret)).send(body);
  await step(
    'token-wrong-verifier',
    tokenRequest({
      grant_type: 'authorization_code',
      code,
      code_verifier: `${codeVerifier}x`,
      redirect_uri: 'http://127.0.0.1:7777/callback',
    }),
    400,
  );
  const tokens = await step(
    'token',
    tokenRequest({
      grant_type: 'authorization_code',
      code,
      code_verifier: codeVerifier,
      redirect_uri: 'http://127.0.0.1:7777/callback',
    }),
    200,
  );
  await step(
    'token-wrong-secret',
    tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token }, `${clientSecret}x`),
    401,
  );
  const refreshed = await step(
    'refresh',
    tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token }),
    200,
  );
  await step(
    'mcp-valid',
    t.http
      .post('/mcp')
      .set('Authorization', `Bearer ${refreshed.body.access_token}`)
      .send({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    201,
  );
  await step(
    'mcp-bad-signature',
    t.http
      .post('/mcp')
      .set('Authorization', `Bearer ${refreshed.body.access_token.slice(0, -4)}AAAA`)
      .send({}),
    401,
  );
  await step('mcp-query-token', t.http.post(`/mcp?access_token=${refreshed.body.access_token}`).send({}), 401);
  await step(
    'mcp-both',
    t.http
      .post(`/mcp?access_token=${refreshed.body.access_token}`)
      .set('Authorization', `Bearer ${refreshed.body.access_token}`)
      .send({}),
    400,
  );
  await step(
    'introspect',
    t.http
      .post('/introspect')
      .type('form')
      .set('Authorization', basic(clientId, clientSecret))
      .send({ token: refreshed.body.access_token }),
    200,
  );
  // The successor is used first, so the replay below is reuse even inside the rotation grace window (S61).
  await step(
    'refresh-successor',
    tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token }),
    200,
  );
  await step(
    'refresh-replay',
    tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token }),
    400,
  );
  await step(
    'code-replay',
    tokenRequest({
      grant_type: 'authorization_code',
      code,
      code_verifier: codeVerifier,
      redirect_uri: 'http://127.0.0.1:7777/callback',
    }),
    400,
  );
  await step(
    'mcp-revoked-grant',
    t.http.post('/mcp').set('Authorization', `Bearer ${refreshed.body.access_token}`).send({}),
    401,
  );
  await step(
    'revoke',
    t.http
      .post('/revoke')
      .type('form')
      .set('Authorization', basic(clientId, clientSecret))
      .send({ token: refreshed.body.refresh_token }),
    200,
  );
  return {
    responses,
    secrets: {
      clientId,
      clientSecret,
      codeVerifier,
      code,
      accessToken: tokens.body.access_token,
      refreshToken: tokens.body.refresh_token,
      rotatedAccessToken: refreshed.body.access_token,
      rotatedRefreshToken: refreshed.body.refresh_token,
      sessionCookie: sessionCookie.split('=')[1]!,
      interactionId,
      csrfToken,
      password: FUZZ_USER.password,
    },
  };
}

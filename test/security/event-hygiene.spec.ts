import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpAuthEvent } from '../../lib/events/mcp-auth-events.js';
import { MemoryOAuthStore } from '../../lib/stores/memory-oauth-store.js';
import { callMcp, type Instance, OAuthFlow, RESOURCE, startInstanceOn } from '../e2e/redis/redis-as-app.js';
import { createFuzzApp, type FuzzApp } from '../support/fuzz/fuzz-app.js';
import { type FlowSecrets, runFullFlow } from '../support/fuzz/oauth-flow.js';
import { ecKeyPem } from '../support/provider-fixtures.js';

/** The secret values of a flow (client id and interaction id are identifiers, not secrets). */
function secretValues(secrets: FlowSecrets): string[] {
  return Object.entries(secrets)
    .filter(([name]) => !['clientId', 'interactionId'].includes(name))
    .map(([, value]) => value)
    .filter((value) => value.length >= 8);
}

describe('events (S70) never carry a secret (S46)', () => {
  let t: FuzzApp;
  const events: McpAuthEvent[] = [];
  let secrets: FlowSecrets;

  beforeAll(async () => {
    t = await createFuzzApp(false, { onEvent: (event) => void events.push(event) });
    ({ secrets } = await runFullFlow(t));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('S70 a full flow emits client registered, login failed, consent given, tokens issued, reuse detected and grant revoked, in order', () => {
    const types = events.map((event) => event.type);
    expect(types.slice(0, 5)).toEqual([
      'client.registered',
      'login.failed',
      'consent.given',
      'tokens.issued',
      'tokens.issued',
    ]);
    expect(types).toContain('refresh.reuse_detected');
    expect(types).toContain('grant.revoked');
    const consent = events.find((e) => e.type === 'consent.given') as Extract<McpAuthEvent, { type: 'consent.given' }>;
    expect(consent).toMatchObject({
      clientId: secrets.clientId,
      subject: 'alice',
      scopes: ['notes:read', 'notes:write'],
    });
    const issued = events.filter((e) => e.type === 'tokens.issued');
    expect(issued.map((e) => e.grantType)).toEqual(['authorization_code', 'refresh_token', 'refresh_token']);
    for (const e of issued) expect(e).toMatchObject({ grantId: consent.grantId, refreshTokenIssued: true });
    const reuse = events.find((e) => e.type === 'refresh.reuse_detected');
    expect(reuse).toMatchObject({ credential: 'refresh_token', grantId: consent.grantId, clientId: secrets.clientId });
    expect(events.find((e) => e.type === 'grant.revoked')).toMatchObject({
      grantId: consent.grantId,
      reason: 'reuse_detected',
    });
    expect(events.find((e) => e.type === 'login.failed')).toMatchObject({
      clientId: secrets.clientId,
      username: 'alice',
    });
    expect(events.find((e) => e.type === 'client.registered')).toMatchObject({
      clientId: secrets.clientId,
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
    for (const e of events) expect(typeof e.atMs).toBe('number');
  });

  it('S46 S70 no event contains a token, code, verifier, client secret, session, CSRF token or password', () => {
    const serialized = JSON.stringify(events);
    const values = secretValues(secrets);
    expect(values.length).toBeGreaterThanOrEqual(9);
    for (const value of values) expect(serialized).not.toContain(value);
  });
});

describe('events of the guard and of broken listeners (S70)', () => {
  let app: Instance;
  let failing: Instance;
  const events: McpAuthEvent[] = [];
  const signingKey = ecKeyPem().privateKey;

  beforeAll(async () => {
    app = await startInstanceOn(new MemoryOAuthStore({ sweepIntervalMs: 0 }), signingKey, {
      requiredScopes: ['notes:write'],
      onEvent: (event) => void events.push(event),
    });
    failing = await startInstanceOn(new MemoryOAuthStore({ sweepIntervalMs: 0 }), signingKey, {
      onEvent: (event) => {
        if (event.type === 'tokens.issued') return Promise.reject(new Error('listener down'));
        throw new Error('listener broken');
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await failing?.close();
  });

  it('S70 step-up challenged is emitted where the guard answers 403 insufficient_scope, with the scopes and no token', async () => {
    const flow = new OAuthFlow(() => app);
    await flow.register();
    const tokens = (await flow.redeem(app, await flow.authorize())).body;
    expect((await callMcp(app, tokens.access_token)).status).toBe(200);
    expect(events.some((e) => e.type === 'step_up.challenged')).toBe(false);
    const narrowed = await app.http().post('/token').type('form').send({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: flow.clientId,
      scope: 'notes:read',
      resource: RESOURCE,
    });
    expect(narrowed.status).toBe(200);
    const refused = await callMcp(app, narrowed.body.access_token);
    expect(refused.status).toBe(403);
    const challenged = events.filter((e) => e.type === 'step_up.challenged');
    expect(challenged).toHaveLength(1);
    expect(challenged[0]).toMatchObject({
      clientId: flow.clientId,
      subject: 'alice',
      requiredScopes: ['notes:write'],
      grantedScopes: ['notes:read'],
    });
    expect(typeof (challenged[0] as { grantId?: unknown }).grantId).toBe('string');
    const serialized = JSON.stringify(events);
    for (const value of [
      tokens.access_token,
      tokens.refresh_token,
      narrowed.body.access_token,
      narrowed.body.refresh_token,
    ])
      expect(serialized).not.toContain(value);
    expect((await flow.revoke(app, narrowed.body.refresh_token)).status).toBe(200);
    expect(events.at(-1)).toMatchObject({ type: 'grant.revoked', reason: 'token_revocation' });
  });

  it('S70 a listener that throws or rejects never breaks a request', async () => {
    const flow = new OAuthFlow(() => failing);
    await flow.register();
    const code = await flow.authorize();
    const tokens = await flow.redeem(failing, code);
    expect(tokens.status).toBe(200);
    expect((await flow.refresh(failing, tokens.body.refresh_token)).status).toBe(200);
    expect((await flow.redeem(failing, code)).body.error).toBe('invalid_grant');
  });
});

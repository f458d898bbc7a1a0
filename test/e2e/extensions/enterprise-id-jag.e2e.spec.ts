import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth } from '../../support/as-test-app.js';
import { clientSigningKey } from '../../support/client-assertion.js';
import { startEnterpriseIdp, type EnterpriseIdp, type IdJagClaims } from '../../support/enterprise-idp.js';
import { ISSUER, RESOURCE, createExtensionApp, machineClient, type ExtensionApp } from './extension-app.js';

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * Enterprise-managed authorization (S68) against a local identity provider
 * that signs real ID-JAGs with jose and serves its JWKS on loopback http.
 */
describe('jwt-bearer grant with ID-JAGs from a trusted IdP (S68)', () => {
  let t: ExtensionApp;
  let idp: EnterpriseIdp;
  let stranger: EnterpriseIdp;

  beforeAll(async () => {
    [idp, stranger] = await Promise.all([startEnterpriseIdp(), startEnterpriseIdp()]);
    t = await createExtensionApp(
      {
        enterpriseManagedAuthorization: {
          identityProviders: [{ issuer: idp.issuer, jwksUrl: idp.jwksUrl }],
          mapSubject: ({ subject }) => (['alice', 'bob'].includes(subject) ? subject : undefined),
        },
      },
      [
        machineClient({
          clientId: 'agent',
          clientSecret: 'agent-secret',
          grantTypes: [JWT_BEARER_GRANT],
          scope: undefined,
        }),
        machineClient({ clientId: 'other-agent', clientSecret: 'other-secret', grantTypes: [JWT_BEARER_GRANT] }),
        machineClient({
          clientId: 'public-agent',
          clientSecret: undefined,
          tokenEndpointAuthMethod: 'none',
          grantTypes: [JWT_BEARER_GRANT],
        }),
        machineClient({ clientId: 'bot', clientSecret: 'bot-secret', grantTypes: ['client_credentials'] }),
      ],
    );
  });
  afterAll(async () => {
    await t?.close();
    await idp?.close();
    await stranger?.close();
  });

  const claims = (overrides: Partial<IdJagClaims> = {}): IdJagClaims => ({
    sub: 'alice',
    aud: ISSUER,
    client_id: 'agent',
    resource: RESOURCE,
    scope: 'notes:read',
    ...overrides,
  });
  const exchange = (assertion: string, auth = basicAuth('agent', 'agent-secret'), extra: Record<string, string> = {}) =>
    t.http
      .post('/token')
      .type('form')
      .set('authorization', auth)
      .send({ grant_type: JWT_BEARER_GRANT, assertion, ...extra });
  const expectInvalidGrant = async (res: Awaited<ReturnType<typeof exchange>>, description: RegExp) => {
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(res.body.error_description).toMatch(description);
    expect(res.body.access_token).toBeUndefined();
  };

  it('S68 a valid ID-JAG gives an access token for the mapped user, audience this resource, no refresh token', async () => {
    const res = await exchange(await idp.idJag(claims()));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'notes:read' });
    expect(res.body.refresh_token).toBeUndefined();
    expect(decodeJwt(res.body.access_token)).toMatchObject({
      iss: ISSUER,
      sub: 'alice',
      aud: RESOURCE,
      client_id: 'agent',
      subject_type: 'user',
    });
    const whoami = await t.http.get('/mcp').set('authorization', `Bearer ${res.body.access_token}`);
    expect(whoami.body).toMatchObject({ subject: 'alice', subjectType: 'user', isMachine: false, clientId: 'agent' });
  });

  it('S68 replay: the same ID-JAG a second time is invalid_grant (jti in the shared store)', async () => {
    const assertion = await idp.idJag(claims());
    expect((await exchange(assertion)).status).toBe(200);
    await expectInvalidGrant(await exchange(assertion), /already used/);
  });

  it('S68 wrong typ (JWT, or missing): invalid_grant', async () => {
    await expectInvalidGrant(await exchange(await idp.idJag(claims(), { header: { typ: 'JWT' } })), /typ/);
    await expectInvalidGrant(await exchange(await idp.idJag(claims(), { header: { typ: undefined } })), /typ/);
  });

  it('S68 wrong audience (another authorization server, or the resource): invalid_grant', async () => {
    await expectInvalidGrant(await exchange(await idp.idJag(claims({ aud: 'https://other-as.example' }))), /aud/);
    await expectInvalidGrant(await exchange(await idp.idJag(claims({ aud: RESOURCE }))), /aud/);
  });

  it('S68 expired assertion: invalid_grant', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectInvalidGrant(await exchange(await idp.idJag(claims({ iat: now - 600, exp: now - 60 }))), /expired/);
  });

  it('S68 a long-lived assertion (exp beyond the 300 s bound): invalid_grant', async () => {
    await expectInvalidGrant(await exchange(await idp.idJag(claims(), { lifetimeSeconds: 3600 })), /longer than 300/);
  });

  it('S68 unknown IdP (an issuer not configured, even with a valid signature of its own): invalid_grant', async () => {
    await expectInvalidGrant(await exchange(await stranger.idJag(claims())), /does not trust/);
  });

  it('S68 a trusted iss signed with another key: invalid_grant', async () => {
    const otherKey = await clientSigningKey('ES256', 'forged');
    await expectInvalidGrant(await exchange(await idp.idJag(claims(), { key: otherKey })), /key|signature/);
  });

  it('S68 wrong client: client_id of another client than the authenticated one is invalid_grant', async () => {
    const assertion = await idp.idJag(claims({ client_id: 'agent' }));
    await expectInvalidGrant(await exchange(assertion, basicAuth('other-agent', 'other-secret')), /another client/);
  });

  it('S68 wrong resource: invalid_grant', async () => {
    await expectInvalidGrant(
      await exchange(await idp.idJag(claims({ resource: 'https://other.example/mcp' }))),
      /another resource/,
    );
    await expectInvalidGrant(await exchange(await idp.idJag(claims({ resource: undefined }))), /resource/);
  });

  it('S68 HMAC or none algorithms are refused: invalid_grant', async () => {
    const [header, payload] = (await idp.idJag(claims())).split('.');
    const forged = `${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(header!, 'base64url').toString()), alg: 'none' })).toString('base64url')}.${payload}.`;
    await expectInvalidGrant(await exchange(forged), /algorithm/);
  });

  it('S68 missing jti or sub: invalid_grant', async () => {
    await expectInvalidGrant(await exchange(await idp.idJag(claims({ jti: undefined }))), /jti/);
    await expectInvalidGrant(await exchange(await idp.idJag(claims({ sub: undefined as unknown as string }))), /sub/);
  });

  it('S68 a subject with no local user (mapSubject returns undefined): invalid_grant', async () => {
    await expectInvalidGrant(await exchange(await idp.idJag(claims({ sub: 'mallory' }))), /no user/);
  });

  it('S68 public client refused: unauthorized_client', async () => {
    const res = await t.http
      .post('/token')
      .type('form')
      .send({
        grant_type: JWT_BEARER_GRANT,
        client_id: 'public-agent',
        assertion: await idp.idJag(claims({ client_id: 'public-agent' })),
      });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('S68 a client not registered for jwt-bearer: unauthorized_client', async () => {
    const res = await exchange(await idp.idJag(claims({ client_id: 'bot' })), basicAuth('bot', 'bot-secret'));
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('S68 scope: a request within the assertion scope narrows; one beyond it is invalid_scope', async () => {
    const wide = await exchange(await idp.idJag(claims({ scope: 'notes' })), undefined, { scope: 'notes:write' });
    expect(wide.status).toBe(200);
    expect(wide.body.scope).toBe('notes:write');
    const beyond = await exchange(await idp.idJag(claims({ scope: 'notes:read' })), undefined, {
      scope: 'notes:write',
    });
    expect(beyond.body.error).toBe('invalid_scope');
  });

  it('S68 no assertion parameter: invalid_request', async () => {
    const res = await t.http
      .post('/token')
      .type('form')
      .set('authorization', basicAuth('agent', 'agent-secret'))
      .send({ grant_type: JWT_BEARER_GRANT });
    expect(res.body.error).toBe('invalid_request');
  });

  it('S68 S28 metadata advertises the jwt-bearer grant; registration accepts it for confidential clients only', async () => {
    const metadata = await t.http.get('/.well-known/oauth-authorization-server');
    expect(metadata.body.grant_types_supported).toContain(JWT_BEARER_GRANT);
    const confidential = await t.http.post('/register').send({
      grant_types: [JWT_BEARER_GRANT],
      token_endpoint_auth_method: 'client_secret_basic',
      client_name: 'Enterprise agent',
    });
    expect(confidential.status).toBe(201);
    expect(confidential.body.grant_types).toEqual([JWT_BEARER_GRANT]);
    const res = await exchange(
      await idp.idJag(claims({ client_id: confidential.body.client_id })),
      basicAuth(confidential.body.client_id, confidential.body.client_secret),
    );
    expect(res.status).toBe(200);
    const publicClient = await t.http
      .post('/register')
      .send({ grant_types: [JWT_BEARER_GRANT], token_endpoint_auth_method: 'none' });
    expect(publicClient.body.error).toBe('invalid_client_metadata');
  });
});

describe('enterprise-managed authorization options (S68)', () => {
  it('S68 allowedClients: a client the IdP may not serve is invalid_grant', async () => {
    const idp = await startEnterpriseIdp();
    const t = await createExtensionApp(
      {
        enterpriseManagedAuthorization: {
          identityProviders: [{ issuer: idp.issuer, jwksUrl: idp.jwksUrl, allowedClients: ['someone-else'] }],
        },
      },
      [machineClient({ clientId: 'agent', clientSecret: 'agent-secret', grantTypes: [JWT_BEARER_GRANT] })],
    );
    try {
      const assertion = await idp.idJag({ sub: 'alice', aud: ISSUER, client_id: 'agent', resource: RESOURCE });
      const res = await t.http
        .post('/token')
        .type('form')
        .set('authorization', basicAuth('agent', 'agent-secret'))
        .send({ grant_type: JWT_BEARER_GRANT, assertion });
      expect(res.body.error).toBe('invalid_grant');
      expect(res.body.error_description).toMatch(/may not serve/);
    } finally {
      await t.close();
      await idp.close();
    }
  });

  it('S68 startup refuses a non-loopback http JWKS URL and an HMAC algorithm', async () => {
    await expect(
      createExtensionApp({
        enterpriseManagedAuthorization: {
          identityProviders: [{ issuer: 'https://idp.example', jwksUrl: 'http://idp.example/jwks' }],
        },
      }),
    ).rejects.toThrow(/jwksUrl must be an https URL/);
    await expect(
      createExtensionApp({
        enterpriseManagedAuthorization: {
          identityProviders: [{ issuer: 'https://idp.example', jwksUrl: 'https://idp.example/jwks' }],
          signingAlgorithms: ['HS256'],
        },
      }),
    ).rejects.toThrow(/asymmetric/);
  });
});

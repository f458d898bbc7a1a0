import request from 'supertest';
import { expect, it } from 'vitest';
import { pkcePair } from '../../e2e/sample/sample-client.js';
import { bootBlockAppModule, type DocBlockDriver } from '../../support/doc-block-runtime.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';

const ISSUER = 'https://auth.example.com';
const REDIRECT = 'http://127.0.0.1:38132/callback';

/** docs/authorization-server.md: the opening example (own login hook, pages, registration policy, signing key). */
const authorizationServer: DocBlockDriver = (block) => {
  const { app } = bootBlockAppModule(block, { SIGNING_KEY_PEM: ecKeyPem().privateKey });

  const register = (softwareId: string) =>
    request(app().getHttpServer())
      .post('/register')
      .send({
        client_name: 'Acme Desktop',
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'none',
        software_id: softwareId,
        scope: 'notes:read notes:write',
      });

  it('S28 S45 serves the metadata of the issuer and publishes the configured signing key', async () => {
    const metadata = await request(app().getHttpServer()).get('/.well-known/oauth-authorization-server').expect(200);
    expect(metadata.body).toMatchObject({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      token_endpoint: `${ISSUER}/token`,
      registration_endpoint: `${ISSUER}/register`,
      jwks_uri: `${ISSUER}/jwks`,
      scopes_supported: ['notes:read', 'notes:write'],
    });
    const jwks = JSON.parse((await request(app().getHttpServer()).get('/jwks').expect(200)).text) as {
      keys: Array<{ kid: string }>;
    };
    expect(jwks.keys.map((key) => key.kid)).toEqual(['2026-01']);
  });

  it('S39 the registration policy refuses with its reason, and adjusts an Acme client to notes:read', async () => {
    const refused = await register('someone-else').expect(400);
    expect(refused.body).toEqual({
      error: 'invalid_client_metadata',
      error_description: 'Only Acme clients may register; use a Client ID Metadata Document',
    });
    const adjusted = await register('acme-desktop').expect(201);
    expect(adjusted.body.scope).toBe('notes:read');
  });

  it('the authenticate hook: no session sends the browser to /login?next=<consent URL>; a session sees the consent page naming the server, the scopes and the user', async () => {
    const { client_id: clientId } = (await register('acme-desktop').expect(201)).body as { client_id: string };
    const { challenge } = pkcePair();
    const authorize = await request(app().getHttpServer())
      .get('/authorize')
      .query({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: REDIRECT,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: 'state-1',
        scope: 'notes:read',
        resource: 'https://mcp.example.com/mcp',
      })
      .expect(302);
    const consentUrl = new URL(authorize.headers.location!);
    expect(`${consentUrl.origin}${consentUrl.pathname}`).toBe(`${ISSUER}/consent`);
    const consentPath = `${consentUrl.pathname}${consentUrl.search}`;

    const anonymous = await request(app().getHttpServer()).get(consentPath).expect(303);
    expect(anonymous.headers.location).toBe(`/login?next=${encodeURIComponent(consentPath)}`);

    const signedIn = await request(app().getHttpServer())
      .get(consentPath)
      .set('Cookie', 'session=6f1c2e9a')
      .expect(200);
    expect(signedIn.text).toContain('Acme Notes');
    expect(signedIn.text).toContain('Read your notes');
    expect(signedIn.text).toContain('Alice');
  });
};

export default authorizationServer;

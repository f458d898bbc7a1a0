import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HtmlUserAgent } from '../support/html-user-agent.js';
import { authorizeAsUser } from './support/authorize-as-user.js';
import { startInteropServer, type RunningServer } from './support/interop-server.js';

/**
 * `oauth4webapi` 3.8.8 (panva), a strict OAuth 2 / RFC 9207 / RFC 9068 client:
 * every response is checked by the library's own processors. HTTP on
 * loopback needs its `allowInsecureRequests` option (a symbol in v3).
 */
const insecure = { [oauth.allowInsecureRequests]: true } as const;
const REDIRECT = 'http://127.0.0.1:38112/callback';

/** The public JWK a `private_key_jwt` client registers in `jwks` (RFC 7591 §2). */
async function publicJwkOf(publicKey: oauth.CryptoKey, kid: string): Promise<oauth.JsonObject> {
  const { kty, n, e, crv, x, y } = await crypto.subtle.exportKey('jwk', publicKey);
  const members = { kty, n, e, crv, x, y, kid, use: 'sig' };
  return Object.fromEntries(Object.entries(members).filter(([, value]) => value !== undefined)) as oauth.JsonObject;
}

describe('oauth4webapi strict client (interop)', () => {
  let server: RunningServer;
  let as: oauth.AuthorizationServer;

  beforeAll(async () => {
    server = await startInteropServer();
    const issuer = new URL(server.baseUrl);
    as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  async function register(metadata: Partial<oauth.OmitSymbolProperties<oauth.Client>>) {
    const response = await oauth.dynamicClientRegistrationRequest(
      as,
      { redirect_uris: [REDIRECT], client_name: 'oauth4webapi interop', ...metadata },
      insecure,
    );
    return oauth.processDynamicClientRegistrationResponse(response);
  }

  /** PKCE authorization through the HTML pages; the callback is validated by `validateAuthResponse` (state + iss). */
  async function authorize(client: oauth.Client, scope: string) {
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      scope,
      state,
      resource: server.mcpUrl,
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    }).toString();
    const { callbackUrl } = await authorizeAsUser(new HtmlUserAgent(), url, REDIRECT);
    const params = oauth.validateAuthResponse(as, client, callbackUrl, state);
    return { params, codeVerifier, callbackUrl };
  }

  it('S28 discovery: processDiscoveryResponse accepts the metadata (issuer identical to the URL)', () => {
    expect(as.issuer).toBe(server.baseUrl);
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    expect(as.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['none', 'client_secret_basic', 'client_secret_post']),
    );
    expect(as.registration_endpoint).toBe(`${server.baseUrl}/register`);
    expect(as.revocation_endpoint).toBe(`${server.baseUrl}/revoke`);
    expect(as.introspection_endpoint).toBe(`${server.baseUrl}/introspect`);
  });

  it('S29 S39 public client: registration, PKCE authorization with iss validation, code exchange, refresh, JWT access token validation', async () => {
    const client = await register({ token_endpoint_auth_method: 'none' });
    expect(client.client_secret).toBeUndefined();
    const { params, codeVerifier, callbackUrl } = await authorize(client, 'notes:read');
    expect(callbackUrl.searchParams.get('iss')).toBe(server.baseUrl);

    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT, codeVerifier, {
        additionalParameters: { resource: server.mcpUrl },
        ...insecure,
      }),
    );
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('notes:read');
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const claims = await oauth.validateJwtAccessToken(
      as,
      new Request(server.mcpUrl, { headers: { authorization: `Bearer ${tokens.access_token}` } }),
      server.mcpUrl,
      insecure,
    );
    expect(claims).toMatchObject({
      iss: server.baseUrl,
      aud: server.mcpUrl,
      sub: 'alice',
      client_id: client.client_id,
    });

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
  });

  it('S29 validateAuthResponse turns a denied consent into an error carrying state and iss', async () => {
    const client = await register({ token_endpoint_auth_method: 'none' });
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      scope: 'notes:read',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
    }).toString();
    const { callbackUrl } = await authorizeAsUser(new HtmlUserAgent(), url, REDIRECT, { decision: 'deny' });
    let error: unknown;
    try {
      oauth.validateAuthResponse(as, client, callbackUrl, state);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(oauth.AuthorizationResponseError);
    expect((error as oauth.AuthorizationResponseError).error).toBe('access_denied');
  });

  for (const method of ['client_secret_basic', 'client_secret_post'] as const) {
    it(`S37 S43 confidential client (${method}): code exchange, introspection, revocation, introspection after revocation`, async () => {
      const client = await register({ token_endpoint_auth_method: method });
      expect(client.client_secret).toEqual(expect.any(String));
      const auth =
        method === 'client_secret_basic'
          ? oauth.ClientSecretBasic(client.client_secret as string)
          : oauth.ClientSecretPost(client.client_secret as string);
      const { params, codeVerifier } = await authorize(client, 'notes:read notes:write');
      const tokens = await oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT, codeVerifier, {
          additionalParameters: { resource: server.mcpUrl },
          ...insecure,
        }),
      );
      expect(tokens.scope).toBe('notes:read notes:write');

      const active = await oauth.processIntrospectionResponse(
        as,
        client,
        await oauth.introspectionRequest(as, client, auth, tokens.access_token, insecure),
      );
      expect(active).toMatchObject({
        active: true,
        client_id: client.client_id,
        sub: 'alice',
        scope: 'notes:read notes:write',
        aud: server.mcpUrl,
        iss: server.baseUrl,
      });

      await oauth.processRevocationResponse(
        await oauth.revocationRequest(as, client, auth, tokens.refresh_token!, {
          additionalParameters: { token_type_hint: 'refresh_token' },
          ...insecure,
        }),
      );
      const afterRevocation = await oauth.processIntrospectionResponse(
        as,
        client,
        await oauth.introspectionRequest(as, client, auth, tokens.access_token, insecure),
      );
      expect(afterRevocation).toEqual({ active: false });
      await expect(
        oauth.processRefreshTokenResponse(
          as,
          client,
          await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, insecure),
        ),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
    });
  }

  for (const alg of ['RS256', 'ES256'] as const) {
    it(`S65 private_key_jwt (${alg}) with oauth4webapi PrivateKeyJwt: registration with inline jwks, code exchange, refresh, introspection, revocation`, async () => {
      const { privateKey, publicKey } = await oauth.generateKeyPair(alg, { extractable: true });
      const publicJwk = await publicJwkOf(publicKey, `o4w-${alg}`);
      expect(as.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
      expect(as.token_endpoint_auth_signing_alg_values_supported).toContain(alg);
      const client = await register({
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: alg,
        jwks: { keys: [publicJwk] },
      });
      expect(client.client_secret).toBeUndefined();
      const auth = oauth.PrivateKeyJwt({ key: privateKey, kid: `o4w-${alg}` });
      const { params, codeVerifier } = await authorize(client, 'notes:read');
      const tokens = await oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT, codeVerifier, {
          additionalParameters: { resource: server.mcpUrl },
          ...insecure,
        }),
      );
      expect(tokens.scope).toBe('notes:read');
      const refreshed = await oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, insecure),
      );
      const active = await oauth.processIntrospectionResponse(
        as,
        client,
        await oauth.introspectionRequest(as, client, auth, refreshed.access_token, insecure),
      );
      expect(active).toMatchObject({ active: true, client_id: client.client_id });
      await oauth.processRevocationResponse(
        await oauth.revocationRequest(as, client, auth, refreshed.refresh_token!, insecure),
      );
      await expect(
        oauth.processRefreshTokenResponse(
          as,
          client,
          await oauth.refreshTokenGrantRequest(as, client, auth, refreshed.refresh_token!, insecure),
        ),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
    });
  }

  it('S65 oauth4webapi ClientSecretJwt (HS256) or None for a private_key_jwt client: 401 invalid_client', async () => {
    const { publicKey } = await oauth.generateKeyPair('ES256', { extractable: true });
    const publicJwk = await publicJwkOf(publicKey, 'o4w-hs');
    const client = await register({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk] } });
    for (const auth of [oauth.ClientSecretJwt(JSON.stringify(publicJwk)), oauth.None()]) {
      const { params, codeVerifier } = await authorize(client, 'notes:read');
      await expect(
        oauth.processAuthorizationCodeResponse(
          as,
          client,
          await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT, codeVerifier, {
            additionalParameters: { resource: server.mcpUrl },
            ...insecure,
          }),
        ),
      ).rejects.toMatchObject({ error: 'invalid_client', status: 401 });
    }
  });

  it('S37 a wrong client secret: 401 invalid_client with a Basic challenge, surfaced by oauth4webapi as a WWWAuthenticateChallengeError', async () => {
    const client = await register({ token_endpoint_auth_method: 'client_secret_basic' });
    const { params, codeVerifier } = await authorize(client, 'notes:read');
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic('not-the-secret'),
      params,
      REDIRECT,
      codeVerifier,
      insecure,
    );
    expect(response.status).toBe(401);
    expect(await response.clone().json()).toMatchObject({ error: 'invalid_client' });
    const error = await oauth.processAuthorizationCodeResponse(as, client, response).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    const challenge = (error as oauth.WWWAuthenticateChallengeError).cause[0];
    expect(challenge.scheme).toBe('basic');
  });
});

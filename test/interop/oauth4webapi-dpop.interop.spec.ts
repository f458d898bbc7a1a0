import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HtmlUserAgent } from '../support/html-user-agent.js';
import { authorizeAsUser } from './support/authorize-as-user.js';
import { startInteropServer, type RunningServer } from './support/interop-server.js';

/**
 * DPoP (RFC 9449, S69) with `oauth4webapi` 3.8.8 (panva) as the client: its
 * `DPoP(client, keyPair)` handle signs the proofs of the token requests and of
 * the protected-resource request, computes `ath`, and checks `token_type`.
 */
const insecure = { [oauth.allowInsecureRequests]: true } as const;
const REDIRECT = 'http://127.0.0.1:38113/callback';

describe('oauth4webapi DPoP client (interop)', () => {
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

  async function authorize(client: oauth.Client) {
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      scope: 'notes:read',
      state,
      resource: server.mcpUrl,
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    }).toString();
    const { callbackUrl } = await authorizeAsUser(new HtmlUserAgent(), url, REDIRECT);
    return { params: oauth.validateAuthResponse(as, client, callbackUrl, state), codeVerifier };
  }

  /** A JSON-RPC POST to the MCP endpoint through oauth4webapi's protected-resource request (DPoP scheme + proof). */
  function mcpRequest(accessToken: string, body: unknown, options: oauth.ProtectedResourceRequestOptions) {
    const headers = new Headers({ 'content-type': 'application/json', accept: 'application/json, text/event-stream' });
    return oauth.protectedResourceRequest(accessToken, 'POST', new URL(server.mcpUrl), headers, JSON.stringify(body), {
      ...options,
      ...insecure,
    });
  }

  it('S69 authorization code + refresh with DPoP (public client), then a tool call with a DPoP proof; the bound token fails as Bearer and under another key', async () => {
    expect(as.dpop_signing_alg_values_supported).toContain('ES256');
    const registration = await oauth.dynamicClientRegistrationRequest(
      as,
      { redirect_uris: [REDIRECT], client_name: 'oauth4webapi DPoP', token_endpoint_auth_method: 'none' },
      insecure,
    );
    const client: oauth.Client = await oauth.processDynamicClientRegistrationResponse(registration);
    const keyPair = await oauth.generateKeyPair('ES256');
    const DPoP = oauth.DPoP(client, keyPair);

    const { params, codeVerifier } = await authorize(client);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT, codeVerifier, {
        additionalParameters: { resource: server.mcpUrl },
        DPoP,
        ...insecure,
      }),
    );
    expect(tokens.token_type).toBe('dpop');
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, { DPoP, ...insecure }),
    );
    expect(refreshed.token_type).toBe('dpop');

    const otherDPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const stolenRefresh = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshed.refresh_token!, {
      DPoP: otherDPoP,
      ...insecure,
    });
    await expect(oauth.processRefreshTokenResponse(as, client, stolenRefresh)).rejects.toMatchObject({
      error: 'invalid_grant',
    });

    const init = await mcpRequest(
      refreshed.access_token,
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'o4w', version: '1' } },
      },
      { DPoP },
    );
    expect(init.status).toBe(200);
    const call = await mcpRequest(
      refreshed.access_token,
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_notes', arguments: {} } },
      { DPoP },
    );
    expect(call.status).toBe(200);
    const result = (await call.json()) as { result: { structuredContent: { subject: string } } };
    expect(result.result.structuredContent.subject).toBe('alice');

    const asBearer = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${refreshed.access_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'list_notes' } }),
    });
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_token"/);
    const underOtherKey = mcpRequest(
      refreshed.access_token,
      { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'list_notes', arguments: {} } },
      { DPoP: otherDPoP },
    );
    const challenge = await underOtherKey.then(
      () => undefined,
      (error: unknown) => error as oauth.WWWAuthenticateChallengeError,
    );
    expect(challenge).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    expect(challenge!.status).toBe(401);
    expect(challenge!.cause[0]).toMatchObject({ scheme: 'dpop', parameters: { error: 'invalid_token' } });
  });
});

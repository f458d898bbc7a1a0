import {
  Client,
  ClientCredentialsProvider,
  CrossAppAccessProvider,
  PrivateKeyJwtProvider,
  StreamableHTTPClientTransport,
  exchangeJwtAuthGrant,
  requestJwtAuthorizationGrant,
  type OAuthClientProvider,
} from '@modelcontextprotocol/client';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientSigningKey, type ClientSigningKey } from '../support/client-assertion.js';
import { startEnterpriseIdp, type EnterpriseIdp } from '../support/enterprise-idp.js';
import { startSampleServer, type RunningServer } from './support/interop-server.js';
import { TrafficLog } from './support/traffic-log.js';

/**
 * Real clients against the sample for the MCP authorization extensions:
 * `oauth4webapi` 3.8.8 (client credentials with `client_secret_basic` and
 * `private_key_jwt`) and the MCP TypeScript SDK v2 client
 * (`@modelcontextprotocol/client` 2.4.0: `ClientCredentialsProvider`,
 * `PrivateKeyJwtProvider`, `CrossAppAccessProvider` + `requestJwtAuthorizationGrant`
 * / `exchangeJwtAuthGrant`). The ID-JAGs come from a local identity provider that
 * signs them with jose and runs the RFC 8693 token exchange on loopback http.
 */
const insecure = { [oauth.allowInsecureRequests]: true } as const;
const CLIENT_INFO = { name: 'interop-extensions', version: '1.0.0' };

async function callTool(client: Client, name: string) {
  const result = await client.callTool({ name, arguments: {} });
  expect(result.isError ?? false).toBe(false);
  return result.structuredContent as Record<string, unknown>;
}

async function connect(server: RunningServer, authProvider: OAuthClientProvider, log = new TrafficLog()) {
  const transport = new StreamableHTTPClientTransport(new URL(server.mcpUrl), { authProvider, fetch: log.fetch });
  const client = new Client(CLIENT_INFO);
  await client.connect(transport);
  return { client, log };
}

async function connectWithToken(server: RunningServer, accessToken: string) {
  const transport = new StreamableHTTPClientTransport(new URL(server.mcpUrl), {
    requestInit: { headers: { authorization: `Bearer ${accessToken}` } },
  });
  const client = new Client(CLIENT_INFO);
  await client.connect(transport);
  return client;
}

describe('client credentials and enterprise-managed authorization with real clients (interop)', () => {
  let server: RunningServer;
  let idp: EnterpriseIdp;
  let botKey: ClientSigningKey;
  let as: oauth.AuthorizationServer;

  beforeAll(async () => {
    idp = await startEnterpriseIdp();
    botKey = await clientSigningKey('ES256', 'notes-bot-jwt-1');
    server = await startSampleServer({
      machineClientJwks: { keys: [botKey.publicJwk as Record<string, unknown>] },
      enterpriseIdp: { issuer: idp.issuer, jwksUrl: idp.jwksUrl },
    });
    const issuer = new URL(server.baseUrl);
    as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
    );
  });
  afterAll(async () => {
    await server?.close();
    await idp?.close();
  });

  it('S67 oauth4webapi client_credentials with client_secret_basic (notes-bot): token without refresh token, then list_notes and whoami', async () => {
    expect(as.grant_types_supported).toEqual(expect.arrayContaining(['client_credentials']));
    const client: oauth.Client = { client_id: 'notes-bot' };
    const tokens = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(
        as,
        client,
        oauth.ClientSecretBasic('notes-bot-secret'),
        { scope: 'notes:read', resource: server.mcpUrl },
        insecure,
      ),
    );
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('notes:read');
    expect(tokens.refresh_token).toBeUndefined();
    const claims = await oauth.validateJwtAccessToken(
      as,
      new Request(server.mcpUrl, { headers: { authorization: `Bearer ${tokens.access_token}` } }),
      server.mcpUrl,
      insecure,
    );
    expect(claims).toMatchObject({
      sub: 'notes-bot',
      client_id: 'notes-bot',
      aud: server.mcpUrl,
      subject_type: 'machine',
    });
    const mcp = await connectWithToken(server, tokens.access_token);
    expect(await callTool(mcp, 'list_notes')).toEqual({ notes: [] });
    expect(await callTool(mcp, 'whoami')).toMatchObject({
      subject: 'notes-bot',
      subjectType: 'machine',
      clientId: 'notes-bot',
    });
    await mcp.close();
  });

  it('S67 oauth4webapi client_credentials with private_key_jwt (notes-bot-jwt)', async () => {
    const client: oauth.Client = { client_id: 'notes-bot-jwt' };
    const tokens = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(
        as,
        client,
        oauth.PrivateKeyJwt({ key: botKey.privateKey, kid: botKey.kid }),
        { scope: 'notes:read' },
        insecure,
      ),
    );
    expect(tokens.refresh_token).toBeUndefined();
    const mcp = await connectWithToken(server, tokens.access_token);
    expect(await callTool(mcp, 'whoami')).toMatchObject({ subject: 'notes-bot-jwt', subjectType: 'machine' });
    expect(await callTool(mcp, 'list_notes')).toEqual({ notes: [] });
    await mcp.close();
  });

  it('S67 oauth4webapi: a scope outside the allowed set surfaces as invalid_scope', async () => {
    const client: oauth.Client = { client_id: 'notes-bot' };
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic('notes-bot-secret'),
      { scope: 'notes:write' },
      insecure,
    );
    await expect(oauth.processClientCredentialsResponse(as, client, response)).rejects.toMatchObject({
      error: 'invalid_scope',
    });
  });

  it('S67 MCP SDK v2 ClientCredentialsProvider: 401 → discovery → client_credentials → list_notes and whoami', async () => {
    const provider = new ClientCredentialsProvider({
      clientId: 'notes-bot',
      clientSecret: 'notes-bot-secret',
      scope: 'notes:read',
      expectedIssuer: server.baseUrl,
    });
    const { client, log } = await connect(server, provider);
    expect(log.posts()).toContain('POST /token 200');
    expect(log.posts()).not.toContain('POST /register 201');
    expect(await callTool(client, 'list_notes')).toEqual({ notes: [] });
    expect(await callTool(client, 'whoami')).toMatchObject({ subject: 'notes-bot', subjectType: 'machine' });
    expect(provider.tokens()?.refresh_token).toBeUndefined();
    await client.close();
  });

  it('S67 MCP SDK v2 PrivateKeyJwtProvider: client_credentials with private_key_jwt', async () => {
    const provider = new PrivateKeyJwtProvider({
      clientId: 'notes-bot-jwt',
      privateKey: botKey.privateKeyPem,
      algorithm: 'ES256',
      scope: 'notes:read',
      expectedIssuer: server.baseUrl,
    });
    const { client } = await connect(server, provider);
    expect(await callTool(client, 'whoami')).toMatchObject({ subject: 'notes-bot-jwt', subjectType: 'machine' });
    await client.close();
  });

  it('S68 MCP SDK v2 CrossAppAccessProvider: ID token → ID-JAG at the IdP (RFC 8693) → jwt-bearer at the sample → tools as alice', async () => {
    const contexts: Array<{ authorizationServerUrl: string; resourceUrl: string }> = [];
    const provider = new CrossAppAccessProvider({
      clientId: 'notes-agent',
      clientSecret: 'notes-agent-secret',
      expectedIssuer: server.baseUrl,
      assertion: async (ctx) => {
        contexts.push({ authorizationServerUrl: ctx.authorizationServerUrl, resourceUrl: ctx.resourceUrl });
        const grant = await requestJwtAuthorizationGrant({
          tokenEndpoint: idp.tokenEndpoint,
          audience: ctx.authorizationServerUrl,
          resource: ctx.resourceUrl,
          idToken: await idp.idToken('alice', 'idp-notes-agent'),
          clientId: 'idp-notes-agent',
          scope: ctx.scope,
          fetchFn: ctx.fetchFn,
        });
        return grant.jwtAuthGrant;
      },
    });
    const { client, log } = await connect(server, provider);
    expect(contexts).toHaveLength(1);
    expect(log.posts()).toContain('POST /token 200');
    expect(await callTool(client, 'whoami')).toMatchObject({
      subject: 'alice',
      subjectType: 'user',
      clientId: 'notes-agent',
    });
    expect(await callTool(client, 'list_notes')).toEqual({ notes: [] });
    expect(provider.tokens()?.refresh_token).toBeUndefined();
    await client.close();
  });

  it('S68 MCP SDK v2 exchangeJwtAuthGrant: a replayed ID-JAG is refused with invalid_grant', async () => {
    const grant = await requestJwtAuthorizationGrant({
      tokenEndpoint: idp.tokenEndpoint,
      audience: server.baseUrl,
      resource: server.mcpUrl,
      idToken: await idp.idToken('bob', 'idp-notes-agent'),
      clientId: 'idp-notes-agent',
      scope: 'notes:read',
    });
    const tokenEndpoint = as.token_endpoint!;
    const first = await exchangeJwtAuthGrant({
      tokenEndpoint,
      jwtAuthGrant: grant.jwtAuthGrant,
      clientId: 'notes-agent',
      clientSecret: 'notes-agent-secret',
    });
    expect(first.token_type.toLowerCase()).toBe('bearer');
    const mcp = await connectWithToken(server, first.access_token);
    expect(await callTool(mcp, 'whoami')).toMatchObject({ subject: 'bob', subjectType: 'user' });
    await mcp.close();
    await expect(
      exchangeJwtAuthGrant({
        tokenEndpoint,
        jwtAuthGrant: grant.jwtAuthGrant,
        clientId: 'notes-agent',
        clientSecret: 'notes-agent-secret',
      }),
    ).rejects.toThrow(/invalid_grant|already used/);
  });
});

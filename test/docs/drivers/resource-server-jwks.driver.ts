import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mcpPost, parseBearerChallenge } from '../../e2e/sample/sample-client.js';
import { type DocBlockDriver, setEnv } from '../../support/doc-block-runtime.js';
import {
  type ExternalAuthorizationServer,
  type ExternalClient,
  startExternalAuthorizationServer,
} from '../../support/oidc-authorization-server.js';
import { createTestApplicationFromModule } from '../../support/test-app.js';

const MCP_URL = 'https://mcp.example.com/mcp';
const AGENT: ExternalClient = {
  clientId: 'notes-agent',
  clientSecret: 'agent-secret',
  scope: 'notes:read notes:write',
};

/**
 * docs/resource-server.md: the resource-server-only block against a real
 * external authorization server (oidc-provider issuing RFC 9068 JWTs), as a
 * Keycloak, Auth0 or Entra deployment would be.
 */
const resourceServerJwks: DocBlockDriver = (block) => {
  let external: ExternalAuthorizationServer;
  let app: INestApplication;
  let mcpEndpoint: string;
  let restoreEnv: () => void;

  beforeAll(async () => {
    external = await startExternalAuthorizationServer([AGENT]);
    restoreEnv = setEnv({ AUTH_ISSUER: external.issuer, AUTH_JWKS_URI: external.jwksUri, MCP_URL });
    const { exports } = await block.run();
    app = await createTestApplicationFromModule(exports.AppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    mcpEndpoint = `${await app.getUrl()}/mcp`.replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await external?.close();
    restoreEnv?.();
  });

  it('S1 S27 no token: 401 pointing to metadata that names the external authorization server', async () => {
    const reply = await mcpPost(mcpEndpoint, undefined, 'tools/list');
    expect(reply.status).toBe(401);
    const challenge = parseBearerChallenge(reply.headers.get('www-authenticate'));
    expect(challenge.resource_metadata).toBe('https://mcp.example.com/.well-known/oauth-protected-resource/mcp');
    const metadata = await fetch(mcpEndpoint.replace('/mcp', '/.well-known/oauth-protected-resource/mcp'));
    expect(await metadata.json()).toMatchObject({
      resource: MCP_URL,
      authorization_servers: [external.issuer],
      scopes_supported: ['notes:read', 'notes:write'],
    });
  });

  it('S4 a token of the external server for the MCP URL calls whoami, which sees its subject, client and scopes', async () => {
    const token = await external.accessToken(AGENT, { scope: 'notes:read', resource: MCP_URL });
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({
      iss: external.issuer,
      aud: MCP_URL,
      client_id: AGENT.clientId,
      sub: expect.any(String),
    });
    const reply = await mcpPost(mcpEndpoint, token, 'tools/call', { name: 'whoami', arguments: {} });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body.result.content[0].text)).toEqual({
      subject: claims.sub,
      clientId: AGENT.clientId,
      scopes: ['notes:read'],
    });
  });

  it('S7 a token without notes:read: 403 insufficient_scope', async () => {
    const token = await external.accessToken(AGENT, { scope: 'notes:write', resource: MCP_URL });
    const reply = await mcpPost(mcpEndpoint, token, 'tools/call', { name: 'whoami', arguments: {} });
    expect(reply.status).toBe(403);
    expect(parseBearerChallenge(reply.headers.get('www-authenticate'))).toMatchObject({
      error: 'insufficient_scope',
      scope: 'notes:read',
    });
  });

  it('S4 a token of the same server for another resource: 401 invalid_token', async () => {
    const token = await external.accessToken(AGENT, { scope: 'notes:read', resource: 'https://other.example.com/mcp' });
    const reply = await mcpPost(mcpEndpoint, token, 'tools/call', { name: 'whoami', arguments: {} });
    expect(reply.status).toBe(401);
    expect(parseBearerChallenge(reply.headers.get('www-authenticate')).error).toBe('invalid_token');
  });
};

export default resourceServerJwks;

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { expect, it } from 'vitest';
import { InteractiveOAuthProviderV1 } from '../../interop/support/sdk-v1-oauth-provider.js';
import { TrafficLog } from '../../interop/support/traffic-log.js';
import { type DocBlockDriver, serveBlockOnLoopback } from '../../support/doc-block-runtime.js';

const REDIRECT = 'http://127.0.0.1:38131/callback';
const CLIENT_INFO = { name: 'docs-quick-start', version: '1.0.0' };

/**
 * README "Quick start": the block itself starts the app (PORT, BASE_URL); the
 * official MCP SDK v1 client with OAuth does what the README says a client does.
 */
const quickStart: DocBlockDriver = (block) => {
  const served = serveBlockOnLoopback(block);

  it('starts one application, listening at BASE_URL', () => {
    expect(served.running().apps).toHaveLength(1);
  });

  it('S1 S7 SDK v1: 401 → discovery → registration → sign-in and consent → token → tools/call add_note: 403, step-up, then the AuthContext subject', async () => {
    const provider = new InteractiveOAuthProviderV1({ redirectUrl: REDIRECT });
    const log = new TrafficLog();
    const url = new URL(`${served.baseUrl()}/mcp`);
    const first = new StreamableHTTPClientTransport(url, { authProvider: provider, fetch: log.fetch });
    await expect(new Client(CLIENT_INFO).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(log.lines().slice(0, 4)).toEqual([
      'POST /mcp 401',
      'GET /.well-known/oauth-protected-resource/mcp 200',
      'GET /.well-known/oauth-authorization-server 200',
      'POST /register 201',
    ]);
    expect(log.exchanges[0]!.wwwAuthenticate).toContain(
      `resource_metadata="${served.baseUrl()}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(provider.outcomes[0]!.sawLogin).toBe(true);
    await first.finishAuth(provider.takeCode(served.baseUrl()));
    expect(provider.tokens()?.scope).toBe('notes:read');

    const transport = new StreamableHTTPClientTransport(url, { authProvider: provider, fetch: log.fetch });
    const client = new Client(CLIENT_INFO);
    await client.connect(transport);
    log.clear();
    await expect(client.callTool({ name: 'add_note', arguments: { text: 'hi' } })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    const forbidden = log.exchanges.find((exchange) => exchange.method === 'POST' && exchange.path === '/mcp')!;
    expect(forbidden.status).toBe(403);
    expect(forbidden.wwwAuthenticate).toContain('error="insufficient_scope"');
    expect(forbidden.wwwAuthenticate).toContain('scope="notes:read notes:write"');
    expect(provider.authorizationUrls.at(-1)!.searchParams.get('scope')).toBe('notes:read notes:write');

    await transport.finishAuth(provider.takeCode(served.baseUrl()));
    expect(provider.tokens()?.scope).toBe('notes:read notes:write');
    const result = await client.callTool({ name: 'add_note', arguments: { text: 'hi' } });
    const [content] = result.content as Array<{ type: string; text: string }>;
    expect(JSON.parse(content!.text)).toEqual({ owner: 'alice', text: 'hi' });
    await client.close();
  });
};

export default quickStart;

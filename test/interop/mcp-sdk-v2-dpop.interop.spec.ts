import { Client, DpopSession, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwtPayload } from '../support/dpop-proofs.js';
import { startSampleServer, type RunningServer } from './support/interop-server.js';
import { InteractiveOAuthProviderV2 } from './support/sdk-v2-oauth-provider.js';

/**
 * DPoP (RFC 9449, SEP-1932, S69) with the MCP TypeScript SDK v2 client
 * (`@modelcontextprotocol/client` 2.4.0), which has it built in: an
 * `OAuthClientProvider` with `dpop()` makes `auth()` sign token-request proofs
 * and the transport present `token_type: DPoP` tokens with the DPoP scheme
 * and a fresh proof per request.
 */
const CLIENT_INFO = { name: 'interop-sdk-v2-dpop', version: '2.0.0' };
const REDIRECT = 'http://127.0.0.1:38114/callback';

class DpopOAuthProvider extends InteractiveOAuthProviderV2 {
  constructor(private readonly session: DpopSession) {
    super({ redirectUrl: REDIRECT });
  }

  dpop(): DpopSession {
    return this.session;
  }
}

/** Records, per request, the path, status, authorization scheme and whether a DPoP proof was sent. */
function recordingFetch(seen: string[]) {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const response = await fetch(request);
    const scheme = request.headers.get('authorization')?.split(' ')[0] ?? '-';
    const proof = request.headers.has('dpop') ? 'proof' : 'no-proof';
    seen.push(`${request.method} ${new URL(request.url).pathname} ${response.status} ${scheme} ${proof}`);
    return response;
  };
}

describe('MCP TypeScript SDK v2 client with DPoP (interop)', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startSampleServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('S69 the SDK v2 client gets DPoP-bound tokens (cnf.jkt = its key) and calls tools with the DPoP scheme and proofs', async () => {
    const session = await DpopSession.create();
    const provider = new DpopOAuthProvider(session);
    const seen: string[] = [];
    const url = new URL(server.mcpUrl);
    const first = new StreamableHTTPClientTransport(url, { authProvider: provider, fetch: recordingFetch(seen) });
    await expect(new Client(CLIENT_INFO).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
    await first.finishAuth(provider.takeCallbackParams());
    const tokens = provider.tokens()!;
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    expect(jwtPayload(tokens.access_token).cnf).toEqual({ jkt: session.thumbprint });

    const transport = new StreamableHTTPClientTransport(url, { authProvider: provider, fetch: recordingFetch(seen) });
    const client = new Client(CLIENT_INFO);
    await client.connect(transport);
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    expect(result.isError ?? false).toBe(false);
    expect(result.structuredContent).toMatchObject({ subject: 'alice' });
    await client.close();

    expect(seen).toContain('POST /token 200 - proof');
    const mcpCalls = seen.filter((line) => line.startsWith('POST /mcp 200'));
    expect(mcpCalls.length).toBeGreaterThanOrEqual(2);
    for (const line of mcpCalls) expect(line).toMatch(/ DPoP proof$/);

    const asBearer = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.access_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'whoami' } }),
    });
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_token"/);
  });
});

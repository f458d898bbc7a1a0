import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSampleServer, type RunningServer } from './support/interop-server.js';
import { InteractiveOAuthProviderV2 } from './support/sdk-v2-oauth-provider.js';

const REDIRECT = 'http://127.0.0.1:38114/callback';

/** One MCP POST as the client sent it and the status it got. */
interface SeenPost {
  mcpMethod: string | null;
  mcpName: string | null;
  bodyMethod: unknown;
  status: number;
  oauthError?: string;
}

/** A fetch that records the `Mcp-Method` / `Mcp-Name` headers of every POST to the MCP endpoint. */
function recordingFetch(mcpUrl: string, seen: SeenPost[]) {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const response = await fetch(input, init);
    if (request.method === 'POST' && request.url === mcpUrl) {
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { method?: unknown }) : undefined;
      const text = await response.clone().text();
      seen.push({
        mcpMethod: request.headers.get('mcp-method'),
        mcpName: request.headers.get('mcp-name'),
        bodyMethod: body?.method,
        status: response.status,
        oauthError: /^\{"error":"([a-z_]+)"/.exec(text)?.[1],
      });
    }
    return response;
  };
}

describe('S66 a real MCP SDK v2 client sending Mcp-Method / Mcp-Name through the guard (interop)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startSampleServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('S66 the v2 client’s 2026-07-28 probe carries Mcp-Method matching its body and passes the guard; the session then works', async () => {
    const seen: SeenPost[] = [];
    const url = new URL(server.mcpUrl);
    const provider = new InteractiveOAuthProviderV2({ redirectUrl: REDIRECT });
    const fetchImpl = recordingFetch(server.mcpUrl, seen);
    const first = new StreamableHTTPClientTransport(url, { authProvider: provider, fetch: fetchImpl });
    await expect(new Client({ name: 'headers', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    await first.finishAuth(provider.takeCallbackParams());
    const client = new Client({ name: 'headers', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider, fetch: fetchImpl }));
    const result = await client.callTool({ name: 'list_notes', arguments: {} });
    expect(result.structuredContent).toEqual({ notes: [] });
    await client.close();

    const withHeaders = seen.filter((post) => post.mcpMethod !== null && post.status !== 401);
    expect(withHeaders.length).toBeGreaterThan(0);
    for (const post of withHeaders) {
      expect(post.mcpMethod).toBe(post.bodyMethod);
      expect(post.oauthError).toBeUndefined();
    }
  });
});

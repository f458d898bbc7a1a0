import { expect, it } from 'vitest';
import { mcpPost, parseBearerChallenge } from '../../e2e/sample/sample-client.js';
import { type DocBlockDriver, serveBlockOnLoopback } from '../../support/doc-block-runtime.js';
import { tokenThroughPages } from '../../support/token-through-pages.js';

/** docs/scopes.md, MCP-Nest: the block starts the app with MCP-Nest's strategy behind BearerAuthGuard. */
const mcpNest: DocBlockDriver = (block) => {
  const served = serveBlockOnLoopback(block);

  const addNote = (token: string) =>
    mcpPost(`${served.baseUrl()}/mcp`, token, 'tools/call', { name: 'add_note', arguments: { text: 'hi' } });

  it('S7 add_note with notes:read only: 403 naming notes:write, from @RequireScopes next to @Tool', async () => {
    const { accessToken } = await tokenThroughPages(served.baseUrl(), 'notes:read');
    const reply = await addNote(accessToken);
    expect(reply.status).toBe(403);
    expect(parseBearerChallenge(reply.headers.get('www-authenticate'))).toMatchObject({
      error: 'insufficient_scope',
      scope: 'notes:read notes:write',
    });
  });

  it('with notes:write the tool runs and reads the caller with getAccessToken()', async () => {
    const { accessToken } = await tokenThroughPages(served.baseUrl(), 'notes:read notes:write');
    const reply = await addNote(accessToken);
    expect(reply.status).toBe(200);
    expect(reply.body.result.content).toEqual([{ type: 'text', text: 'alice added hi' }]);
  });
};

export default mcpNest;

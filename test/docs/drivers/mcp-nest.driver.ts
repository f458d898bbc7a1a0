import { afterAll, beforeAll, expect, it } from 'vitest';
import { mcpPost, parseBearerChallenge } from '../../e2e/sample/sample-client.js';
import { type DocBlockDriver, type RunningDocBlock, setEnv } from '../../support/doc-block-runtime.js';
import { freeLoopbackPort } from '../../support/redis-server.js';
import { tokenThroughPages } from '../../support/token-through-pages.js';

/** docs/scopes.md, MCP-Nest: the block starts the app with MCP-Nest's strategy behind BearerAuthGuard. */
const mcpNest: DocBlockDriver = (block) => {
  let running: RunningDocBlock;
  let baseUrl: string;
  let restoreEnv: () => void;

  beforeAll(async () => {
    const port = await freeLoopbackPort();
    baseUrl = `http://127.0.0.1:${port}`;
    restoreEnv = setEnv({ PORT: String(port), BASE_URL: baseUrl });
    running = await block.run();
  });
  afterAll(async () => {
    await running?.close();
    restoreEnv?.();
  });

  const addNote = (token: string) =>
    mcpPost(`${baseUrl}/mcp`, token, 'tools/call', { name: 'add_note', arguments: { text: 'hi' } });

  it('S7 add_note with notes:read only: 403 naming notes:write, from @RequireScopes next to @Tool', async () => {
    const { accessToken } = await tokenThroughPages(baseUrl, 'notes:read');
    const reply = await addNote(accessToken);
    expect(reply.status).toBe(403);
    expect(parseBearerChallenge(reply.headers.get('www-authenticate'))).toMatchObject({
      error: 'insufficient_scope',
      scope: 'notes:read notes:write',
    });
  });

  it('with notes:write the tool runs and reads the caller with getAccessToken()', async () => {
    const { accessToken } = await tokenThroughPages(baseUrl, 'notes:read notes:write');
    const reply = await addNote(accessToken);
    expect(reply.status).toBe(200);
    expect(reply.body.result.content).toEqual([{ type: 'text', text: 'alice added hi' }]);
  });
};

export default mcpNest;

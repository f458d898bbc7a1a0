import { expect, it } from 'vitest';
import { callTool, parseBearerChallenge } from '../../e2e/sample/sample-client.js';
import { bootBlockAppModule, type DocBlockDriver } from '../../support/doc-block-runtime.js';
import { tokenThroughPages } from '../../support/token-through-pages.js';

/** docs/scopes.md: SDK v2, a method-bound tool scope, a scope registered by name, and a scope hierarchy. */
const scopesSdkV2: DocBlockDriver = (block) => {
  const booted = bootBlockAppModule(block, {}, { listen: true });

  it('S7 a notes:read token lists notes; add_note and purge_notes are 403 naming what each needs, before they run', async () => {
    const { accessToken } = await tokenThroughPages(booted.baseUrl(), 'notes:read');
    const mcp = `${booted.baseUrl()}/mcp`;
    const listed = await callTool(mcp, accessToken, 'list_notes');
    expect(listed.status).toBe(200);
    expect(listed.data).toEqual({ owner: 'alice', notes: [] });

    const add = await callTool(mcp, accessToken, 'add_note', { text: 'hi' });
    expect(add.status).toBe(403);
    expect(parseBearerChallenge(add.headers.get('www-authenticate'))).toMatchObject({
      error: 'insufficient_scope',
      scope: 'notes:read notes:write',
    });
    const purge = await callTool(mcp, accessToken, 'purge_notes');
    expect(purge.status).toBe(403);
    expect(parseBearerChallenge(purge.headers.get('www-authenticate')).scope).toBe('notes:read notes:admin');
    expect((await callTool(mcp, accessToken, 'list_notes')).data).toEqual({ owner: 'alice', notes: [] });
  });

  it('S64 a token with only the broad scope notes calls all three tools', async () => {
    const { accessToken, scope } = await tokenThroughPages(booted.baseUrl(), 'notes');
    expect(scope).toBe('notes');
    const mcp = `${booted.baseUrl()}/mcp`;
    expect((await callTool(mcp, accessToken, 'add_note', { text: 'hi' })).data).toEqual({
      owner: 'alice',
      notes: ['hi'],
    });
    expect((await callTool(mcp, accessToken, 'purge_notes')).data).toEqual({ purged: true });
  });
};

export default scopesSdkV2;

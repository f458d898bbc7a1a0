import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccessToken } from '../../../lib/index.js';
import { createStandardApp, standardTokens, TableVerifier } from './fixtures.js';

/** A verifier that listens for insufficient_scope (S63), as the built-in provider's verifier does. */
class ListeningVerifier extends TableVerifier {
  readonly reported: { clientId: string; requiredScopes: string[] }[] = [];
  failWith?: Error;

  async onInsufficientScope(accessToken: AccessToken, requiredScopes: string[]): Promise<void> {
    this.reported.push({ clientId: accessToken.clientId, requiredScopes });
    if (this.failWith) throw this.failWith;
  }
}

const addNote = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'add_note', arguments: {} } };
const listNotes = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} };

describe('S63 the guard reports insufficient_scope through the optional verifier hook', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
  });

  async function start() {
    const verifier = new ListeningVerifier(standardTokens());
    const { app } = await createStandardApp(verifier);
    close = () => app.close();
    return { verifier, http: () => request(app.getHttpServer()) };
  }

  it('S63 a 403 insufficient_scope is reported with the token and the required scopes; successful and 401 requests are not', async () => {
    const { verifier, http } = await start();
    expect((await http().post('/mcp').set('Authorization', 'Bearer rw-token').send(addNote)).status).toBe(200);
    expect((await http().post('/mcp').set('Authorization', 'Bearer read-token').send(listNotes)).status).toBe(200);
    expect((await http().post('/mcp').set('Authorization', 'Bearer nope').send(addNote)).status).toBe(401);
    expect(verifier.reported).toEqual([]);
    const forbidden = await http().post('/mcp').set('Authorization', 'Bearer read-token').send(addNote);
    expect(forbidden.status).toBe(403);
    expect(verifier.reported).toEqual([{ clientId: 'c-read', requiredScopes: ['notes:read', 'notes:write'] }]);
  });

  it('S63 a hook that fails leaves the 403 insufficient_scope as it is', async () => {
    const { verifier, http } = await start();
    verifier.failWith = new Error('store down');
    const forbidden = await http().post('/mcp').set('Authorization', 'Bearer read-token').send(addNote);
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(verifier.reported).toHaveLength(1);
  });

  it('S63 a verifier without the hook (resource server only) answers the same 403', async () => {
    const { app } = await createStandardApp(new TableVerifier(standardTokens()));
    close = () => app.close();
    const forbidden = await request(app.getHttpServer())
      .post('/mcp')
      .set('Authorization', 'Bearer read-token')
      .send(addNote);
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });
});

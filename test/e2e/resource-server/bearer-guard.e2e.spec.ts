import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ToolScopeRegistry } from '../../../lib/index.js';
import { createStandardApp, McpController, NotesTools, PRM_PATH, PRM_URL, TableVerifier } from './fixtures.js';

const toolCall = (name: string, id = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: {} },
});
const oauthBody = (error: string) => ({ error, error_description: expect.any(String) });

describe('BearerAuthGuard (forRoot, resource-server mode)', () => {
  let app: INestApplication;
  let tools: NotesTools;
  let controller: McpController;
  let verifier: TableVerifier;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    ({ app, tools, controller, verifier } = await createStandardApp());
  });
  afterAll(() => app.close());
  beforeEach(() => {
    tools.calls.length = 0;
    controller.handled = 0;
  });

  describe('S1 no credentials', () => {
    it('S1 answers 401 with resource_metadata and scope, no error attribute, and the handler does not run', async () => {
      const res = await http().get('/mcp/admin');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe(`Bearer scope="notes:read admin", resource_metadata="${PRM_URL}"`);
      expect(res.body).toEqual(oauthBody('invalid_token'));
      expect(controller.handled).toBe(0);
    });

    it('S1 names the scopes of the called tool too', async () => {
      const res = await http().post('/mcp').send(toolCall('add_note'));
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe(
        `Bearer scope="notes:read notes:write", resource_metadata="${PRM_URL}"`,
      );
      expect(tools.calls).toEqual([]);
    });

    it('S27 the resource_metadata URL of the challenge resolves to the served metadata', async () => {
      const res = await http().get('/mcp/admin');
      const url = /resource_metadata="([^"]+)"/.exec(res.headers['www-authenticate'])![1]!;
      expect(new URL(url).pathname).toBe(PRM_PATH);
      const prm = await http().get(new URL(url).pathname);
      expect(prm.status).toBe(200);
      expect(prm.body.resource).toBe('https://mcp.example.com/mcp');
    });
  });

  describe('S2 malformed or invalid credentials', () => {
    it.each([
      ['missing scheme', 'read-token'],
      ['other scheme', 'Basic cmVhZC10b2tlbjo='],
      ['scheme without token', 'Bearer'],
      ['garbage token syntax', 'Bearer abc def'],
      ['token with forbidden characters', 'Bearer "read-token"'],
      ['unknown token', 'Bearer not-a-known-token'],
    ])('S2 %s: 401 invalid_token', async (_name, header) => {
      const res = await http().get('/mcp/echo').set('Authorization', header);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(
        /^Bearer error="invalid_token", error_description="[^"]+", scope="notes:read", resource_metadata="/,
      );
      expect(res.body).toEqual(oauthBody('invalid_token'));
      expect(controller.handled).toBe(0);
    });

    it.each(['bearer', 'BEARER', 'BeArEr'])('S2 the scheme word is case-insensitive (%s accepted)', async (scheme) => {
      const res = await http().get('/mcp/echo').set('Authorization', `${scheme} read-token`);
      expect(res.status).toBe(200);
      expect(res.body.clientId).toBe('c-read');
    });

    it('S46 the error body and header never echo the presented token', async () => {
      const res = await http().get('/mcp/echo').set('Authorization', 'Bearer secret-token-value');
      expect(res.status).toBe(401);
      expect(JSON.stringify(res.body) + res.headers['www-authenticate']).not.toContain('secret-token-value');
    });
  });

  describe('S3 expiry', () => {
    it('S3 an expired token is 401 invalid_token', async () => {
      const res = await http().get('/mcp/echo').set('Authorization', 'Bearer expired-token');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(res.body).toEqual({ error: 'invalid_token', error_description: 'The access token has expired' });
    });

    it('S3 a token expired within the clock skew is accepted', async () => {
      const res = await http().get('/mcp/echo').set('Authorization', 'Bearer skew-token');
      expect(res.status).toBe(200);
    });
  });

  describe('S4 audience', () => {
    it.each([
      ['another resource', 'other-aud-token'],
      ['no audience', 'no-aud-token'],
      ['an audience with a fragment', 'fragment-aud-token'],
    ])('S4 a token for %s is 401 invalid_token', async (_name, token) => {
      const res = await http().get('/mcp/echo').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(res.body).toEqual({
        error: 'invalid_token',
        error_description: 'The access token is not intended for this resource',
      });
    });

    it('S4 an audience differing only in scheme/host case and default port is accepted', async () => {
      const res = await http().get('/mcp/echo').set('Authorization', 'Bearer upper-host-token');
      expect(res.status).toBe(200);
      expect(res.body.clientId).toBe('c-upper');
    });

    it('S4 an array audience containing the resource is accepted', async () => {
      const res = await http().get('/mcp/echo').set('Authorization', 'Bearer rw-token');
      expect(res.status).toBe(200);
    });
  });

  describe('S6 token transport', () => {
    it('S6 a token only in ?access_token= is treated as absent (401 without error)', async () => {
      const before = verifier.seen.length;
      const res = await http().get('/mcp/echo?access_token=read-token');
      expect(res.status).toBe(401);
      expect(verifier.seen.length).toBe(before);
      expect(res.headers['www-authenticate']).toBe(`Bearer scope="notes:read", resource_metadata="${PRM_URL}"`);
      expect(controller.handled).toBe(0);
    });

    it('S6 a token in the header and the query is 400 invalid_request', async () => {
      const res = await http().get('/mcp/echo?access_token=read-token').set('Authorization', 'Bearer read-token');
      expect(res.status).toBe(400);
      expect(res.body).toEqual(oauthBody('invalid_request'));
      expect(res.headers['www-authenticate']).toContain('error="invalid_request"');
      expect(controller.handled).toBe(0);
    });

    it('S6 a token in the header and a form body is 400 invalid_request', async () => {
      const res = await http()
        .post('/mcp')
        .set('Authorization', 'Bearer read-token')
        .type('form')
        .send('access_token=read-token');
      expect(res.status).toBe(400);
      expect(res.body).toEqual(oauthBody('invalid_request'));
      expect(controller.handled).toBe(0);
    });
  });

  describe('S7 scopes', () => {
    it('S7 class and method scopes combine: 403 insufficient_scope naming all of them', async () => {
      const res = await http().get('/mcp/admin').set('Authorization', 'Bearer read-token');
      expect(res.status).toBe(403);
      expect(res.headers['www-authenticate']).toBe(
        `Bearer error="insufficient_scope", error_description="The access token lacks a required scope", scope="notes:read admin", resource_metadata="${PRM_URL}"`,
      );
      expect(res.body).toEqual(oauthBody('insufficient_scope'));
      expect(controller.handled).toBe(0);
    });

    it('S7 a token with every scope passes', async () => {
      const res = await http().get('/mcp/admin').set('Authorization', 'Bearer admin-token');
      expect(res.status).toBe(200);
    });

    it('S7 per-tool scope: 403 before the tool runs', async () => {
      const res = await http().post('/mcp').set('Authorization', 'Bearer read-token').send(toolCall('add_note'));
      expect(res.status).toBe(403);
      expect(res.headers['www-authenticate']).toContain('scope="notes:read notes:write"');
      expect(res.headers['www-authenticate']).toContain(`resource_metadata="${PRM_URL}"`);
      expect(tools.calls).toEqual([]);
      expect(controller.handled).toBe(0);
    });

    it('S7 per-tool scope: the tool runs once the token has the scope', async () => {
      const res = await http().post('/mcp').set('Authorization', 'Bearer rw-token').send(toolCall('add_note'));
      expect(res.status).toBe(200);
      expect(res.body.result).toBe('added');
      expect(tools.calls).toEqual(['add_note']);
    });

    it('S7 a batch needs the scopes of every tool it calls', async () => {
      const batch = [toolCall('list_notes', 1), toolCall('add_note', 2), toolCall('purge_notes', 3)];
      const res = await http().post('/mcp').set('Authorization', 'Bearer rw-token').send(batch);
      expect(res.status).toBe(403);
      expect(res.headers['www-authenticate']).toContain('scope="notes:read notes:write notes:admin"');
      expect(tools.calls).toEqual([]);
      const ok = await http().post('/mcp').set('Authorization', 'Bearer admin-token').send(batch);
      expect(ok.status).toBe(200);
      expect(tools.calls).toEqual(['list_notes', 'add_note', 'purge_notes']);
    });

    it('S7 a long batch cannot hide a scoped tool call past any entry limit: 403 before any tool runs', async () => {
      const filler = Array.from({ length: 1100 }, () => ({ method: 'tools/call', params: { name: 'list_notes' } }));
      const batch = [...filler, toolCall('purge_notes', 1100)];
      const res = await http().post('/mcp').set('Authorization', 'Bearer rw-token').send(batch);
      expect(res.status).toBe(403);
      expect(res.headers['www-authenticate']).toContain('notes:admin');
      expect(tools.calls).toEqual([]);
    });

    it('S7 @rekog/mcp-nest @Tool without a name binds the method name', async () => {
      const res = await http().post('/mcp').set('Authorization', 'Bearer admin-token').send(toolCall('exportNotes'));
      expect(res.status).toBe(403);
      expect(res.headers['www-authenticate']).toContain('scope="notes:read notes:export"');
      expect(tools.calls).toEqual([]);
    });

    it('S7 tools without scopes and unknown tools need only the route scopes', async () => {
      const res = await http()
        .post('/mcp')
        .set('Authorization', 'Bearer read-token')
        .send([
          toolCall('list_notes'),
          toolCall('no_such_tool', 2),
          { jsonrpc: '2.0', method: 'tools/call', params: 42 },
        ]);
      expect(res.status).toBe(200);
      expect(tools.calls).toEqual(['list_notes']);
    });

    it('S7 defence in depth: a scoped tool method called outside a verified request throws insufficient_scope', async () => {
      expect(() => tools.addNote()).toThrowError(expect.objectContaining({ error: 'insufficient_scope' }));
      await expect(tools.purgeNotes()).rejects.toMatchObject({
        error: 'insufficient_scope',
        requiredScopes: ['notes:admin'],
      });
      expect(tools.calls).toEqual([]);
    });
  });

  describe('S8 the bearer token is not passed through', () => {
    it('S8 the handler sees no Authorization header and the identity carries no enumerable token', async () => {
      const res = await http().get('/mcp/echo').set('Authorization', 'Bearer rw-token');
      expect(res.status).toBe(200);
      expect(res.body.headers.authorization).toBeUndefined();
      expect(res.body.rawHeaders.map((h: string) => h.toLowerCase())).not.toContain('authorization');
      expect(JSON.stringify(res.body.rawHeaders)).not.toContain('rw-token');
      expect(res.body.serialized).toEqual({
        clientId: 'c-rw',
        subject: 'bob',
        scopes: ['notes:read', 'notes:write'],
        resource: ['https://mcp.example.com/mcp'],
      });
      expect(res.body.spreadKeys).not.toContain('token');
      expect(res.body.tokenIsReadable).toBe(true);
      expect(res.body.clientId).toBe('c-rw');
      expect(res.body.alsClientId).toBe('c-rw');
    });
  });

  describe('S10 escaping', () => {
    it('S10 quotes and backslashes in a verifier error description are escaped in WWW-Authenticate', async () => {
      const res = await http().get('/mcp/echo').set('Authorization', 'Bearer kid-unknown');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe(
        `Bearer error="invalid_token", error_description="signature \\"kid\\" \\\\ unknown", scope="notes:read", resource_metadata="${PRM_URL}"`,
      );
      expect(res.body).toEqual({ error: 'invalid_token', error_description: 'signature "kid" \\ unknown' });
    });
  });

  describe('S49 verifier outage fails closed', () => {
    it('S49 TemporarilyUnavailableError: 503 temporarily_unavailable with its Retry-After', async () => {
      const res = await http().get('/mcp/echo').set('Authorization', 'Bearer store-down');
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('7');
      expect(res.body).toEqual(oauthBody('temporarily_unavailable'));
      expect(controller.handled).toBe(0);
    });

    it('S49 any other verifier exception: 503 without its message, default Retry-After', async () => {
      const res = await http().get('/mcp/echo').set('Authorization', 'Bearer verifier-crash');
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body).toEqual(oauthBody('temporarily_unavailable'));
      expect(JSON.stringify(res.body)).not.toContain('database');
      expect(controller.handled).toBe(0);
    });

    it('S49 a verifier throwing a 5xx OAuthError fails closed as 503 too, without its description', async () => {
      const res = await http().get('/mcp/echo').set('Authorization', 'Bearer verifier-server-error');
      expect(res.status).toBe(503);
      expect(res.body).toEqual(oauthBody('temporarily_unavailable'));
      expect(JSON.stringify(res.body)).not.toContain('upstream said');
      expect(controller.handled).toBe(0);
    });
  });

  describe('@Public', () => {
    it('a @Public() handler on a guarded controller needs no token', async () => {
      const res = await http().get('/mcp/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true });
    });
  });
});

describe('BearerAuthGuard: tool scopes registered while serving', () => {
  let app: INestApplication;
  let tools: NotesTools;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    ({ app, tools } = await createStandardApp());
  });
  afterAll(() => app.close());

  it('S7 a tool registered again (or for the first time) after calls were served needs its new scopes from the next call on', async () => {
    const call = (token: string, name: string) =>
      http().post('/mcp').set('Authorization', `Bearer ${token}`).send(toolCall(name));
    expect((await call('rw-token', 'add_note')).status).toBe(200);
    expect((await call('read-token', 'list_notes')).status).toBe(200);
    const registry = app.get(ToolScopeRegistry, { strict: false });
    registry.register('add_note', ['notes:admin']);
    registry.register('list_notes', ['notes:write']);
    tools.calls.length = 0;

    const addNote = await call('rw-token', 'add_note');
    expect(addNote.status).toBe(403);
    expect(addNote.headers['www-authenticate']).toContain('scope="notes:read notes:write notes:admin"');
    const listNotes = await call('read-token', 'list_notes');
    expect(listNotes.status).toBe(403);
    expect(listNotes.headers['www-authenticate']).toContain('scope="notes:read notes:write"');
    expect(tools.calls).toEqual([]);
    expect((await call('admin-token', 'add_note')).status).toBe(200);
    expect(tools.calls).toEqual(['add_note']);
  });
});

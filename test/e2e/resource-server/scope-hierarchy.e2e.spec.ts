import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { McpAuthModule } from '../../../lib/index.js';
import {
  AS,
  createApp,
  createStandardApp,
  McpController,
  NotesTools,
  PRM_URL,
  RESOURCE,
  TableVerifier,
  standardTokens,
} from './fixtures.js';

const toolCall = (name: string, id = 1) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name } });

const SCOPES = ['notes:read', 'notes:write', 'notes:admin', 'notes:export', 'admin', 'notes', 'root'];

function hierarchyTokens() {
  const token = (scopes: string[]) => ({ clientId: 'c', subject: 'dana', scopes, resource: RESOURCE });
  return {
    ...standardTokens(),
    'notes-token': token(['notes']),
    'notes-admin-token': token(['notes:admin']),
    'root-token': token(['root']),
  };
}

describe('S64 scope hierarchy in BearerAuthGuard and @RequireScopes (e2e)', () => {
  let app: INestApplication;
  let tools: NotesTools;
  const http = () => request(app.getHttpServer());
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    app = await createApp({
      imports: [
        McpAuthModule.forRoot({
          resourceServerUrl: RESOURCE,
          tokenVerifier: new TableVerifier(hierarchyTokens()),
          authorizationServers: [AS],
          scopesSupported: SCOPES,
          scopeHierarchy: { notes: ['notes:read', 'notes:write'], 'notes:admin': ['notes'], root: ['*'] },
        }),
      ],
      controllers: [McpController],
      providers: [NotesTools],
    });
    tools = app.get(NotesTools);
  });
  afterAll(() => app.close());
  beforeEach(() => {
    tools.calls.length = 0;
  });

  it('S64 a token with the broad scope notes passes the route scope notes:read and runs add_note (notes:write)', async () => {
    const res = await http().post('/mcp').set(bearer('notes-token')).send(toolCall('add_note'));
    expect(res.status).toBe(200);
    expect(res.body.result).toBe('added');
    expect(tools.calls).toEqual(['add_note']);
  });

  it('S64 implication is transitive: notes:admin → notes → notes:write', async () => {
    const res = await http()
      .post('/mcp')
      .set(bearer('notes-admin-token'))
      .send([toolCall('add_note', 1), toolCall('purge_notes', 2)]);
    expect(res.status).toBe(200);
    expect(tools.calls).toEqual(['add_note', 'purge_notes']);
  });

  it("S64 a scope declared with '*' satisfies every supported scope (route admin, tool notes:export)", async () => {
    expect((await http().get('/mcp/admin').set(bearer('root-token'))).status).toBe(200);
    const res = await http().post('/mcp').set(bearer('root-token')).send(toolCall('exportNotes'));
    expect(res.status).toBe(200);
    expect(tools.calls).toEqual(['exportNotes']);
  });

  it('S64 a broad scope does not satisfy scopes outside it: notes cannot purge (403 before the tool runs)', async () => {
    const res = await http().post('/mcp').set(bearer('notes-token')).send(toolCall('purge_notes'));
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(tools.calls).toEqual([]);
  });

  it('S64 the challenge names the minimal scopes of the operation, all at once', async () => {
    const batch = await http()
      .post('/mcp')
      .set(bearer('read-token'))
      .send([toolCall('add_note', 1), toolCall('purge_notes', 2)]);
    expect(batch.status).toBe(403);
    const challenge = batch.headers['www-authenticate'] as string;
    expect(challenge).toMatch(/^Bearer error="insufficient_scope", /);
    expect(/scope="([^"]*)"/.exec(challenge)![1]).toBe('notes:admin');
    expect(challenge).toContain(`resource_metadata="${PRM_URL}"`);
    const single = await http().post('/mcp').set(bearer('read-token')).send(toolCall('add_note'));
    expect(/scope="([^"]*)"/.exec(single.headers['www-authenticate'])![1]).toBe('notes:read notes:write');
    expect(tools.calls).toEqual([]);
  });
});

describe('S64 without a scope hierarchy scopes match exactly', () => {
  let app: INestApplication;
  let tools: NotesTools;

  beforeAll(async () => {
    ({ app, tools } = await createStandardApp(new TableVerifier(hierarchyTokens())));
  });
  afterAll(() => app.close());

  it('S64 the broad-looking notes satisfies nothing else when no hierarchy is configured', async () => {
    const res = await request(app.getHttpServer())
      .post('/mcp')
      .set({ Authorization: 'Bearer notes-token' })
      .send(toolCall('add_note'));
    expect(res.status).toBe(403);
    expect(tools.calls).toEqual([]);
  });
});

import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAsyncContextEnabled } from '../../../lib/context/auth-storage.js';
import { McpAuthModule } from '../../../lib/index.js';
import { AS, createApp, McpController, NotesTools, RESOURCE, standardTokens, TableVerifier } from './fixtures.js';

const call = (name: string) => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name } });

describe('asyncContext: false (no AsyncLocalStorage)', () => {
  let app: INestApplication;
  let tools: NotesTools;

  beforeAll(async () => {
    app = await createApp({
      imports: [
        McpAuthModule.forRoot({
          resourceServerUrl: RESOURCE,
          tokenVerifier: new TableVerifier(standardTokens()),
          authorizationServers: [AS],
          asyncContext: false,
        }),
      ],
      controllers: [McpController],
      providers: [NotesTools],
    });
    tools = app.get(NotesTools);
  });
  afterAll(() => app.close());

  it('publishes the identity on req.auth and @CurrentAuth but not in AsyncLocalStorage', async () => {
    expect(isAsyncContextEnabled()).toBe(false);
    const res = await request(app.getHttpServer())
      .get('/mcp/echo')
      .set('Authorization', 'Bearer read-token')
      .expect(200);
    expect(res.body.clientId).toBe('c-read');
    expect(res.body.alsClientId).toBeUndefined();
  });

  it('S7 the guard still refuses a tool call lacking the tool scope before the tool runs', async () => {
    const res = await request(app.getHttpServer())
      .post('/mcp')
      .set('Authorization', 'Bearer read-token')
      .send(call('add_note'))
      .expect(403);
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(tools.calls).not.toContain('add_note');
  });

  it('runs a scoped tool method for a token with its scope (the call-time check is skipped, not failed)', async () => {
    const res = await request(app.getHttpServer())
      .post('/mcp')
      .set('Authorization', 'Bearer rw-token')
      .send(call('add_note'))
      .expect(200);
    expect(res.body.result).toBe('added');
  });
});

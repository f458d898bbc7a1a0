import { Body, Controller, type INestApplication, type NestMiddleware, Post, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BearerAuthGuard, McpAuthModule, NotMcpEndpoint } from '../../../lib/index.js';
import { AS, McpController, NotesTools, RESOURCE, TableVerifier, standardTokens } from './fixtures.js';
import { createTestApplication } from '../../support/test-app.js';

const call = (name: string, id = 1) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name } });

async function appWith(
  options: { bodyParser: boolean; middleware?: NestMiddleware['use']; mcpBodyLimitBytes?: number },
  controllers: Array<new (...args: never[]) => unknown> = [McpController],
  providers: Array<new (...args: never[]) => unknown> = [NotesTools],
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      McpAuthModule.forRoot({
        resourceServerUrl: RESOURCE,
        tokenVerifier: new TableVerifier(standardTokens()),
        authorizationServers: [AS],
        asyncContext: false,
        mcpBodyLimitBytes: options.mcpBodyLimitBytes,
      }),
    ],
    controllers,
    providers,
  }).compile();
  const app = createTestApplication(moduleRef, { logger: false, bodyParser: options.bodyParser });
  if (options.middleware) app.use(options.middleware);
  await app.init();
  return app;
}

describe('S51 the guard reads bodies no parser read (no body parser mounted, asyncContext: false)', () => {
  let app: INestApplication;
  let tools: NotesTools;
  let controller: McpController;
  beforeAll(async () => {
    app = await appWith({ bodyParser: false, mcpBodyLimitBytes: 2048 });
    tools = app.get(NotesTools);
    controller = app.get(McpController);
  });
  afterAll(() => app.close());

  it('S51 a legitimate application/json call is read by the guard and handed to the handler (req.body, req.rawBody)', async () => {
    const res = await request(app.getHttpServer())
      .post('/mcp')
      .set('Authorization', 'Bearer read-token')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(call('list_notes')))
      .expect(200);
    expect(res.body).toEqual({ jsonrpc: '2.0', id: 1, result: 'listed' });
  });

  it('S51 the scopes of a call the guard read itself are enforced: add_note with notes:read is 403, the tool never runs', async () => {
    const before = controller.handled;
    const res = await request(app.getHttpServer())
      .post('/mcp')
      .set('Authorization', 'Bearer read-token')
      .set('Content-Type', 'application/json; charset=UTF-8')
      .send(JSON.stringify(call('add_note')))
      .expect(403);
    expect(res.headers['www-authenticate']).toContain('scope="notes:read notes:write"');
    expect(controller.handled).toBe(before);
    expect(tools.calls).not.toContain('add_note');
  });

  it.each([
    ['unparsable JSON', 'application/json', '{"jsonrpc":', 400],
    ['a JSON scalar', 'application/json', '"tools/call"', 400],
    [
      'a body over mcpBodyLimitBytes',
      'application/json',
      JSON.stringify({ ...call('add_note'), pad: 'x'.repeat(4096) }),
      413,
    ],
    ['a no-break space after the type', 'application/json\u00a0', JSON.stringify(call('add_note')), 415],
  ] as const)('S51 %s: 4xx invalid_request before the handler', async (_label, type, body, status) => {
    const before = controller.handled;
    const res = await request(app.getHttpServer())
      .post('/mcp')
      .set('Authorization', 'Bearer rw-token')
      .set('Content-Type', type)
      .send(body as string)
      .expect(status);
    expect(res.body.error).toBe('invalid_request');
    expect(controller.handled).toBe(before);
  });

  it('S51 a compressed body the parser did not inflate: 415, not read as JSON', async () => {
    const res = await request(app.getHttpServer())
      .post('/mcp')
      .set('Authorization', 'Bearer rw-token')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send(gzipSync(JSON.stringify(call('add_note'))))
      .expect(415);
    expect(res.body.error).toBe('invalid_request');
  });

  it('S51 S58 deep nesting in a body the guard reads itself: 400 before JSON.parse', async () => {
    const deep = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_notes","arguments":${'['.repeat(100)}${']'.repeat(100)}}}`;
    const res = await request(app.getHttpServer())
      .post('/mcp')
      .set('Authorization', 'Bearer rw-token')
      .set('Content-Type', 'application/json')
      .send(deep)
      .expect(400);
    expect(res.body.error_description).toBe('The request body is nested too deeply');
  });
});

describe('S51 bodies the guard cannot read as the transport will', () => {
  it('S51 a stream consumed by another middleware without a parsed body: 400', async () => {
    const app = await appWith({
      bodyParser: false,
      middleware: (req: Request, _res: Response, next: NextFunction) => {
        req.on('end', () => next()).resume();
      },
    });
    try {
      const res = await request(app.getHttpServer())
        .post('/mcp')
        .set('Authorization', 'Bearer rw-token')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(call('add_note')))
        .expect(400);
      expect(res.body).toEqual({
        error: 'invalid_request',
        error_description: 'The request body could not be read as JSON',
      });
      expect(app.get(NotesTools).calls).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('S51 a body a text parser left as a string: 400', async () => {
    const app = await appWith({
      bodyParser: false,
      middleware: (req: Request, _res: Response, next: NextFunction) => {
        let text = '';
        req.setEncoding('utf8');
        req.on('data', (chunk: string) => (text += chunk)).on('end', () => ((req.body = text), next()));
      },
    });
    try {
      await request(app.getHttpServer())
        .post('/mcp')
        .set('Authorization', 'Bearer rw-token')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(call('add_note')))
        .expect(400);
      expect(app.get(NotesTools).calls).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

@Controller('mcp')
@UseGuards(BearerAuthGuard)
class UnscopedMcpController {
  seen: unknown[] = [];
  @Post()
  handle(@Body() body: unknown): { ok: true } {
    this.seen.push(body);
    return { ok: true };
  }
}

describe('S51 S66 the guard reads bodies only when it must (hot path)', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await appWith({ bodyParser: false }, [UnscopedMcpController], []);
  });
  afterAll(() => app.close());

  it('S51 with no tool declaring scopes and no Mcp-* header, the guard leaves the body unread', async () => {
    await request(app.getHttpServer())
      .post('/mcp')
      .set('Authorization', 'Bearer read-token')
      .set('Content-Type', 'text/plain')
      .send('not json')
      .expect(201);
    expect(app.get(UnscopedMcpController).seen.at(-1)).toBeUndefined();
  });

  it('S66 an Mcp-Method header makes the guard read and check the body even without tool scopes', async () => {
    const res = await request(app.getHttpServer())
      .post('/mcp')
      .set('Authorization', 'Bearer read-token')
      .set('Content-Type', 'application/json')
      .set('Mcp-Method', 'tools/list')
      .send(JSON.stringify(call('add_note')))
      .expect(400);
    expect(res.body.error).toBe('invalid_request');
  });
});

describe('S66 Mcp-Method / Mcp-Name against the body (body parser on)', () => {
  let app: INestApplication;
  let controller: McpController;
  beforeAll(async () => {
    app = await appWith({ bodyParser: true });
    controller = app.get(McpController);
  });
  afterAll(() => app.close());

  const post = (headers: Record<string, string>, body: unknown) => {
    let req = request(app.getHttpServer()).post('/mcp').set('Authorization', 'Bearer rw-token');
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    return req.send(body as object);
  };

  it.each([
    ['Mcp-Method differs', { 'Mcp-Method': 'tools/list' }, call('add_note')],
    ['Mcp-Method differs only in case', { 'Mcp-Method': 'Tools/Call' }, call('add_note')],
    ['Mcp-Name differs', { 'Mcp-Method': 'tools/call', 'Mcp-Name': 'list_notes' }, call('add_note')],
    ['Mcp-Name with an invalid base64 sentinel', { 'Mcp-Name': '=?base64?***?=' }, call('add_note')],
    [
      'Mcp-Name on a method that names nothing',
      { 'Mcp-Name': 'add_note' },
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
    ],
    ['Mcp-Name without params.name', { 'Mcp-Name': 'add_note' }, { jsonrpc: '2.0', id: 1, method: 'tools/call' }],
    ['Mcp-Method on a response (no method)', { 'Mcp-Method': 'tools/call' }, { jsonrpc: '2.0', id: 1, result: {} }],
    [
      'Mcp-Name for resources/read naming another URI',
      { 'Mcp-Name': 'file:///a' },
      { jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri: 'file:///b' } },
    ],
    ['either header with a batch', { 'Mcp-Method': 'tools/call' }, [call('list_notes', 1), call('list_notes', 2)]],
  ])('S66 %s: 400 invalid_request before the handler', async (_label, headers, body) => {
    const before = controller.handled;
    const res = await post(headers, body).expect(400);
    expect(res.body.error).toBe('invalid_request');
    expect(controller.handled).toBe(before);
  });

  it.each([
    ['matching Mcp-Method and Mcp-Name', { 'Mcp-Method': 'tools/call', 'Mcp-Name': 'add_note' }, call('add_note')],
    [
      'a base64-sentinel Mcp-Name',
      { 'Mcp-Name': `=?base64?${Buffer.from('add_note').toString('base64')}?=` },
      call('add_note'),
    ],
    [
      'Mcp-Method on a notification',
      { 'Mcp-Method': 'notifications/initialized' },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
    ],
    [
      'Mcp-Name for prompts/get',
      { 'Mcp-Method': 'prompts/get', 'Mcp-Name': 'p' },
      { jsonrpc: '2.0', id: 1, method: 'prompts/get', params: { name: 'p' } },
    ],
  ])('S66 %s: accepted', async (_label, headers, body) => {
    await post(headers, body).expect(200);
  });

  it('S66 per-tool scopes follow the body, not the header: a header naming list_notes does not lower add_note to notes:read', async () => {
    const res = await request(app.getHttpServer())
      .post('/mcp')
      .set('Authorization', 'Bearer read-token')
      .set('Mcp-Method', 'tools/call')
      .set('Mcp-Name', 'add_note')
      .send(call('add_note'))
      .expect(403);
    expect(res.body.error).toBe('insufficient_scope');
  });
});

@Controller('files')
@UseGuards(BearerAuthGuard)
class FilesController {
  @Post('upload')
  @NotMcpEndpoint()
  upload(): { stored: true } {
    return { stored: true };
  }

  @Post('other')
  other(): { stored: true } {
    return { stored: true };
  }
}

describe('S51 @NotMcpEndpoint() exempts a non-MCP route from the JSON-body rule (token still required)', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await appWith({ bodyParser: true }, [McpController, FilesController], [NotesTools]);
  });
  afterAll(() => app.close());

  it('S51 a text/plain POST: 201 on the @NotMcpEndpoint() route, 415 on a guarded route without it, 401 without a token', async () => {
    const post = (path: string, token?: string) => {
      const req = request(app.getHttpServer()).post(path).set('Content-Type', 'text/plain');
      return (token ? req.set('Authorization', `Bearer ${token}`) : req).send('file contents');
    };
    await post('/files/upload', 'read-token').expect(201);
    expect((await post('/files/other', 'read-token').expect(415)).body.error).toBe('invalid_request');
    await post('/files/upload').expect(401);
  });
});

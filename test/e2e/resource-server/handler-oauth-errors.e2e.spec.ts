import {
  type ArgumentsHost,
  Catch,
  Controller,
  Get,
  HttpException,
  type INestApplication,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthContext,
  BearerAuthGuard,
  McpAuthModule,
  OAuthError,
  RequireScopes,
  TemporarilyUnavailableError,
} from '../../../lib/index.js';
import { createTestApplication } from '../../support/test-app.js';
import { AS, RESOURCE, standardTokens, TableVerifier } from './fixtures.js';

/** A service whose method checks scopes at call time (`@RequireScopes` outside a controller). */
@Injectable()
class ReportService {
  @RequireScopes('notes:admin')
  async purge(): Promise<{ purged: true }> {
    return { purged: true };
  }
}

/** Handlers that let OAuth errors escape, as an application's own code does. */
@Controller('notes')
@UseGuards(BearerAuthGuard)
class NotesController {
  constructor(
    private readonly auth: AuthContext,
    private readonly reports: ReportService,
  ) {}

  @Get('export')
  export(): { exported: true } {
    this.auth.requireScopes('notes:write');
    return { exported: true };
  }

  @Get('purge')
  purge(): Promise<{ purged: true }> {
    return this.reports.purge();
  }

  @Get('busy')
  busy(): never {
    throw new TemporarilyUnavailableError('The notes backend is busy', 9);
  }

  @Get('crash')
  crash(): never {
    throw new Error('database said: the password is hunter2');
  }
}

async function startApp(configure?: (app: INestApplication) => void): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      McpAuthModule.forRoot({
        resourceServerUrl: RESOURCE,
        tokenVerifier: new TableVerifier(standardTokens()),
        authorizationServers: [AS],
        scopesSupported: ['notes:read', 'notes:write', 'notes:admin', 'admin'],
      }),
    ],
    controllers: [NotesController],
    providers: [ReportService],
  }).compile();
  const app = createTestApplication(moduleRef, { logger: false });
  configure?.(app);
  await app.init();
  return app;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('an OAuthError thrown by an application handler is answered by the module filter, not as a 500', () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('AuthContext.requireScopes() in a handler: 403 insufficient_scope as RFC 6749 JSON with no-store', async () => {
    const res = await http().get('/notes/export').set(bearer('read-token'));
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      error: 'insufficient_scope',
      error_description: 'The access token lacks a required scope',
    });
    const allowed = await http().get('/notes/export').set(bearer('rw-token'));
    expect(allowed.status).toBe(200);
    expect(allowed.body).toEqual({ exported: true });
  });

  it('@RequireScopes on a service method called by a handler: 403 insufficient_scope', async () => {
    const res = await http().get('/notes/purge').set(bearer('rw-token'));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: 'insufficient_scope',
      error_description: 'The access token lacks a required scope',
    });
    const allowed = await http().get('/notes/purge').set(bearer('admin-token'));
    expect(allowed.status).toBe(200);
    expect(allowed.body).toEqual({ purged: true });
  });

  it('the error policy adds the error headers: a 503 carries its Retry-After', async () => {
    const res = await http().get('/notes/busy').set(bearer('read-token'));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('9');
    expect(res.body).toEqual({ error: 'temporarily_unavailable', error_description: 'The notes backend is busy' });
  });

  it('catches OAuthError only: another exception keeps Nest’s own 500, without its message', async () => {
    const res = await http().get('/notes/crash').set(bearer('read-token'));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ statusCode: 500, message: 'Internal server error' });
    expect(res.text).not.toContain('hunter2');
  });

  it('the guard answers as before: 401 and 403 with the OAuth body and the Bearer challenge', async () => {
    const missing = await http().get('/notes/export');
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ error: 'invalid_token', error_description: 'Authentication required' });
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer resource_metadata="[^"]+"/);
    const unknown = await http().get('/notes/export').set(bearer('no-such-token'));
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ error: 'invalid_token', error_description: 'The access token is invalid' });
    expect(unknown.headers['www-authenticate']).toContain('error="invalid_token"');
  });
});

/** An application filter for HttpException that records what it sees, then renders as Nest does. */
@Catch(HttpException)
class RecordingHttpExceptionFilter extends BaseExceptionFilter {
  readonly seen: HttpException[] = [];

  override catch(exception: HttpException, host: ArgumentsHost): void {
    this.seen.push(exception);
    super.catch(exception, host);
  }
}

describe("the guard's answers reach an application's HttpException filter as HttpExceptions", () => {
  let app: INestApplication;
  let filter: RecordingHttpExceptionFilter;

  beforeAll(async () => {
    app = await startApp((created) => {
      filter = new RecordingHttpExceptionFilter(created.getHttpAdapter());
      created.useGlobalFilters(filter);
    });
  });
  afterAll(() => app.close());

  it('with the OAuth body as response, the status of the error, and the OAuthError as cause', async () => {
    const res = await request(app.getHttpServer()).get('/notes/export');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_token', error_description: 'Authentication required' });
    expect(filter.seen).toHaveLength(1);
    const [exception] = filter.seen;
    expect(exception!.getStatus()).toBe(401);
    expect(exception!.getResponse()).toEqual(res.body);
    expect(exception!.cause).toBeInstanceOf(OAuthError);
    expect((exception!.cause as OAuthError).error).toBe('invalid_token');
  });
});

import { Controller, Get, Injectable, type INestApplication, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BearerAuthGuard,
  McpAuthConfigurationError,
  McpAuthModule,
  type McpAuthModuleOptions,
  Public,
  RequireScopes,
} from '../../../lib/index.js';
import {
  AS,
  createApp,
  McpController,
  NotesTools,
  PRM_PATH,
  RESOURCE,
  standardTokens,
  TableVerifier,
} from './fixtures.js';
import { ASYMMETRIC_JWS_ALGORITHMS } from '../../../lib/rules/asymmetric-jws-algorithms.js';
import { MODULE_NOT_VISIBLE } from '../../../lib/guards/bearer-auth.guard.js';

/** The `algs` of the DPoP challenge sent with every 401 without credentials (RFC 9449 §7.1). */
const DPOP_ALGS = ASYMMETRIC_JWS_ALGORITHMS.join(' ');

/** A ConfigService look-alike. */
@Injectable()
class AppConfig {
  readonly values: Record<string, string> = { MCP_URL: RESOURCE, AS_URL: AS };
  getOrThrow(key: string): string {
    const value = this.values[key];
    if (value === undefined) throw new Error(`missing ${key}`);
    return value;
  }
}

@Module({ providers: [AppConfig], exports: [AppConfig] })
class AppConfigModule {}

@Injectable()
class AuthOptionsFactory {
  constructor(private readonly config: AppConfig) {}
  create(): McpAuthModuleOptions {
    return {
      resourceServerUrl: this.config.getOrThrow('MCP_URL'),
      authorizationServers: [this.config.getOrThrow('AS_URL')],
      tokenVerifier: new TableVerifier(standardTokens()),
    };
  }
}

/** A module that provides and exports the options factory, for `useExisting`. */
@Module({ imports: [AppConfigModule], providers: [AuthOptionsFactory], exports: [AuthOptionsFactory] })
class AuthOptionsModule {}

@Controller('api')
class UnguardedController {
  @Get('private')
  @RequireScopes('notes:write')
  secret(): { ok: true } {
    return { ok: true };
  }

  @Get('open')
  @Public()
  open(): { ok: true } {
    return { ok: true };
  }
}

async function expectGuarded(app: INestApplication): Promise<void> {
  const http = () => request(app.getHttpServer());
  const anonymous = await http()
    .post('/mcp')
    .send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'add_note' } });
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers['www-authenticate']).toBe(
    `Bearer scope="notes:read notes:write", resource_metadata="https://mcp.example.com${PRM_PATH}", DPoP scope="notes:read notes:write", resource_metadata="https://mcp.example.com${PRM_PATH}", algs="${DPOP_ALGS}"`,
  );
  const ok = await http().get('/mcp/echo').set('Authorization', 'Bearer read-token');
  expect(ok.status).toBe(200);
  expect(ok.body.clientId).toBe('c-read');
  const prm = await http().get(PRM_PATH);
  expect(prm.status).toBe(200);
  expect(prm.body.resource).toBe(RESOURCE);
}

describe('McpAuthModule.forRootAsync', () => {
  it('S1 S27 useFactory with inject of a config provider', async () => {
    const app = await createApp({
      imports: [
        McpAuthModule.forRootAsync({
          imports: [AppConfigModule],
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            resourceServerUrl: config.getOrThrow('MCP_URL'),
            authorizationServers: [config.getOrThrow('AS_URL')],
            tokenVerifier: new TableVerifier(standardTokens()),
          }),
        }),
      ],
      controllers: [McpController],
      providers: [NotesTools],
    });
    try {
      await expectGuarded(app);
    } finally {
      await app.close();
    }
  });

  it.each([
    ['useClass', McpAuthModule.forRootAsync({ imports: [AppConfigModule], useClass: AuthOptionsFactory })],
    ['useExisting', McpAuthModule.forRootAsync({ imports: [AuthOptionsModule], useExisting: AuthOptionsFactory })],
  ])('S1 S27 %s', async (_variant, authModule) => {
    const app = await createApp({ imports: [authModule], controllers: [McpController], providers: [NotesTools] });
    try {
      await expectGuarded(app);
    } finally {
      await app.close();
    }
  });
});

describe('BearerAuthGuard as APP_GUARD', () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createApp({
      imports: [
        McpAuthModule.forRoot({
          resourceServerUrl: RESOURCE,
          authorizationServers: [AS],
          tokenVerifier: new TableVerifier(standardTokens()),
          requiredScopes: ['notes:read'],
        }),
      ],
      controllers: [UnguardedController],
      providers: [{ provide: APP_GUARD, useExisting: BearerAuthGuard }],
    });
  });
  afterAll(() => app.close());

  it('S1 guards every route, with the module requiredScopes in the challenge', async () => {
    const res = await http().get('/api/private');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer scope="notes:read notes:write", resource_metadata="https://mcp.example.com${PRM_PATH}", DPoP scope="notes:read notes:write", resource_metadata="https://mcp.example.com${PRM_PATH}", algs="${DPOP_ALGS}"`,
    );
  });

  it('S7 module requiredScopes and handler scopes combine', async () => {
    expect((await http().get('/api/private').set('Authorization', 'Bearer read-token')).status).toBe(403);
    expect((await http().get('/api/private').set('Authorization', 'Bearer rw-token')).status).toBe(200);
  });

  it('@Public routes and the protected-resource metadata stay reachable', async () => {
    expect((await http().get('/api/open')).status).toBe(200);
    expect((await http().get(PRM_PATH)).status).toBe(200);
  });
});

describe('McpAuthModule in an application with feature modules', () => {
  @Module({ controllers: [McpController], providers: [NotesTools] })
  class NotesFeatureModule {}

  it('is global by default: a feature module guards its controller without importing McpAuthModule', async () => {
    const app = await createApp({
      imports: [
        McpAuthModule.forRoot({
          resourceServerUrl: RESOURCE,
          authorizationServers: [AS],
          tokenVerifier: new TableVerifier(standardTokens()),
        }),
        NotesFeatureModule,
      ],
    });
    try {
      await expectGuarded(app);
    } finally {
      await app.close();
    }
  });

  it('isGlobal: false scopes it to the importing module: a feature module using the guard fails at startup saying what to do', async () => {
    const startup = createApp({
      imports: [
        McpAuthModule.forRoot({
          resourceServerUrl: RESOURCE,
          authorizationServers: [AS],
          tokenVerifier: new TableVerifier(standardTokens()),
          isGlobal: false,
        }),
        NotesFeatureModule,
      ],
    });
    await expect(startup).rejects.toThrow(McpAuthConfigurationError);
    await expect(startup).rejects.toThrow(`McpAuthModule: ${MODULE_NOT_VISIBLE}`);
  });

  it('a guard in an application without McpAuthModule fails at startup with the same message', async () => {
    await expect(createApp({ imports: [NotesFeatureModule] })).rejects.toThrow(MODULE_NOT_VISIBLE);
  });

  it('isGlobal: false, re-exported as the message says: the feature module that imports it guards its controller', async () => {
    @Module({
      imports: [
        McpAuthModule.forRoot({
          resourceServerUrl: RESOURCE,
          authorizationServers: [AS],
          tokenVerifier: new TableVerifier(standardTokens()),
          isGlobal: false,
        }),
      ],
      exports: [McpAuthModule],
    })
    class AuthModule {}

    @Module({ imports: [AuthModule], controllers: [McpController], providers: [NotesTools] })
    class ScopedNotesModule {}

    const app = await createApp({ imports: [AuthModule, ScopedNotesModule] });
    try {
      await expectGuarded(app);
    } finally {
      await app.close();
    }
  });
});

import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { McpAuthModule } from '../../../lib/index.js';
import type { RouteTable } from '../../../lib/endpoints/route-table.js';
import { MCP_AUTH_ROUTE_TABLE } from '../../../lib/endpoints/endpoints.js';
import { DefaultOAuthProvider, MemoryOAuthStore } from '../../../lib/index.js';
import { createTestApplication } from '../../support/test-app.js';

const AUTHORIZATION_SERVER_PATHS = [
  '/.well-known/oauth-authorization-server/tenant',
  '/.well-known/openid-configuration/tenant',
  '/tenant/.well-known/openid-configuration',
  '/tenant/authorize',
  '/tenant/token',
  '/tenant/register',
  '/tenant/revoke',
  '/tenant/introspect',
  '/tenant/jwks',
  '/tenant/login',
  '/tenant/login/switch-account',
  '/tenant/consent',
];

@Controller('tenant')
class AppOwnRoutes {
  @Get('token-info')
  info(): string {
    return 'app';
  }
}

async function boot(
  options: Parameters<typeof McpAuthModule.forRoot>[0],
  globalPrefix?: string,
): Promise<INestApplication> {
  @Module({ imports: [McpAuthModule.forRoot(options)], controllers: [AppOwnRoutes] })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = createTestApplication(moduleRef, { logger: false });
  if (globalPrefix) app.setGlobalPrefix(globalPrefix);
  await app.init();
  return app;
}

function mountedPaths(app: INestApplication): string[] {
  return [...app.get<RouteTable>(MCP_AUTH_ROUTE_TABLE).keys()].sort();
}

describe('one route table, mounted by mode at exact paths', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('authorization-server mode mounts every endpoint at the paths derived from the issuer, and nothing else', async () => {
    app = await boot({
      issuerUrl: 'http://127.0.0.1/tenant',
      resourceServerUrl: 'http://127.0.0.1/mcp',
      provider: new DefaultOAuthProvider({
        store: new MemoryOAuthStore(),
        users: { alice: { password: 'wonderland' } },
      }),
    });
    expect(mountedPaths(app)).toEqual(
      ['/.well-known/oauth-protected-resource/mcp', ...AUTHORIZATION_SERVER_PATHS].sort(),
    );
    const http = request(app.getHttpServer());
    await http.get('/.well-known/oauth-authorization-server/tenant').expect(200);
    await http.post('/tenant/token').type('form').send({ grant_type: 'x' }).expect(401);
    await http.get('/token').expect(404);
    await http.post('/tenant/token/').type('form').send({ grant_type: 'x' }).expect(404);
    await http.post('/TENANT/token').type('form').send({ grant_type: 'x' }).expect(404);
    await http.get('/tenant/token-info').expect(200, 'app');
  });

  it('JSON and text answers carry their exact media type and length and no ETag, on every platform', async () => {
    app = await boot({
      issuerUrl: 'http://127.0.0.1/tenant',
      resourceServerUrl: 'http://127.0.0.1/mcp',
      provider: new DefaultOAuthProvider({ store: new MemoryOAuthStore(), authenticate: async () => undefined }),
    });
    const http = request(app.getHttpServer());
    const metadata = await http.get('/.well-known/oauth-authorization-server/tenant').expect(200);
    const failure = await http.post('/tenant/token').type('form').send({ grant_type: 'x' }).expect(401);
    for (const response of [metadata, failure]) {
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.text));
      expect(response.headers.etag).toBeUndefined();
    }
    const jwks = await http.get('/tenant/jwks').expect(200);
    expect(jwks.headers['content-type']).toBe('application/jwk-set+json; charset=utf-8');
    expect(Number(jwks.headers['content-length'])).toBe(Buffer.byteLength(jwks.text));
    expect(jwks.headers.etag).toBeUndefined();
    expect(JSON.parse(jwks.text).keys.length).toBeGreaterThan(0);
    expect(metadata.body.issuer).toBe('http://127.0.0.1/tenant');
    expect(failure.body.error).toBe('invalid_client');
  });

  it('switching an endpoint off unmounts it: its path answers 404', async () => {
    app = await boot({
      issuerUrl: 'http://127.0.0.1/tenant',
      resourceServerUrl: 'http://127.0.0.1/mcp',
      provider: new DefaultOAuthProvider({ store: new MemoryOAuthStore(), authenticate: async () => undefined }),
      clientRegistration: { enabled: false },
      revocation: { enabled: false },
      introspection: { enabled: false },
    });
    const paths = mountedPaths(app);
    for (const path of ['/tenant/register', '/tenant/revoke', '/tenant/introspect', '/tenant/login']) {
      expect(paths).not.toContain(path);
    }
    await request(app.getHttpServer()).post('/tenant/register').send({}).expect(404);
  });

  it('a global prefix does not move the endpoints: the issuer URL alone decides their paths', async () => {
    app = await boot(
      {
        issuerUrl: 'http://127.0.0.1/tenant',
        resourceServerUrl: 'http://127.0.0.1/mcp',
        provider: new DefaultOAuthProvider({ store: new MemoryOAuthStore(), authenticate: async () => undefined }),
      },
      'api',
    );
    const http = request(app.getHttpServer());
    await http.get('/.well-known/oauth-authorization-server/tenant').expect(200);
    await http.get('/api/.well-known/oauth-authorization-server/tenant').expect(404);
    await http.get('/api/tenant/token-info').expect(200, 'app');
  });

  it('resource-server-only mode mounts the protected-resource metadata and no authorization-server route', async () => {
    app = await boot({
      resourceServerUrl: 'http://127.0.0.1/mcp',
      authorizationServers: ['https://as.example.com'],
      tokenVerifier: { verifyToken: async () => undefined },
    });
    expect(mountedPaths(app)).toEqual(['/.well-known/oauth-protected-resource/mcp']);
    const http = request(app.getHttpServer());
    await http.get('/.well-known/oauth-protected-resource/mcp').expect(200);
    for (const path of ['/token', '/authorize', '/register', '/.well-known/oauth-authorization-server', '/consent']) {
      await http.get(path).expect(404);
    }
  });
});

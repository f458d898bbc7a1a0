import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpAuthModule } from '../../../lib/index.js';
import { createApp, createStandardApp, PRM_PATH, TableVerifier } from './fixtures.js';
import { ASYMMETRIC_JWS_ALGORITHMS } from '../../../lib/rules/asymmetric-jws-algorithms.js';

describe('Protected Resource Metadata (RFC 9728)', () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    ({ app } = await createStandardApp());
  });
  afterAll(() => app.close());

  it('S27 GET at the path-inserted location returns the exact document', async () => {
    const res = await http().get(PRM_PATH);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toStrictEqual({
      resource: 'https://mcp.example.com/mcp',
      authorization_servers: ['https://as.example'],
      scopes_supported: ['notes:read', 'notes:write', 'notes:admin', 'notes:export', 'admin'],
      bearer_methods_supported: ['header'],
      resource_name: 'Notes MCP',
      resource_documentation: 'https://mcp.example.com/docs',
      dpop_signing_alg_values_supported: [...ASYMMETRIC_JWS_ALGORITHMS],
    });
    expect(res.body.scopes_supported).not.toContain('offline_access');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
  });

  it('S27 allows cross-origin reads (CORS)', async () => {
    const res = await http().get(PRM_PATH).set('Origin', 'https://client.example');
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('S27 HEAD answers 200 without a body', async () => {
    const res = await http().head(PRM_PATH);
    expect(res.status).toBe(200);
    expect(res.text ?? '').toBe('');
  });

  it('S27 OPTIONS answers the CORS preflight', async () => {
    const res = await http()
      .options(PRM_PATH)
      .set('Origin', 'https://client.example')
      .set('Access-Control-Request-Method', 'GET');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD, OPTIONS');
  });

  it.each(['post', 'put', 'delete', 'patch'] as const)('S27 %s answers 405 with Allow', async (method) => {
    const res = await http()[method](PRM_PATH);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(res.body.error).toBe('invalid_request');
  });

  it.each(['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/other', `${PRM_PATH}/x`])(
    'S27 another path under the prefix (%s) is 404',
    async (path) => {
      const res = await http().get(path);
      expect(res.status).toBe(404);
    },
  );
});

describe("Protected Resource Metadata next to the app's own well-known routes", () => {
  it('S27 leaves other paths under the prefix to the app', async () => {
    @Controller('.well-known/oauth-protected-resource')
    class OtherMetadataController {
      @Get('other')
      other() {
        return { mine: true };
      }
    }
    @Module({ controllers: [OtherMetadataController] })
    class OtherMetadataModule {}
    const app = await createApp({
      imports: [
        McpAuthModule.forRoot({
          resourceServerUrl: 'https://mcp.example.com/mcp',
          tokenVerifier: new TableVerifier({}),
          authorizationServers: ['https://as.example'],
        }),
        OtherMetadataModule,
      ],
    });
    try {
      expect((await request(app.getHttpServer()).get('/.well-known/oauth-protected-resource/other')).body).toEqual({
        mine: true,
      });
      expect((await request(app.getHttpServer()).get(PRM_PATH)).body.resource).toBe('https://mcp.example.com/mcp');
    } finally {
      await app.close();
    }
  });
});

describe('Protected Resource Metadata for a resource at the origin root', () => {
  it('S27 is served at /.well-known/oauth-protected-resource and omits empty optional members', async () => {
    const app = await createApp({
      imports: [
        McpAuthModule.forRoot({
          resourceServerUrl: 'http://127.0.0.1:8080/',
          tokenVerifier: new TableVerifier({}),
          authorizationServers: ['https://as.example'],
        }),
      ],
    });
    try {
      const res = await request(app.getHttpServer()).get('/.well-known/oauth-protected-resource');
      expect(res.status).toBe(200);
      expect(res.body).toStrictEqual({
        resource: 'http://127.0.0.1:8080/',
        authorization_servers: ['https://as.example'],
        bearer_methods_supported: ['header'],
        dpop_signing_alg_values_supported: [...ASYMMETRIC_JWS_ALGORITHMS],
      });
      expect((await request(app.getHttpServer()).get('/.well-known/oauth-protected-resource/mcp')).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});

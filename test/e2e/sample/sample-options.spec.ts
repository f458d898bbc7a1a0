import { describe, expect, it } from 'vitest';
import { sampleAuthOptions } from '../../../sample/sample.module.js';
import { sampleSettingsFromEnv } from '../../../sample/sample-options.js';

describe('sample settings from the environment', () => {
  it('defaults: port 3000, BASE_URL http://localhost:3000, rate limits and refresh tokens on', () => {
    expect(sampleSettingsFromEnv({})).toEqual({
      port: 3000,
      host: undefined,
      options: {
        baseUrl: 'http://localhost:3000',
        rateLimits: true,
        refreshTokens: true,
        accessTokenTtlSeconds: undefined,
        signingKeyPem: undefined,
        httpAdapter: 'express',
      },
    });
  });

  it('HTTP_ADAPTER=fastify starts on Fastify; any other platform is refused', () => {
    expect(sampleSettingsFromEnv({ HTTP_ADAPTER: 'fastify' }).options.httpAdapter).toBe('fastify');
    expect(() => sampleSettingsFromEnv({ HTTP_ADAPTER: 'koa' })).toThrow('HTTP_ADAPTER must be "express" or "fastify"');
  });

  it('PORT, HOST, BASE_URL (trailing slash dropped), RATE_LIMIT=off, REFRESH_TOKENS=off, ACCESS_TOKEN_TTL', () => {
    const settings = sampleSettingsFromEnv({
      PORT: '8080',
      HOST: '127.0.0.1',
      BASE_URL: 'https://mcp.example.com/',
      RATE_LIMIT: 'off',
      REFRESH_TOKENS: 'OFF',
      ACCESS_TOKEN_TTL: '5',
    });
    expect(settings).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      options: {
        baseUrl: 'https://mcp.example.com',
        rateLimits: false,
        refreshTokens: false,
        accessTokenTtlSeconds: 5,
      },
    });
  });

  it('refuses bad values with a plain message', () => {
    expect(() => sampleSettingsFromEnv({ PORT: 'x' })).toThrow('PORT must be a port number');
    expect(() => sampleSettingsFromEnv({ PORT: '0' })).toThrow('With PORT=0, set BASE_URL');
    expect(() => sampleSettingsFromEnv({ RATE_LIMIT: 'maybe' })).toThrow('RATE_LIMIT must be "on" or "off"');
    expect(() => sampleSettingsFromEnv({ REFRESH_TOKENS: 'no' })).toThrow('REFRESH_TOKENS must be "on" or "off"');
    expect(() => sampleSettingsFromEnv({ ACCESS_TOKEN_TTL: '-1' })).toThrow('ACCESS_TOKEN_TTL must be');
  });

  it('module options: issuer = base URL, resource = base URL + /mcp, default scope notes:read, notes implies both, CIMD and registration on', () => {
    const options = sampleAuthOptions({ baseUrl: 'http://127.0.0.1:4000', rateLimits: false });
    expect(options).toMatchObject({
      issuerUrl: 'http://127.0.0.1:4000',
      resourceServerUrl: 'http://127.0.0.1:4000/mcp',
      scopesSupported: ['notes:read', 'notes:write', 'notes'],
      scopeHierarchy: { notes: ['notes:read', 'notes:write'] },
      defaultScopes: ['notes:read'],
      clientRegistration: { enabled: true },
      clientIdMetadataDocuments: { enabled: true },
      rateLimits: false,
    });
    expect(sampleAuthOptions({ baseUrl: 'http://127.0.0.1:4000' }).rateLimits).toBeUndefined();
  });
});

import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { McpAuthModule } from '../../lib/mcp-auth.module.js';
import { McpAuthConfigurationError, resolveMcpAuthConfig } from '../../lib/services/mcp-auth-config.factory.js';
import type { OAuthAuthorizationServerProvider } from '../../lib/interfaces/oauth-provider.interface.js';

const provider = { loadAccessToken: async () => undefined } as unknown as OAuthAuthorizationServerProvider;
const base = { resourceServerUrl: 'https://mcp.example.com/mcp', provider };

describe('resolveMcpAuthConfig', () => {
  it.each([
    'http://auth.example.com',
    'ftp://auth.example.com',
    'not a url',
    'https://auth.example.com/?x=1',
    'https://auth.example.com/#f',
  ])('S48 refuses issuer %s at startup', (issuerUrl) => {
    expect(() => resolveMcpAuthConfig({ ...base, issuerUrl })).toThrow(McpAuthConfigurationError);
  });

  it.each(['https://auth.example.com', 'http://localhost:3000', 'http://127.0.0.1:8080/auth', 'http://[::1]:9000'])(
    'S48 accepts issuer %s',
    (issuerUrl) => {
      expect(resolveMcpAuthConfig({ ...base, issuerUrl }).issuer).toBe(issuerUrl);
    },
  );

  it('refuses provider and tokenVerifier together', () => {
    expect(() =>
      resolveMcpAuthConfig({
        ...base,
        issuerUrl: 'https://a.example',
        tokenVerifier: { verifyToken: async () => undefined },
      }),
    ).toThrow(/not both/);
  });

  it('derives endpoint URLs from an issuer with a path (RFC 8414 §3.1 path insertion)', () => {
    const config = resolveMcpAuthConfig({ ...base, issuerUrl: 'https://host.example/auth' });
    expect(config.endpoints?.metadata).toEqual({
      url: 'https://host.example/.well-known/oauth-authorization-server/auth',
      path: '/.well-known/oauth-authorization-server/auth',
    });
    expect(config.endpoints?.authorization.url).toBe('https://host.example/auth/authorize');
    expect(config.endpoints?.token.path).toBe('/auth/token');
  });

  it('keeps the resource exactly as given and path-inserts its metadata URL (RFC 9728 §3.1)', () => {
    const config = resolveMcpAuthConfig({ ...base, issuerUrl: 'https://host.example' });
    expect(config.resource).toBe('https://mcp.example.com/mcp');
    expect(config.protectedResourceMetadata.url).toBe(
      'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
    );
    expect(config.authorizationServers).toEqual(['https://host.example']);
  });

  it('applies the S36 default rate limits and switches them off with false', () => {
    const on = resolveMcpAuthConfig({ ...base, issuerUrl: 'https://h.example' });
    expect(on.rateLimits.register).toEqual({ limit: 2000, ttlSeconds: 3600 });
    expect(on.rateLimits.tokenFailures).toEqual({ limit: 100, ttlSeconds: 900 });
    expect(on.rateLimits.loginFailuresPerAccount).toEqual({ limit: 10, ttlSeconds: 900 });
    const off = resolveMcpAuthConfig({ ...base, issuerUrl: 'https://h.example', rateLimits: false });
    expect(Object.values(off.rateLimits)).toEqual(Array(11).fill(false));
    const some = resolveMcpAuthConfig({ ...base, issuerUrl: 'https://h.example', rateLimits: { token: false } });
    expect(some.rateLimits.token).toBe(false);
    expect(some.rateLimits.tokenFailures).toEqual({ limit: 100, ttlSeconds: 900 });
  });
});

describe('McpAuthModule at startup', () => {
  it('S48 an app whose issuer is neither https nor loopback fails to start with a plain message', async () => {
    const compile = Test.createTestingModule({
      imports: [
        McpAuthModule.forRootAsync({
          useFactory: async () => ({ ...base, issuerUrl: 'http://auth.example.com' }),
        }),
      ],
    }).compile();
    await expect(compile).rejects.toThrow(McpAuthConfigurationError);
    await expect(compile).rejects.toThrow(/`issuerUrl` must use https \(http is allowed only on loopback\)/);
  });
});

import { describe, expect, it } from 'vitest';
import { buildAuthorizationServerMetadata } from '../../../lib/rules/authorization-server-metadata.js';
import { McpAuthConfigurationError, resolveMcpAuthConfig } from '../../../lib/services/mcp-auth-config.factory.js';
import { authorizationServerOnly } from '../../../lib/services/authorization-server-only.js';
import type { McpAuthModuleOptions } from '../../../lib/interfaces/mcp-auth-options.interface.js';
import { TestOAuthProvider } from '../../support/test-oauth-provider.js';

const base = (extra: Partial<McpAuthModuleOptions> = {}): McpAuthModuleOptions => ({
  issuerUrl: 'https://as.example.com',
  resourceServerUrl: 'https://as.example.com/mcp',
  provider: new TestOAuthProvider(),
  ...extra,
});

describe('privateKeyJwt options', () => {
  it('S65 is on by default: metadata advertises private_key_jwt with asymmetric algorithms only', () => {
    const metadata = buildAuthorizationServerMetadata(authorizationServerOnly(resolveMcpAuthConfig(base())));
    expect(metadata.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).toEqual(
      expect.arrayContaining(['RS256', 'PS256', 'ES256', 'EdDSA']),
    );
    for (const alg of metadata.token_endpoint_auth_signing_alg_values_supported as string[]) {
      expect(alg).not.toMatch(/^HS|^none$/);
    }
  });

  it('S65 switched off: not advertised, and CIMD documents may only use none', async () => {
    const clientId = 'https://client.example.com/oauth/client.json';
    const document = {
      client_id: clientId,
      redirect_uris: ['https://client.example.com/cb'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: 'https://client.example.com/jwks.json',
    };
    const config = resolveMcpAuthConfig(
      base({
        privateKeyJwt: { enabled: false },
        clientIdMetadataDocuments: {
          enabled: true,
          fetch: async () => ({
            status: 200,
            contentType: 'application/json',
            body: new TextEncoder().encode(JSON.stringify(document)),
          }),
        },
      }),
    );
    await expect(config.clientIdMetadataDocuments!.resolve(clientId)).rejects.toThrow(
      expect.objectContaining({ description: expect.stringContaining('private_key_jwt is not supported') }),
    );
    const metadata = buildAuthorizationServerMetadata(authorizationServerOnly(config));
    expect(metadata.token_endpoint_auth_methods_supported).toEqual([
      'none',
      'client_secret_basic',
      'client_secret_post',
    ]);
    expect(metadata).not.toHaveProperty('token_endpoint_auth_signing_alg_values_supported');
    expect(config.privateKeyJwt).toBeUndefined();
  });

  it.each([['HS256'], ['none'], ['HS512']])('S65 refuses %s in signingAlgorithms at boot', (alg) => {
    expect(() => resolveMcpAuthConfig(base({ privateKeyJwt: { signingAlgorithms: ['RS256', alg] } }))).toThrow(
      McpAuthConfigurationError,
    );
  });

  it('S65 refuses a non-positive assertion lifetime and an empty algorithm list', () => {
    expect(() => resolveMcpAuthConfig(base({ privateKeyJwt: { maxAssertionLifetimeSeconds: 0 } }))).toThrow(
      /maxAssertionLifetimeSeconds/,
    );
    expect(() => resolveMcpAuthConfig(base({ privateKeyJwt: { signingAlgorithms: [] } }))).toThrow(/empty/);
  });
});

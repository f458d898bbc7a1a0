import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { ServerSpec, StartedServer } from '../protocol.js';
import { mapAdapterFactory } from './oidc-map-adapter.js';
import { BENCH_CLIENT_ID, BENCH_RESOURCE, BENCH_SCOPE, BENCH_SUBJECT } from './mcp-request.js';

/**
 * The token-endpoint baseline: node-oidc-provider with its default memory
 * adapter (variant `memory`) or a plain `Map` adapter (variant `map`),
 * configured like our built-in provider (public client, refresh rotation,
 * ES256 JWT access tokens for the MCP resource, no ID token). The initial
 * refresh tokens (one per load chain) are minted through its own models.
 */
export async function startServer(spec: ServerSpec): Promise<StartedServer> {
  if (spec.variant !== 'memory' && spec.variant !== 'map')
    throw new Error(`unknown oidc-provider variant ${spec.variant}`);
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const provider = new Provider(`http://127.0.0.1:${port}`, {
    ...(spec.variant === 'map' && { adapter: mapAdapterFactory() }),
    clients: [
      {
        client_id: BENCH_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bench', alg: 'ES256', use: 'sig' }] as any },
    scopes: [BENCH_SCOPE],
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => BENCH_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: BENCH_SCOPE,
          audience: BENCH_RESOURCE,
          accessTokenTTL: 3600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
    rotateRefreshToken: true,
    issueRefreshToken: () => true,
    findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
    ttl: { RefreshToken: 86_400, AccessToken: 3600, Grant: 86_400 },
  } as any);
  server.on('request', provider.callback());

  const client = await provider.Client.find(BENCH_CLIENT_ID);
  const tokens: string[] = [];
  for (let i = 0; i < (spec.tokenCount ?? 1); i++) {
    const grant = new provider.Grant({ accountId: BENCH_SUBJECT, clientId: BENCH_CLIENT_ID });
    grant.addResourceScope(BENCH_RESOURCE, BENCH_SCOPE);
    const grantId = await grant.save();
    const refreshToken = new provider.RefreshToken({
      client,
      accountId: BENCH_SUBJECT,
      grantId,
      gty: 'authorization_code',
      scope: BENCH_SCOPE,
      resource: BENCH_RESOURCE,
    } as any);
    tokens.push(await refreshToken.save());
  }
  return {
    port,
    tokens,
    extra: { clientId: BENCH_CLIENT_ID, tokenPath: '/token' },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

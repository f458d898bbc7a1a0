import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OidcProvider from 'oidc-provider';

/** A confidential client of the external authorization server (client credentials grant). */
export interface ExternalClient {
  clientId: string;
  clientSecret: string;
  /** The scopes it may ask for, space-separated. */
  scope: string;
}

/** A real OAuth authorization server standing in for Keycloak, Auth0 or Entra in resource-server tests. */
export interface ExternalAuthorizationServer {
  issuer: string;
  /** Its metadata's `jwks_uri`. */
  jwksUri: string;
  /** An RFC 9068 JWT access token from the client credentials grant, for `resource` (RFC 8707). */
  accessToken(client: ExternalClient, options: { scope: string; resource: string }): Promise<string>;
  close(): Promise<void>;
}

const Provider = OidcProvider as new (
  issuer: string,
  configuration: Record<string, unknown>,
) => {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
};

/**
 * Starts `oidc-provider` on loopback: client credentials, resource indicators
 * (every resource is a resource server whose tokens are ES256-signed JWTs
 * with `typ: at+jwt`, `aud` = the resource, `scope`, `client_id`, `sub`).
 */
export async function startExternalAuthorizationServer(
  clients: ExternalClient[],
): Promise<ExternalAuthorizationServer> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const allScopes = [...new Set(clients.flatMap((client) => client.scope.split(' ')))];
  const provider = new Provider(issuer, {
    clients: clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
      scope: client.scope,
    })),
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'external-as-key', alg: 'ES256', use: 'sig' }] },
    scopes: allScopes,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => ({
          scope: allScopes.join(' '),
          audience: resource,
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    async accessToken(client, { scope, resource }) {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource }).toString(),
      });
      const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
      if (!body.access_token) throw new Error(`external token request failed: ${body.error} ${body.error_description}`);
      return body.access_token;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

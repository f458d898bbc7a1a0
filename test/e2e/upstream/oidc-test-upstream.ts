import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OidcProvider from 'oidc-provider';

/** The parts of `oidc-provider` (which ships no types; see bench/vendor-types.d.ts) these tests use. */
interface TestProvider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<{ prompt: { name: string }; params: Record<string, unknown>; session?: { accountId?: string } }>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>;
  Grant: new (input: { accountId: string; clientId: string }) => {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  };
}

const Provider = OidcProvider as new (issuer: string, configuration: Record<string, unknown>) => TestProvider;

/** What the test upstream's interaction does with the next sign-in. */
export type UpstreamUserAction = { accountId: string } | 'deny';

/** Options of {@link startOidcTestUpstream}. */
export interface OidcTestUpstreamOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Upstream access-token lifetime in seconds. */
  accessTokenTtl?: number;
}

/** A real OpenID Connect provider (`oidc-provider`) on 127.0.0.1, random port. */
export interface OidcTestUpstream {
  issuer: string;
  /** Decides how the next interactions end (sign in as an account, or deny). */
  nextUser: UpstreamUserAction;
  close(): Promise<void>;
}

/**
 * Starts `oidc-provider` on loopback with one confidential client, PKCE
 * required, refresh tokens, and an interaction route that the test drives
 * through `nextUser` (login, consent, or `access_denied`) via
 * `provider.interactionFinished`.
 */
export async function startOidcTestUpstream(options: OidcTestUpstreamOptions): Promise<OidcTestUpstream> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const server: Server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state: OidcTestUpstream = { issuer, nextUser: { accountId: 'user-1' }, close: () => close(server) };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    cookies: { keys: ['upstream-test-cookie-key'] },
    jwks: {
      keys: [
        {
          ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
          kid: 'upstream-key',
          alg: 'RS256',
          use: 'sig',
        },
      ],
    },
    findAccount: async (_ctx: unknown, accountId: string) => ({
      accountId,
      claims: async () => ({ sub: accountId, name: `Test ${accountId}`, email: `${accountId}@upstream.test` }),
    }),
    claims: { openid: ['sub'], profile: ['name'], email: ['email'] },
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    issueRefreshToken: async () => true,
    ttl: {
      AccessToken: options.accessTokenTtl ?? 3600,
      IdToken: 3600,
      Interaction: 600,
      Session: 600,
      Grant: 3600,
      RefreshToken: 86400,
    },
  });
  const callback = provider.callback();

  handler = (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return callback(req, res);
    void finishInteraction(provider, state.nextUser, req, res).catch(() => {
      res.statusCode = 500;
      res.end();
    });
  };
  return state;
}

async function finishInteraction(
  provider: TestProvider,
  action: UpstreamUserAction,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (action === 'deny') {
    return provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'User denied' },
      { mergeWithLastSubmission: false },
    );
  }
  if (details.prompt.name === 'login') {
    return provider.interactionFinished(
      req,
      res,
      { login: { accountId: action.accountId } },
      { mergeWithLastSubmission: false },
    );
  }
  const grant = new provider.Grant({
    accountId: details.session!.accountId!,
    clientId: String(details.params.client_id),
  });
  grant.addOIDCScope(String(details.params.scope));
  return provider.interactionFinished(
    req,
    res,
    { consent: { grantId: await grant.save() } },
    { mergeWithLastSubmission: true },
  );
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A loopback server that accepts connections and never answers (upstream timeout). */
export async function startSilentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => close(server) };
}

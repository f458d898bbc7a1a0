import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, jwtVerify, createLocalJWKSet, type JWK } from 'jose';
import { clientSigningKey, type ClientSigningKey } from './client-assertion.js';

/** `requested_token_type` / `issued_token_type` of an ID-JAG (draft-ietf-oauth-identity-assertion-authz-grant §4.3). */
export const ID_JAG_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id-jag';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';

/** What an ID-JAG says; every claim can be overridden (or removed with `undefined`). */
export interface IdJagClaims {
  sub: string;
  aud: string;
  client_id: string;
  resource: string;
  scope?: string;
  [claim: string]: unknown;
}

/**
 * A local enterprise identity provider on loopback http: it publishes its
 * JWKS at `/jwks`, signs real ID-JAGs with jose (`typ: oauth-id-jag+jwt`),
 * issues ID tokens for its users, and runs an RFC 8693 token exchange at
 * `/token` (ID token → ID-JAG) as the MCP ext-auth profile describes, so
 * clients can fetch ID-JAGs the way they would from Okta.
 */
export interface EnterpriseIdp {
  issuer: string;
  jwksUrl: string;
  tokenEndpoint: string;
  /** How many times `/jwks` was fetched. */
  jwksFetches: number;
  /** A signed ID-JAG; `header` overrides the protected header (e.g. `typ`), `key` signs with another key. */
  idJag(
    claims: IdJagClaims,
    options?: { header?: Record<string, unknown>; key?: ClientSigningKey; lifetimeSeconds?: number },
  ): Promise<string>;
  /** An ID token for `sub`, audience `clientId` (the client at the IdP). */
  idToken(sub: string, clientId: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts the IdP on 127.0.0.1 with an ES256 key. */
export async function startEnterpriseIdp(): Promise<EnterpriseIdp> {
  const key = await clientSigningKey('ES256', `idp-${randomUUID().slice(0, 8)}`);
  const jwks = { keys: [key.publicJwk as JWK] };
  let jwksFetches = 0;
  let issuer = '';

  const sign = async (
    claims: Record<string, unknown>,
    header: Record<string, unknown>,
    signer: ClientSigningKey,
  ): Promise<string> =>
    new SignJWT(claims as never)
      .setProtectedHeader({ alg: signer.alg, kid: signer.kid, ...header } as never)
      .sign(signer.privateKey);

  const idJag: EnterpriseIdp['idJag'] = async (claims, options = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = {
      iss: issuer,
      iat: now,
      exp: now + (options.lifetimeSeconds ?? 120),
      jti: randomUUID(),
      ...claims,
    };
    for (const name of Object.keys(payload)) if (payload[name] === undefined) delete payload[name];
    return sign(payload, { typ: 'oauth-id-jag+jwt', ...options.header }, options.key ?? key);
  };
  const idToken: EnterpriseIdp['idToken'] = async (sub, clientId) => {
    const now = Math.floor(Date.now() / 1000);
    return sign({ iss: issuer, sub, aud: clientId, iat: now, exp: now + 300 }, { typ: 'JWT' }, key);
  };

  const server: Server = createServer((req, res) => {
    void handle(req).then(
      ({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(body));
      },
      () => {
        res.writeHead(500).end();
      },
    );
  });
  async function handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    if (req.method === 'GET' && req.url === '/jwks') {
      jwksFetches += 1;
      return { status: 200, body: jwks };
    }
    if (req.method === 'POST' && req.url === '/token') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      if (form.get('grant_type') !== TOKEN_EXCHANGE || form.get('requested_token_type') !== ID_JAG_TOKEN_TYPE)
        return { status: 400, body: { error: 'unsupported_grant_type' } };
      if (form.get('subject_token_type') !== ID_TOKEN_TYPE) return { status: 400, body: { error: 'invalid_request' } };
      const idpClientId = form.get('client_id') ?? '';
      let subject: string;
      try {
        const { payload } = await jwtVerify(form.get('subject_token') ?? '', createLocalJWKSet(jwks), {
          issuer,
          audience: idpClientId,
        });
        subject = payload.sub!;
      } catch {
        return { status: 400, body: { error: 'invalid_grant', error_description: 'subject_token invalid' } };
      }
      const scope = form.get('scope') ?? undefined;
      const assertion = await idJag({
        sub: subject,
        aud: form.get('audience') ?? '',
        resource: form.get('resource') ?? '',
        client_id: mcpClientIdFor(idpClientId),
        scope,
      });
      return {
        status: 200,
        body: {
          issued_token_type: ID_JAG_TOKEN_TYPE,
          access_token: assertion,
          token_type: 'N_A',
          expires_in: 120,
          ...(scope && { scope }),
        },
      };
    }
    return { status: 404, body: { error: 'not_found' } };
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  issuer = `http://127.0.0.1:${port}`;
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    tokenEndpoint: `${issuer}/token`,
    get jwksFetches() {
      return jwksFetches;
    },
    idJag,
    idToken,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The IdP's mapping from its own client id to the client's id at the MCP
 * authorization server (MCP "Enterprise-Managed Authorization" §6.1: configured
 * out of band). Here: `idp-<mcp client id>` → `<mcp client id>`.
 */
function mcpClientIdFor(idpClientId: string): string {
  return idpClientId.replace(/^idp-/, '');
}

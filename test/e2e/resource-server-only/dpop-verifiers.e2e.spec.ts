import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntrospectionTokenVerifier } from '../../../lib/verifiers/introspection-token-verifier.js';
import { JwksTokenVerifier } from '../../../lib/verifiers/jwks-token-verifier.js';
import { type DpopTestKey, dpopKey, dpopProof, jwtPayload } from '../../support/dpop-proofs.js';
import { client, ecKeyPem, issueCode } from '../../support/provider-fixtures.js';
import { AS_ISSUER, RS_RESOURCE, startAuthorizationServer, startResourceServer } from './rs-only-apps.js';

describe('resource-server-only mode: JWTs carrying cnf.jkt require DPoP (RFC 9449 §7, S69)', () => {
  let as: Awaited<ReturnType<typeof startAuthorizationServer>>;
  let rs: Awaited<ReturnType<typeof startResourceServer>>;
  let key: DpopTestKey;

  beforeAll(async () => {
    as = await startAuthorizationServer([{ kid: 'k1', privateKey: ecKeyPem().privateKey }], {});
    rs = await startResourceServer(new JwksTokenVerifier({ jwksUri: `${as.url}/jwks`, issuer: AS_ISSUER }));
    key = await dpopKey();
  });
  afterAll(async () => {
    await rs?.app.close();
    await as?.app.close();
  });

  async function boundToken(): Promise<string> {
    await as.provider.registerClient(client);
    const code = await issueCode(as.provider);
    const loaded = await as.provider.loadAuthorizationCode(client, code);
    const tokens = await as.provider.exchangeAuthorizationCode(client, loaded!, { dpopJkt: key.jkt });
    expect(tokens.tokenType).toBe('DPoP');
    expect(jwtPayload(tokens.accessToken).cnf).toEqual({ jkt: key.jkt });
    return tokens.accessToken;
  }

  const dpopCall = (token: string, proof: string) =>
    request(rs.app.getHttpServer()).get('/mcp').set('Authorization', `DPoP ${token}`).set('DPoP', proof);

  it('S69 RS-only JWT with cnf.jkt: refused as Bearer, accepted with a DPoP proof by the key, replay refused by the local cache', async () => {
    const token = await boundToken();
    const asBearer = await rs.call(token);
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers['www-authenticate']).toMatch(/^DPoP .*error="invalid_token".*algs="/);

    const proof = await dpopProof(key, { htm: 'GET', htu: RS_RESOURCE, accessToken: token });
    expect((await dpopCall(token, proof)).status).toBe(200);
    const replay = await dpopCall(token, proof);
    expect(replay.status).toBe(401);
    expect(replay.headers['www-authenticate']).toMatch(/error="invalid_dpop_proof"/);

    const other = await dpopKey();
    const wrongKey = await dpopCall(
      token,
      await dpopProof(other, { htm: 'GET', htu: RS_RESOURCE, accessToken: token }),
    );
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });

  it('S69 RS-only: an unbound JWT still works as Bearer', async () => {
    await as.provider.registerClient(client);
    const code = await issueCode(as.provider);
    const tokens = await as.provider.exchangeAuthorizationCode(
      client,
      (await as.provider.loadAuthorizationCode(client, code))!,
    );
    expect(tokens.tokenType).toBe('Bearer');
    expect((await rs.call(tokens.accessToken)).status).toBe(200);
  });

  it('S69 RS-only with introspection: the response carries cnf.jkt and token_type DPoP, so the bound token requires DPoP', async () => {
    await as.provider.registerClient({
      clientId: 'resource server',
      clientSecret: 'rs-secret',
      redirectUris: ['https://rs.example/unused'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      grantTypes: ['client_credentials'],
      responseTypes: [],
    });
    const introspecting = await startResourceServer(
      new IntrospectionTokenVerifier({
        introspectionEndpoint: `${as.url}/introspect`,
        clientId: 'resource server',
        clientSecret: 'rs-secret',
        issuer: AS_ISSUER,
        cacheTtlMs: 0,
      }),
    );
    try {
      const token = await boundToken();
      const introspection = await request(as.app.getHttpServer())
        .post('/introspect')
        .auth('resource server', 'rs-secret')
        .type('form')
        .send({ token });
      expect(introspection.body).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: key.jkt } });
      expect((await introspecting.call(token)).status).toBe(401);
      const proof = await dpopProof(key, { htm: 'GET', htu: RS_RESOURCE, accessToken: token });
      const ok = await request(introspecting.app.getHttpServer())
        .get('/mcp')
        .set('Authorization', `DPoP ${token}`)
        .set('DPoP', proof);
      expect(ok.status).toBe(200);
    } finally {
      await introspecting.app.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DpopTestKey, dpopKey, dpopProof, jwtPayload } from '../../support/dpop-proofs.js';
import { type DpopApp, RESOURCE, TOKEN_URL, confidentialClient, startDpopApp } from './dpop-apps.js';

const MCP_PATH = '/mcp';

describe('DPoP at the token endpoint and the guard (RFC 9449)', () => {
  let t: DpopApp;
  let key: DpopTestKey;
  let otherKey: DpopTestKey;

  beforeAll(async () => {
    t = await startDpopApp();
    key = await dpopKey();
    otherKey = await dpopKey('PS256');
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Tokens bound to `key` through the authorization code grant. */
  async function boundTokens(): Promise<{ access_token: string; refresh_token: string }> {
    const res = await t.redeem(await t.code(), await t.tokenProof(key));
    expect(res.status).toBe(200);
    return res.body as { access_token: string; refresh_token: string };
  }

  /** A request to the guarded endpoint with the DPoP scheme and a proof (overridable). */
  async function dpopCall(
    token: string,
    proofKey = key,
    claims: { htm?: string; htu?: string; iat?: number; jti?: string; ath?: string } = {},
    method: 'get' | 'post' = 'get',
  ) {
    const proof = await dpopProof(proofKey, {
      htm: claims.htm ?? method.toUpperCase(),
      htu: claims.htu ?? RESOURCE,
      accessToken: token,
      ...claims,
    });
    return { proof, res: await t.http[method](MCP_PATH).set('Authorization', `DPoP ${token}`).set('DPoP', proof) };
  }

  it('S69 metadata advertises dpop_signing_alg_values_supported (authorization server and protected resource)', async () => {
    const as = await t.http.get('/.well-known/oauth-authorization-server');
    expect(as.body.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256', 'PS256', 'EdDSA']));
    expect(as.body.dpop_signing_alg_values_supported).not.toContain('HS256');
    const prm = await t.http.get('/.well-known/oauth-protected-resource/mcp');
    expect(prm.body.dpop_signing_alg_values_supported).toEqual(as.body.dpop_signing_alg_values_supported);
  });

  it('S69 a token request with a proof gets token_type DPoP and an access token with cnf.jkt = the key thumbprint', async () => {
    const tokens = await boundTokens();
    expect(tokens).toMatchObject({ token_type: 'DPoP' });
    expect(jwtPayload(tokens.access_token).cnf).toEqual({ jkt: key.jkt });
    const { res } = await dpopCall(tokens.access_token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ subject: 'alice' });
  });

  it('S69 a token request without a proof stays Bearer (no cnf)', async () => {
    const res = await t.redeem(await t.code());
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
    expect(jwtPayload(res.body.access_token).cnf).toBeUndefined();
  });

  it('S69 token endpoint: invalid proofs are 400 invalid_dpop_proof (typ, htm, htu, old iat, private jwk, replayed jti, two proofs)', async () => {
    const now = t.nowSeconds();
    const bad = [
      await dpopProof(key, { htm: 'POST', htu: TOKEN_URL, iat: now }, { typ: 'JWT' }),
      await dpopProof(key, { htm: 'GET', htu: TOKEN_URL, iat: now }),
      await dpopProof(key, { htm: 'POST', htu: `${RESOURCE}`, iat: now }),
      await dpopProof(key, { htm: 'POST', htu: TOKEN_URL, iat: now - 3600 }),
      `${await t.tokenProof(key)}, ${await t.tokenProof(key)}`,
    ];
    for (const proof of bad) {
      const code = await t.code();
      const res = await t.redeem(code, proof);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_dpop_proof');
      expect(res.headers['cache-control']).toBe('no-store');
      expect((await t.redeem(code, await t.tokenProof(key))).status).toBe(200);
    }
    const replayed = await t.tokenProof(key);
    expect((await t.redeem(await t.code(), replayed)).status).toBe(200);
    const again = await t.redeem(await t.code(), replayed);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({
      error: 'invalid_dpop_proof',
      error_description: expect.stringMatching(/replay/),
    });
  });

  it('S69 refresh of a public client: bound to the key; another key or no proof is invalid_grant, the same key works and stays bound', async () => {
    const tokens = await boundTokens();
    const withOther = await t.refresh(tokens.refresh_token, await t.tokenProof(otherKey));
    expect(withOther.status).toBe(400);
    expect(withOther.body.error).toBe('invalid_grant');
    const without = await t.refresh(tokens.refresh_token);
    expect(without.status).toBe(400);
    expect(without.body.error).toBe('invalid_grant');
    const refreshed = await t.refresh(tokens.refresh_token, await t.tokenProof(key));
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.token_type).toBe('DPoP');
    expect(jwtPayload(refreshed.body.access_token).cnf).toEqual({ jkt: key.jkt });
    const next = await t.refresh(refreshed.body.refresh_token, await t.tokenProof(otherKey));
    expect(next.body.error).toBe('invalid_grant');
    expect((await t.refresh(refreshed.body.refresh_token, await t.tokenProof(key))).status).toBe(200);
  });

  it('S69 a confidential client keeps an unbound refresh token (it is bound to client authentication, RFC 9449 §5)', async () => {
    const code = await t.code(confidentialClient);
    const first = await t.redeem(code, await t.tokenProof(key), confidentialClient);
    expect(first.status).toBe(200);
    expect(first.body.token_type).toBe('DPoP');
    const refreshed = await t.refresh(first.body.refresh_token, await t.tokenProof(otherKey), confidentialClient);
    expect(refreshed.status).toBe(200);
    expect(jwtPayload(refreshed.body.access_token).cnf).toEqual({ jkt: otherKey.jkt });
  });

  it('S69 a bound token replayed as Bearer: 401 with WWW-Authenticate: DPoP error="invalid_token" and algs', async () => {
    const { access_token } = await boundTokens();
    const res = await t.http.get(MCP_PATH).set('Authorization', `Bearer ${access_token}`);
    expect(res.status).toBe(401);
    const challenge = res.headers['www-authenticate'];
    expect(challenge).toMatch(/^DPoP /);
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toMatch(/algs="[^"]*ES256[^"]*"/);
    expect(challenge).not.toMatch(/Bearer/);
    const withProof = await t.http
      .get(MCP_PATH)
      .set('Authorization', `Bearer ${access_token}`)
      .set('DPoP', await dpopProof(key, { htm: 'GET', htu: RESOURCE, accessToken: access_token }));
    expect(withProof.status).toBe(401);
  });

  it('S69 a bound token with a proof of another key: 401 invalid_token (DPoP challenge)', async () => {
    const { access_token } = await boundTokens();
    const { res } = await dpopCall(access_token, otherKey);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^DPoP .*error="invalid_token"/);
  });

  it('S69 a proof for another URL or method, a wrong ath, an old iat, a replayed jti: 401 invalid_dpop_proof', async () => {
    const { access_token } = await boundTokens();
    const attempts = [
      { htu: 'http://127.0.0.1:1234/other' },
      { htu: 'https://127.0.0.1:1234/mcp' },
      { htm: 'POST' },
      { ath: 'A'.repeat(43) },
      { iat: Math.floor(Date.now() / 1000) - 3600 },
    ];
    for (const claims of attempts) {
      const { res } = await dpopCall(access_token, key, claims);
      expect(res.status, JSON.stringify(claims)).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^DPoP .*error="invalid_dpop_proof"/);
    }
    const { proof, res: first } = await dpopCall(access_token);
    expect(first.status).toBe(200);
    const replay = await t.http.get(MCP_PATH).set('Authorization', `DPoP ${access_token}`).set('DPoP', proof);
    expect(replay.status).toBe(401);
    expect(replay.body.error_description).toMatch(/replay/);
    const noProof = await t.http.get(MCP_PATH).set('Authorization', `DPoP ${access_token}`);
    expect(noProof.status).toBe(401);
    expect(noProof.headers['www-authenticate']).toMatch(/^DPoP .*error="invalid_dpop_proof"/);
    const post = await dpopCall(access_token, key, {}, 'post');
    expect(post.res.status).toBe(201);
  });

  it('S69 unbound Bearer tokens keep working; an unbound token with the DPoP scheme is refused', async () => {
    const res = await t.redeem(await t.code());
    const bearer = res.body.access_token as string;
    const ok = await t.http.get(MCP_PATH).set('Authorization', `Bearer ${bearer}`);
    expect(ok.status).toBe(200);
    const { res: asDpop } = await dpopCall(bearer);
    expect(asDpop.status).toBe(401);
    expect(asDpop.headers['www-authenticate']).toMatch(/^DPoP .*error="invalid_token"/);
    const invalid = await t.http.get(MCP_PATH).set('Authorization', 'Bearer nope');
    expect(invalid.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
  });

  it('S69 missing credentials: challenges for both schemes, the DPoP one with algs', async () => {
    const res = await t.http.get(MCP_PATH);
    expect(res.status).toBe(401);
    const header = res.headers['www-authenticate'] as string;
    expect(header).toMatch(/^Bearer resource_metadata="[^"]+"/);
    expect(header).toMatch(/, DPoP resource_metadata="[^"]+", algs="[^"]*ES256/);
    expect(header).not.toContain('error=');
  });
});

describe('DPoP server nonces (RFC 9449 §8, §9)', () => {
  let t: DpopApp;
  let key: DpopTestKey;

  beforeAll(async () => {
    t = await startDpopApp({ nonce: { secret: 'n'.repeat(32), rotationSeconds: 60, resourceServer: true } });
    key = await dpopKey();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('S69 nonce required at the token endpoint: 400 use_dpop_nonce with DPoP-Nonce, the retry works, nonces rotate', async () => {
    const code = await t.code();
    const first = await t.redeem(code, await t.tokenProof(key));
    expect(first.status).toBe(400);
    expect(first.body.error).toBe('use_dpop_nonce');
    const nonce = first.headers['dpop-nonce'] as string;
    expect(nonce).toMatch(/^[A-Za-z0-9._-]+$/);
    const wrong = await t.redeem(code, await t.tokenProof(key, `${nonce}x`));
    expect(wrong.body.error).toBe('use_dpop_nonce');
    const ok = await t.redeem(code, await t.tokenProof(key, nonce));
    expect(ok.status).toBe(200);
    expect(ok.body.token_type).toBe('DPoP');
    expect(ok.headers['dpop-nonce']).toBe(nonce);

    t.clock.advanceSeconds(60);
    const stillOk = await t.refresh(ok.body.refresh_token, await t.tokenProof(key, nonce));
    expect(stillOk.status).toBe(200);
    const rotated = stillOk.headers['dpop-nonce'] as string;
    expect(rotated).not.toBe(nonce);

    t.clock.advanceSeconds(120);
    const stale = await t.refresh(stillOk.body.refresh_token, await t.tokenProof(key, nonce));
    expect(stale.status).toBe(400);
    expect(stale.body.error).toBe('use_dpop_nonce');
    const fresh = stale.headers['dpop-nonce'] as string;
    expect([nonce, rotated]).not.toContain(fresh);
    expect((await t.refresh(stillOk.body.refresh_token, await t.tokenProof(key, fresh))).status).toBe(200);
  });

  it('S69 nonce required at the resource: 401 DPoP error="use_dpop_nonce" with DPoP-Nonce, then accepted', async () => {
    const code = await t.code();
    const nonce = (await t.redeem(code, await t.tokenProof(key))).headers['dpop-nonce'] as string;
    const tokens = (await t.redeem(code, await t.tokenProof(key, nonce))).body as { access_token: string };
    const call = (proofNonce?: string) =>
      dpopProof(key, { htm: 'GET', htu: RESOURCE, accessToken: tokens.access_token, nonce: proofNonce }).then((proof) =>
        t.http.get('/mcp').set('Authorization', `DPoP ${tokens.access_token}`).set('DPoP', proof),
      );
    const challenged = await call();
    expect(challenged.status).toBe(401);
    expect(challenged.headers['www-authenticate']).toMatch(/^DPoP .*error="use_dpop_nonce"/);
    const rsNonce = challenged.headers['dpop-nonce'] as string;
    expect(rsNonce).toBeTruthy();
    const ok = await call(rsNonce);
    expect(ok.status).toBe(200);
  });
});

describe('DPoP switched off (dpop.enabled: false)', () => {
  let t: DpopApp;

  beforeAll(async () => {
    t = await startDpopApp({ enabled: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('S69 off: a proof is ignored (Bearer tokens), nothing is advertised, challenges are Bearer only', async () => {
    const key = await dpopKey();
    const res = await t.redeem(await t.code(), await t.tokenProof(key));
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
    expect(jwtPayload(res.body.access_token).cnf).toBeUndefined();
    const as = await t.http.get('/.well-known/oauth-authorization-server');
    expect(as.body.dpop_signing_alg_values_supported).toBeUndefined();
    const anonymous = await t.http.get(MCP_PATH);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer [^,]*resource_metadata="[^"]+"$/);
    const dpopScheme = await t.http.get(MCP_PATH).set('Authorization', `DPoP ${res.body.access_token}`);
    expect(dpopScheme.status).toBe(401);
    expect(dpopScheme.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
  });
});

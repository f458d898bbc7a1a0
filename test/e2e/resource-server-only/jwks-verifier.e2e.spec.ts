import type { INestApplication } from '@nestjs/common';
import { SignJWT, importPKCS8 } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { JwksTokenVerifier } from '../../../lib/verifiers/jwks-token-verifier.js';
import { ecKeyPem, issueTokens } from '../../support/provider-fixtures.js';
import { AS_ISSUER, type HitCounter, startAuthorizationServer, startResourceServer } from './rs-only-apps.js';

describe('resource-server-only mode with JwksTokenVerifier against the built-in provider', () => {
  const k1Pair = ecKeyPem();
  const k1 = { kid: 'k1', privateKey: k1Pair.privateKey };
  const k2 = { kid: 'k2', privateKey: ecKeyPem().privateKey };
  const hits: HitCounter = {};
  let as: Awaited<ReturnType<typeof startAuthorizationServer>>;
  let rs: Awaited<ReturnType<typeof startResourceServer>>;
  let otherAudienceAs: INestApplication | undefined;
  const jwksHits = () => hits['/jwks'] ?? 0;

  beforeAll(async () => {
    as = await startAuthorizationServer([k1], hits);
    const verifier = new JwksTokenVerifier({ jwksUri: `${as.url}/jwks`, issuer: AS_ISSUER, refetchCooldownMs: 30_000 });
    rs = await startResourceServer(verifier);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    await rs?.app.close();
    await as?.app.close();
    await otherAudienceAs?.close();
  });

  it('accepts a token of the authorization server; the key set is fetched once and cached', async () => {
    const { accessToken } = await issueTokens(as.provider);
    expect((await rs.call(accessToken)).status).toBe(200);
    expect((await rs.call(accessToken)).status).toBe(200);
    expect(jwksHits()).toBe(1);
  });

  it('S4 a token whose audience is another resource: 401 invalid_token', async () => {
    const hitsOther: HitCounter = {};
    const other = await startAuthorizationServer([k1], hitsOther, 0, 'https://other.example/mcp');
    otherAudienceAs = other.app;
    const { accessToken } = await issueTokens(other.provider);
    const res = await rs.call(accessToken);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(res.body.error_description).toBe('The access token is not intended for this resource');
  });

  it('S5 S2 a token signed by an unpublished key, with HS256, or from another issuer: 401', async () => {
    const foreignKey = await importPKCS8(ecKeyPem().privateKey, 'ES256');
    const base = { client_id: 'c', scope: 'notes:read', aud: 'http://127.0.0.1:4300/mcp', sub: 'alice' };
    const sign = (claims: Record<string, unknown>, kid: string, key = foreignKey, alg = 'ES256') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg, kid, typ: 'at+jwt' })
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(key);
    const forged = await sign({ ...base, iss: AS_ISSUER }, 'k1');
    expect((await rs.call(forged)).status).toBe(401);
    const hs = await sign(
      { ...base, iss: AS_ISSUER },
      'k1',
      new TextEncoder().encode('x'.repeat(32)) as never,
      'HS256',
    );
    expect((await rs.call(hs)).status).toBe(401);
    const before = jwksHits();
    const unknownKid = await sign({ ...base, iss: AS_ISSUER }, 'never-published');
    expect((await rs.call(unknownKid)).status).toBe(401);
    expect(jwksHits()).toBe(before);
  });

  it('S45 a rotated-in key verifies after a refetch; refetches on unknown kid are rate-limited', async () => {
    const port = Number(new URL(as.url).port);
    await as.app.close();
    as = await startAuthorizationServer([k2, { kid: 'k1', publicKey: k1Pair.publicKey }], hits, port);
    const { accessToken: rotated } = await issueTokens(as.provider);
    expect(JSON.parse(Buffer.from(rotated.split('.')[0], 'base64url').toString()).kid).toBe('k2');
    const before = jwksHits();

    const withinCooldown = await rs.call(rotated);
    expect(withinCooldown.status).toBe(401);
    expect(jwksHits()).toBe(before);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    expect((await rs.call(rotated)).status).toBe(200);
    expect(jwksHits()).toBe(before + 1);
    for (let i = 0; i < 5; i++) expect((await rs.call(rotated)).status).toBe(200);
    expect(jwksHits()).toBe(before + 1);

    const stillValidOldKeyToken = await issueTokensSignedWith(k1.privateKey);
    expect((await rs.call(stillValidOldKeyToken)).status).toBe(200);
    const foreign = await importPKCS8(ecKeyPem().privateKey, 'ES256');
    for (let i = 0; i < 5; i++) {
      const token = await new SignJWT({ iss: AS_ISSUER, client_id: 'c', aud: 'http://127.0.0.1:4300/mcp' })
        .setProtectedHeader({ alg: 'ES256', kid: `unknown-${i}`, typ: 'at+jwt' })
        .setExpirationTime('5m')
        .sign(foreign);
      expect((await rs.call(token)).status).toBe(401);
    }
    expect(jwksHits()).toBe(before + 1);
  });

  it('S49 an unreachable JWKS endpoint on a cold verifier: 503 temporarily_unavailable, not 401 or 500', async () => {
    const cold = await startResourceServer(
      new JwksTokenVerifier({ jwksUri: 'http://127.0.0.1:9/jwks', issuer: AS_ISSUER, fetchTimeoutMs: 1000 }),
    );
    const { accessToken } = await issueTokens(as.provider);
    const res = await cold.call(accessToken);
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    await cold.app.close();
  });

  /** A token signed with the old key k1 (still published after rotation), as the previous AS instance issued. */
  async function issueTokensSignedWith(privateKeyPem: string): Promise<string> {
    const previous = await startAuthorizationServer([{ kid: 'k1', privateKey: privateKeyPem }], {});
    const { accessToken } = await issueTokens(previous.provider);
    await previous.app.close();
    return accessToken;
  }
});

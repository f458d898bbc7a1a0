import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { ASYMMETRIC_JWS_ALGORITHMS } from '../../../lib/rules/asymmetric-jws-algorithms.js';
import { DpopNonces } from '../../../lib/rules/dpop-nonce.js';
import {
  type DpopProofCheck,
  DpopProofError,
  accessTokenHash,
  dpopProofReplayExpiryMs,
  normalizeHtu,
  verifyDpopProof,
} from '../../../lib/rules/dpop-proof.js';
import { dpopKey, dpopProof } from '../../support/dpop-proofs.js';

const URL_ = 'https://mcp.example.com/mcp';
const NOW = 1_900_000_000;

function check(overrides: Partial<DpopProofCheck> = {}): DpopProofCheck {
  return {
    method: 'POST',
    url: URL_,
    algorithms: ASYMMETRIC_JWS_ALGORITHMS,
    nowSeconds: NOW,
    maxAgeSeconds: 300,
    clockSkewSeconds: 5,
    ...overrides,
  };
}

async function refusal(proof: Promise<string> | string, c: DpopProofCheck = check()): Promise<DpopProofError> {
  try {
    await verifyDpopProof(await proof, c);
  } catch (error) {
    if (error instanceof DpopProofError) return error;
    throw error;
  }
  throw new Error('the proof was accepted');
}

describe('DPoP proof verification (RFC 9449 §4.3)', () => {
  it('S69 accepts a valid proof and returns the RFC 7638 thumbprint, jti and iat', async () => {
    for (const alg of ['ES256', 'PS256', 'EdDSA']) {
      const key = await dpopKey(alg);
      const proof = await dpopProof(key, { htm: 'POST', htu: URL_, iat: NOW, jti: `j-${alg}` });
      await expect(verifyDpopProof(proof, check())).resolves.toEqual({ jkt: key.jkt, jti: `j-${alg}`, iat: NOW });
    }
  });

  it('S69 refuses a wrong typ, a symmetric or unlisted alg, a missing or private jwk and a bad signature', async () => {
    const key = await dpopKey();
    const claims = { htm: 'POST', htu: URL_, iat: NOW };
    expect((await refusal(dpopProof(key, claims, { typ: 'JWT' }))).reason).toMatch(/typ/);
    expect((await refusal(dpopProof(key, claims), check({ algorithms: ['RS256'] }))).reason).toMatch(/algorithm/);
    const secret = new TextEncoder().encode('x'.repeat(32));
    const hs = await new SignJWT({ ...claims, jti: 'h' })
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: 'eHh4' } as never })
      .sign(secret);
    expect((await refusal(hs)).reason).toMatch(/algorithm/);
    const privateJwk = await exportJWK(key.privateKey);
    expect((await refusal(dpopProof(key, claims, { jwk: privateJwk }))).reason).toMatch(/public key/);
    expect((await refusal(dpopProof(key, claims, { jwk: undefined }))).reason).toMatch(/jwk/);
    const other = await generateKeyPair('ES256');
    const forged = await new SignJWT({ ...claims, jti: 'f' })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk })
      .sign(other.privateKey);
    expect((await refusal(forged)).reason).toMatch(/signature/);
    expect((await refusal('not-a-jwt')).error).toBe('invalid_dpop_proof');
    expect((await refusal('a'.repeat(9000))).reason).toMatch(/too long/);
  });

  it('S69 refuses a proof for another method or URL; query and fragment are ignored, normalisation applies', async () => {
    const key = await dpopKey();
    const proof = (htm: string, htu: string) => dpopProof(key, { htm, htu, iat: NOW });
    expect((await refusal(proof('GET', URL_))).reason).toMatch(/htm/);
    expect((await refusal(proof('post', URL_))).reason).toMatch(/htm/);
    expect((await refusal(proof('POST', 'https://mcp.example.com/other'))).reason).toMatch(/htu/);
    expect((await refusal(proof('POST', 'https://evil.example/mcp'))).reason).toMatch(/htu/);
    expect((await refusal(proof('POST', 'http://mcp.example.com/mcp'))).reason).toMatch(/htu/);
    expect((await refusal(proof('POST', 'not a url'))).reason).toMatch(/htu/);
    for (const same of [
      'HTTPS://MCP.Example.COM:443/mcp',
      'https://mcp.example.com/mcp?x=1#f',
      'https://mcp.example.com/a/../mcp',
      'https://mcp.example.com/%6Dcp',
    ]) {
      await expect(verifyDpopProof(await proof('POST', same), check())).resolves.toMatchObject({ jkt: key.jkt });
    }
  });

  it('S69 refuses an old iat, an iat in the future beyond the skew, a missing jti', async () => {
    const key = await dpopKey();
    expect((await refusal(dpopProof(key, { htm: 'POST', htu: URL_, iat: NOW - 306 }))).reason).toMatch(/too old/);
    expect((await refusal(dpopProof(key, { htm: 'POST', htu: URL_, iat: NOW + 6 }))).reason).toMatch(/future/);
    await expect(
      verifyDpopProof(await dpopProof(key, { htm: 'POST', htu: URL_, iat: NOW - 304 }), check()),
    ).resolves.toBeDefined();
    const noJti = await new SignJWT({ htm: 'POST', htu: URL_, iat: NOW })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk })
      .sign(key.privateKey);
    expect((await refusal(noJti)).reason).toMatch(/jti/);
  });

  it('S69 at the resource: ath must be the hash of the presented access token', async () => {
    const key = await dpopKey();
    const c = check({ method: 'GET', accessToken: 'token-a' });
    expect(accessTokenHash('token-a')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const good = await dpopProof(key, { htm: 'GET', htu: URL_, iat: NOW, accessToken: 'token-a' });
    await expect(verifyDpopProof(good, c)).resolves.toMatchObject({ jkt: key.jkt });
    const wrong = await dpopProof(key, { htm: 'GET', htu: URL_, iat: NOW, accessToken: 'token-b' });
    expect((await refusal(wrong, c)).reason).toMatch(/ath/);
    const none = await dpopProof(key, { htm: 'GET', htu: URL_, iat: NOW });
    expect((await refusal(none, c)).reason).toMatch(/ath/);
  });

  it('S69 a required nonce: missing or refused is use_dpop_nonce', async () => {
    const key = await dpopKey();
    const c = check({ acceptNonce: (nonce) => nonce === 'n-1' });
    expect((await refusal(dpopProof(key, { htm: 'POST', htu: URL_, iat: NOW }), c)).error).toBe('use_dpop_nonce');
    expect((await refusal(dpopProof(key, { htm: 'POST', htu: URL_, iat: NOW, nonce: 'n-0' }), c)).error).toBe(
      'use_dpop_nonce',
    );
    const good = await dpopProof(key, { htm: 'POST', htu: URL_, iat: NOW, nonce: 'n-1' });
    await expect(verifyDpopProof(good, c)).resolves.toMatchObject({ jkt: key.jkt });
  });

  it('S69 the replay memory outlives the acceptance window of the proof', () => {
    const c = check();
    expect(dpopProofReplayExpiryMs({ jkt: 'k', jti: 'j', iat: NOW }, c)).toBeGreaterThan((NOW + 300 + 5) * 1000);
  });

  it('normalizes htu per RFC 3986 §6.2.2 and §6.2.3', () => {
    expect(normalizeHtu('HTTPS://Example.COM:443/a/./b/../c?q#f')).toBe('https://example.com/a/c');
    expect(normalizeHtu('http://example.com:80')).toBe('http://example.com/');
    expect(normalizeHtu('http://example.com:8080/x')).toBe('http://example.com:8080/x');
    expect(normalizeHtu('https://example.com/%7euser/%2f')).toBe('https://example.com/~user/%2F');
    expect(normalizeHtu('ftp://example.com/')).toBeUndefined();
    expect(normalizeHtu('/relative')).toBeUndefined();
  });
});

describe('DPoP server nonces (RFC 9449 §8)', () => {
  it('S69 nonces rotate: accepted in their slot and the next, refused after; other secrets disagree', () => {
    const nonces = new DpopNonces(Buffer.alloc(32, 1), 300);
    const first = nonces.current(NOW);
    expect(nonces.accepts(first, NOW)).toBe(true);
    expect(nonces.accepts(first, NOW + 300)).toBe(true);
    expect(nonces.current(NOW + 300)).not.toBe(first);
    expect(nonces.accepts(first, NOW + 600)).toBe(false);
    expect(new DpopNonces(Buffer.alloc(32, 1), 300).accepts(first, NOW)).toBe(true);
    expect(new DpopNonces(Buffer.alloc(32, 2), 300).accepts(first, NOW)).toBe(false);
    expect(nonces.accepts(`${first}x`, NOW)).toBe(false);
    expect(nonces.accepts('x'.repeat(500), NOW)).toBe(false);
  });
});

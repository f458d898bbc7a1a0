import * as crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFuzzApp, type FuzzApp } from '../support/fuzz/fuzz-app.js';
import { type FlowSecrets, runFullFlow } from '../support/fuzz/oauth-flow.js';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const SAMPLES = 6;
const BASE64URL_128 = /^[A-Za-z0-9_-]{22,}$/;

/** The random part of every value the HTTP endpoints issued (JWT access tokens: their `jti`). */
function issuedValues(secrets: FlowSecrets): Record<string, string> {
  const jti = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()).jti as string;
  return {
    clientSecret: secrets.clientSecret,
    code: secrets.code,
    refreshToken: secrets.refreshToken,
    rotatedRefreshToken: secrets.rotatedRefreshToken,
    accessTokenJti: jti(secrets.accessToken),
    rotatedAccessTokenJti: jti(secrets.rotatedAccessToken),
    sessionCookie: secrets.sessionCookie,
    interactionId: secrets.interactionId,
    csrfToken: secrets.csrfToken,
  };
}

describe('entropy of issued values and constant-time comparisons', () => {
  let t: FuzzApp;
  const samples: Array<Record<string, string>> = [];
  const timingSafeEqual = vi.mocked(crypto.timingSafeEqual);

  beforeAll(async () => {
    t = await createFuzzApp();
    timingSafeEqual.mockClear();
    for (let i = 0; i < SAMPLES; i += 1) samples.push(issuedValues((await runFullFlow(t)).secrets));
  });
  afterAll(() => t?.close());

  it('S47 codes, refresh tokens, client secrets, access-token ids, session and interaction ids: base64url, at least 22 chars (128 bits), all distinct', () => {
    const all = samples.flatMap((sample) => Object.entries(sample));
    for (const [name, value] of all) expect(value, name).toMatch(BASE64URL_128);
    expect(new Set(all.map(([, value]) => value)).size).toBe(all.length);
    const alphabet = new Set(all.flatMap(([, value]) => [...value]));
    expect(alphabet.size).toBeGreaterThan(56);
  });

  it('S37 S16 client secrets and PKCE verifiers are compared with crypto.timingSafeEqual', () => {
    const comparedLengths = timingSafeEqual.mock.calls.map(([a]) => (a as Buffer).length);
    expect(timingSafeEqual).toHaveBeenCalled();
    expect(comparedLengths, 'PKCE: S256 challenges (43 chars)').toContain(43);
    expect(comparedLengths, 'client secrets: SHA-256 digests (32 bytes)').toContain(32);
    expect(timingSafeEqual.mock.calls.length).toBeGreaterThanOrEqual(SAMPLES * 3);
  });
});

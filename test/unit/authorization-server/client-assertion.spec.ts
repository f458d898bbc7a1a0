import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { RemoteJwksCache } from '../../../lib/cimd/remote-jwks-cache.js';
import type { MetadataDocumentFetcher } from '../../../lib/cimd/metadata-document-fetcher.js';
import { InvalidClientError } from '../../../lib/errors/oauth-error.js';
import type { ClientJsonWebKeySet, OAuthClientInformation } from '../../../lib/interfaces/oauth-models.js';
import { verifyClientAssertion, type ClientAssertionCheck } from '../../../lib/rules/client-assertion-verifier.js';
import { DEFAULT_CLIENT_ASSERTION_ALGORITHMS } from '../../../lib/services/private-key-jwt-options.js';
import { MemoryOAuthStore } from '../../../lib/stores/memory-oauth-store.js';

const ISSUER = 'https://as.example.com';
const TOKEN_ENDPOINT = `${ISSUER}/token`;
const CLIENT_ID = 'https://client.example.com/oauth/client.json';
const JWKS_URI = 'https://client.example.com/oauth/jwks.json';
const NOW = 1_900_000_000;

interface TestKey {
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function testKey(alg: string, kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

let rsa: TestKey;
let ec: TestKey;
let ed: TestKey;
let ps: TestKey;
let stranger: TestKey;
let seq = 0;

beforeAll(async () => {
  [rsa, ec, ed, ps, stranger] = await Promise.all([
    testKey('RS256', 'rsa-1'),
    testKey('ES256', 'ec-1'),
    testKey('EdDSA', 'ed-1'),
    testKey('PS256', 'ps-1'),
    testKey('RS256', 'rsa-1'),
  ]);
});

interface AssertionOptions {
  key?: TestKey;
  kid?: string | null;
  claims?: Record<string, unknown>;
  omit?: string[];
}

/** A signed assertion; claims default to a valid one for CLIENT_ID. */
async function assertion(options: AssertionOptions = {}): Promise<string> {
  const key = options.key ?? rsa;
  const claims: Record<string, unknown> = {
    iss: CLIENT_ID,
    sub: CLIENT_ID,
    aud: ISSUER,
    iat: NOW,
    exp: NOW + 60,
    jti: `jti-${++seq}`,
    ...options.claims,
  };
  for (const name of options.omit ?? []) delete claims[name];
  const kid = options.kid === undefined ? (key.publicJwk.kid as string) : options.kid;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, ...(kid === null ? {} : { kid }) })
    .sign(key.privateKey);
}

const client = (overrides: Partial<OAuthClientInformation> = {}): OAuthClientInformation => ({
  clientId: CLIENT_ID,
  redirectUris: ['https://client.example.com/cb'],
  tokenEndpointAuthMethod: 'private_key_jwt',
  grantTypes: ['authorization_code'],
  responseTypes: ['code'],
  ...overrides,
});

function check(keys: () => JWK[], overrides: Partial<ClientAssertionCheck> = {}): ClientAssertionCheck {
  const store = new MemoryOAuthStore({ sweepIntervalMs: 0, clock: { now: () => NOW * 1000 } });
  return {
    audiences: [ISSUER, TOKEN_ENDPOINT],
    algorithms: DEFAULT_CLIENT_ASSERTION_ALGORITHMS,
    maxLifetimeSeconds: 300,
    clockSkewSeconds: 5,
    nowSeconds: NOW,
    keySet: async () => ({ keys: keys() }),
    remoteKeySet: false,
    markUsedOnce: (namespace, id, expiresAtMs) => store.markUsedOnce(namespace, id, expiresAtMs),
    ...overrides,
  };
}

const inlineKeys = () => [rsa.publicJwk, ec.publicJwk, ed.publicJwk, ps.publicJwk];

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidClientError);
  expect((error as InvalidClientError).getStatus()).toBe(401);
  return (error as InvalidClientError).description ?? '';
}

describe('private_key_jwt client assertion checks (RFC 7523 §3)', () => {
  it('S65 accepts RS256, ES256, EdDSA and PS256 assertions signed by a key of the client', async () => {
    const c = check(inlineKeys);
    for (const key of [rsa, ec, ed, ps]) {
      await expect(verifyClientAssertion(await assertion({ key }), client(), c)).resolves.toBeUndefined();
    }
  });

  it('S65 aud may be the issuer or the token endpoint, as a string or an array containing one', async () => {
    const c = check(inlineKeys);
    for (const aud of [ISSUER, TOKEN_ENDPOINT, [TOKEN_ENDPOINT], ['https://other.example', ISSUER]]) {
      await expect(verifyClientAssertion(await assertion({ claims: { aud } }), client(), c)).resolves.toBeUndefined();
    }
  });

  it('S65 refuses a wrong aud', async () => {
    const c = check(inlineKeys);
    for (const aud of ['https://other.example', `${ISSUER}/`, [`${ISSUER}/introspect`], `${TOKEN_ENDPOINT}x`]) {
      expect(await refusal(verifyClientAssertion(await assertion({ claims: { aud } }), client(), c))).toContain('aud');
    }
  });

  it('S65 refuses an iss or sub other than the client_id', async () => {
    const c = check(inlineKeys);
    expect(
      await refusal(verifyClientAssertion(await assertion({ claims: { iss: 'someone-else' } }), client(), c)),
    ).toContain('iss');
    expect(
      await refusal(verifyClientAssertion(await assertion({ claims: { sub: 'someone-else' } }), client(), c)),
    ).toContain('sub');
    expect(await refusal(verifyClientAssertion(await assertion({ omit: ['sub'] }), client(), c))).toContain('sub');
  });

  it('S65 refuses an expired assertion (beyond the clock skew), and one without exp', async () => {
    const c = check(inlineKeys);
    expect(
      await refusal(verifyClientAssertion(await assertion({ claims: { iat: NOW - 100, exp: NOW - 6 } }), client(), c)),
    ).toContain('expired');
    await expect(
      verifyClientAssertion(await assertion({ claims: { iat: NOW - 100, exp: NOW - 4 } }), client(), c),
    ).resolves.toBeUndefined();
    expect(await refusal(verifyClientAssertion(await assertion({ omit: ['exp'] }), client(), c))).toContain('exp');
  });

  it('S65 refuses a lifetime beyond the limit: exp too far ahead, or exp − iat too long', async () => {
    const c = check(inlineKeys);
    expect(
      await refusal(verifyClientAssertion(await assertion({ claims: { exp: NOW + 3600 } }), client(), c)),
    ).toContain('longer than 300 seconds');
    expect(
      await refusal(verifyClientAssertion(await assertion({ omit: ['iat'], claims: { exp: NOW + 306 } }), client(), c)),
    ).toContain('longer than 300 seconds');
    expect(
      await refusal(verifyClientAssertion(await assertion({ claims: { iat: NOW - 280, exp: NOW + 30 } }), client(), c)),
    ).toContain('longer than 300 seconds');
    await expect(
      verifyClientAssertion(await assertion({ claims: { iat: NOW, exp: NOW + 300 } }), client(), c),
    ).resolves.toBeUndefined();
  });

  it('S65 refuses an assertion without jti', async () => {
    const c = check(inlineKeys);
    expect(await refusal(verifyClientAssertion(await assertion({ omit: ['jti'] }), client(), c))).toContain('jti');
    expect(await refusal(verifyClientAssertion(await assertion({ claims: { jti: 42 } }), client(), c))).toContain(
      'jti',
    );
  });

  it('S65 refuses a replayed jti; a forged assertion cannot burn a jti', async () => {
    const c = check(inlineKeys);
    const forged = await assertion({ key: stranger, claims: { jti: 'shared-jti' } });
    expect(await refusal(verifyClientAssertion(forged, client(), c))).toContain('signature');
    const genuine = await assertion({ claims: { jti: 'shared-jti' } });
    await expect(verifyClientAssertion(genuine, client(), c)).resolves.toBeUndefined();
    expect(await refusal(verifyClientAssertion(genuine, client(), c))).toContain('already used');
    const sameJtiNewToken = await assertion({ key: ec, claims: { jti: 'shared-jti' } });
    expect(await refusal(verifyClientAssertion(sameJtiNewToken, client(), c))).toContain('already used');
  });

  it('S65 the same jti from two different clients is not a replay', async () => {
    const c = check(inlineKeys);
    const other = 'https://other.example.com/client.json';
    await expect(
      verifyClientAssertion(await assertion({ claims: { jti: 'per-client' } }), client(), c),
    ).resolves.toBeUndefined();
    await expect(
      verifyClientAssertion(
        await assertion({ claims: { jti: 'per-client', iss: other, sub: other } }),
        client({ clientId: other }),
        c,
      ),
    ).resolves.toBeUndefined();
  });

  it('S65 refuses HS256, even when the HMAC secret is the client public key', async () => {
    const c = check(inlineKeys);
    const secret = new TextEncoder().encode(JSON.stringify(rsa.publicJwk));
    const hs256 = await new SignJWT({ iss: CLIENT_ID, sub: CLIENT_ID, aud: ISSUER, exp: NOW + 60, jti: 'hs' })
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .sign(secret);
    expect(await refusal(verifyClientAssertion(hs256, client(), c))).toContain('HS256 is not accepted');
  });

  it('S65 refuses alg none (an unsecured JWT)', async () => {
    const c = check(inlineKeys);
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsecured = `${encode({ alg: 'none' })}.${encode({ iss: CLIENT_ID, sub: CLIENT_ID, aud: ISSUER, exp: NOW + 60, jti: 'n' })}.`;
    expect(await refusal(verifyClientAssertion(unsecured, client(), c))).toContain('none is not accepted');
    expect(await refusal(verifyClientAssertion('not-a-jwt', client(), c))).toContain('not a JWS');
  });

  it("S65 refuses an assertion signed by a key that is not in the client's set", async () => {
    const c = check(() => [ec.publicJwk]);
    expect(await refusal(verifyClientAssertion(await assertion({ key: rsa }), client(), c))).toContain('no key');
    const sameKidOtherKey = check(() => [rsa.publicJwk]);
    expect(
      await refusal(verifyClientAssertion(await assertion({ key: stranger }), client(), sameKidOtherKey)),
    ).toContain('signature');
    const noKid = await assertion({ key: stranger, kid: null });
    expect(await refusal(verifyClientAssertion(noKid, client(), sameKidOtherKey))).toContain('signature');
  });

  it('S65 refuses an alg other than the client registered token_endpoint_auth_signing_alg', async () => {
    const c = check(inlineKeys);
    const registeredRs256 = client({ tokenEndpointAuthSigningAlg: 'RS256' });
    await expect(verifyClientAssertion(await assertion({ key: rsa }), registeredRs256, c)).resolves.toBeUndefined();
    expect(await refusal(verifyClientAssertion(await assertion({ key: ec }), registeredRs256, c))).toContain(
      'must be signed with RS256',
    );
  });
});

describe('private_key_jwt with a jwks_uri key set (unknown kid → one refetch, cooldown)', () => {
  let served: ClientJsonWebKeySet;
  let fetches = 0;
  let nowMs = NOW * 1000;
  const fetcher: MetadataDocumentFetcher = async () => {
    fetches++;
    return {
      status: 200,
      contentType: 'application/json',
      cacheControl: 'max-age=3600',
      body: new TextEncoder().encode(JSON.stringify(served)),
    };
  };
  const cache = () =>
    new RemoteJwksCache({
      fetch: fetcher,
      timeoutMs: 1000,
      allowPrivateNetworks: false,
      maxBytes: 16_384,
      minCacheSeconds: 60,
      maxCacheSeconds: 86_400,
      defaultCacheSeconds: 300,
      refetchCooldownSeconds: 60,
      maxEntries: 10,
      now: () => nowMs,
    });
  const remoteCheck = (jwks: RemoteJwksCache): ClientAssertionCheck =>
    check(() => [], {
      keySet: (refresh) => jwks.keySet(JWKS_URI, { refresh }),
      remoteKeySet: true,
      nowSeconds: Math.floor(nowMs / 1000),
    });

  it('S65 an unknown kid refetches the jwks_uri once (not within the cooldown after a fetch), then fails', async () => {
    served = { keys: [rsa.publicJwk] };
    fetches = 0;
    nowMs = NOW * 1000;
    const jwks = cache();
    await expect(verifyClientAssertion(await assertion({ key: rsa }), client(), remoteCheck(jwks))).resolves.toBe(
      undefined,
    );
    expect(fetches).toBe(1);
    expect(await refusal(verifyClientAssertion(await assertion({ key: ec }), client(), remoteCheck(jwks)))).toContain(
      'no key',
    );
    expect(fetches).toBe(1);
    nowMs += 61_000;
    expect(await refusal(verifyClientAssertion(await assertion({ key: ec }), client(), remoteCheck(jwks)))).toContain(
      'no key',
    );
    expect(fetches).toBe(2);
    expect(await refusal(verifyClientAssertion(await assertion({ key: ec }), client(), remoteCheck(jwks)))).toContain(
      'no key',
    );
    expect(fetches).toBe(2);
    await expect(verifyClientAssertion(await assertion({ key: rsa }), client(), remoteCheck(jwks))).resolves.toBe(
      undefined,
    );
    expect(fetches).toBe(2);
  });

  it('S65 a rotated key is found by the refetch an unknown kid triggers after the cooldown', async () => {
    served = { keys: [rsa.publicJwk] };
    fetches = 0;
    nowMs = NOW * 1000;
    const jwks = cache();
    await verifyClientAssertion(await assertion({ key: rsa }), client(), remoteCheck(jwks));
    served = { keys: [rsa.publicJwk, ec.publicJwk] };
    nowMs += 61_000;
    await expect(verifyClientAssertion(await assertion({ key: ec }), client(), remoteCheck(jwks))).resolves.toBe(
      undefined,
    );
    expect(fetches).toBe(2);
  });

  it('S65 a jwks_uri document with private key material, an oct key or too many bytes is refused', async () => {
    fetches = 0;
    const privateJwk = await exportJWK(rsa.privateKey);
    for (const [document, rule] of [
      [{ keys: [{ ...privateJwk, kid: 'rsa-1' }] }, 'private member "d"'],
      [{ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'o' }] }, 'symmetric'],
      [{ keys: [rsa.publicJwk], padding: 'x'.repeat(17_000) }, 'larger than 16384 bytes'],
    ] as const) {
      served = document as unknown as ClientJsonWebKeySet;
      const error = await refusal(verifyClientAssertion(await assertion({ key: rsa }), client(), remoteCheck(cache())));
      expect(error).toContain(rule);
    }
  });

  it('S41 S65 a jwks_uri that is not https, has userinfo or names a loopback host is refused without fetching', async () => {
    fetches = 0;
    const jwks = cache();
    for (const url of [
      'http://client.example.com/jwks.json',
      'https://u@client.example.com/jwks',
      'https://localhost/jwks',
      'https://127.0.0.1/jwks',
    ]) {
      const error = await jwks.keySet(url).then(
        () => '',
        (e: InvalidClientError) => e.description ?? '',
      );
      expect(error).toMatch(/jwks_uri refused/);
    }
    expect(fetches).toBe(0);
  });
});

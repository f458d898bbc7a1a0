import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  KeyObject,
} from 'node:crypto';

/** JWS algorithms the built-in provider signs access tokens with (RFC 7518 §3.1). */
export type SigningAlgorithm = 'ES256' | 'ES384' | 'ES512' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512';

/** Key material: a PEM string, a JWK (RFC 7517) or a Node `KeyObject`. */
export type KeyMaterial = string | JsonWebKey | KeyObject;

/**
 * One access-token signing key. The first key of the list signs; every key
 * verifies, so a rotated-out key can stay (public part only) until the tokens
 * it signed expire (S45).
 */
export interface SigningKeyInput {
  /** Key id (`kid`). @default the RFC 7638 JWK thumbprint of the public key */
  kid?: string;
  /** @default ES256/ES384/ES512 by curve for EC keys, RS256 for RSA keys */
  alg?: SigningAlgorithm;
  /** Private key; required for the first (signing) key. */
  privateKey?: KeyMaterial;
  /** Public key; derived from `privateKey` when absent. */
  publicKey?: KeyMaterial;
}

/** A loaded key. */
export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey?: KeyObject;
  publicKey: KeyObject;
  /** Public JWK as published in the JWKS (RFC 7517 §4). */
  publicJwk: Record<string, unknown>;
}

const CURVE_ALGORITHMS: Record<string, SigningAlgorithm> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };

/** Thrown at startup for unusable signing keys. */
export class SigningKeyError extends Error {
  constructor(message: string) {
    super(`DefaultOAuthProvider: ${message}`);
    this.name = 'SigningKeyError';
  }
}

/** Loads and checks the configured keys; the first must be able to sign. */
export function loadSigningKeys(inputs: SigningKeyInput[]): SigningKey[] {
  const keys = inputs.map((input, index) => loadSigningKey(input, index));
  if (!keys[0]?.privateKey) throw new SigningKeyError('the first signing key needs a privateKey');
  const kids = new Set(keys.map((key) => key.kid));
  if (kids.size !== keys.length) throw new SigningKeyError('signing key ids (kid) must be unique');
  return keys;
}

/** A fresh ES256 key pair (used when no key is configured). */
export function generateEphemeralSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return loadSigningKey({ privateKey }, 0);
}

function loadSigningKey(input: SigningKeyInput, index: number): SigningKey {
  const privateKey = input.privateKey === undefined ? undefined : toKeyObject(input.privateKey, 'private', index);
  const publicKey =
    input.publicKey !== undefined
      ? toKeyObject(input.publicKey, 'public', index)
      : privateKey && createPublicKey(privateKey);
  if (!publicKey) throw new SigningKeyError(`signing key #${index} needs a privateKey or a publicKey`);
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const alg = input.alg ?? defaultAlgorithm(jwk, index);
  assertAlgorithmFitsKey(alg, jwk, index);
  const kid = input.kid ?? thumbprint(jwk);
  return { kid, alg, privateKey, publicKey, publicJwk: { ...jwk, kid, alg, use: 'sig' } };
}

function toKeyObject(material: KeyMaterial, type: 'private' | 'public', index: number): KeyObject {
  try {
    if (material instanceof KeyObject) {
      if (material.type === 'secret') throw new Error('symmetric');
      return type === 'public' && material.type === 'private' ? createPublicKey(material) : material;
    }
    const input = typeof material === 'string' ? material : { key: material, format: 'jwk' as const };
    return type === 'private' ? createPrivateKey(input) : createPublicKey(input);
  } catch {
    throw new SigningKeyError(`signing key #${index}: the ${type} key is not a valid asymmetric PEM, JWK or KeyObject`);
  }
}

function defaultAlgorithm(jwk: Record<string, unknown>, index: number): SigningAlgorithm {
  if (jwk.kty === 'EC' && typeof jwk.crv === 'string' && CURVE_ALGORITHMS[jwk.crv]) return CURVE_ALGORITHMS[jwk.crv];
  if (jwk.kty === 'RSA') return 'RS256';
  throw new SigningKeyError(`signing key #${index}: unsupported key type (use an EC P-256/384/521 or RSA key)`);
}

function assertAlgorithmFitsKey(alg: SigningAlgorithm, jwk: Record<string, unknown>, index: number): void {
  const fits = alg.startsWith('ES')
    ? jwk.kty === 'EC' && CURVE_ALGORITHMS[jwk.crv as string] === alg
    : jwk.kty === 'RSA';
  if (!fits) throw new SigningKeyError(`signing key #${index}: algorithm ${alg} does not fit the key`);
  if (jwk.kty === 'RSA' && Buffer.from(jwk.n as string, 'base64url').length < 256) {
    throw new SigningKeyError(`signing key #${index}: RSA keys need at least 2048 bits`);
  }
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of a public EC or RSA key. */
export function thumbprint(jwk: Record<string, unknown>): string {
  const members =
    jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

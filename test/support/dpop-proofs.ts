import { randomUUID } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { accessTokenHash } from '../../lib/rules/dpop-proof.js';

/** A client's DPoP key: the private key signs proofs, the public JWK goes in their header. */
export interface DpopTestKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** RFC 7638 thumbprint: what `cnf.jkt` must hold. */
  jkt: string;
  alg: string;
}

/** A fresh DPoP key pair (ES256 unless told). */
export async function dpopKey(alg = 'ES256'): Promise<DpopTestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk, 'sha256'), alg };
}

/** What a proof claims; anything left out gets the correct value. */
export interface ProofClaims {
  htm: string;
  htu: string;
  iat?: number;
  jti?: string;
  /** The access token whose `ath` the proof carries. */
  accessToken?: string;
  ath?: string;
  nonce?: string;
}

/** A DPoP proof JWT (RFC 9449 §4.2) signed by `key`; `header` overrides the JOSE header (wrong typ, private jwk). */
export async function dpopProof(
  key: DpopTestKey,
  claims: ProofClaims,
  header: Record<string, unknown> = {},
): Promise<string> {
  const payload: Record<string, unknown> = {
    htm: claims.htm,
    htu: claims.htu,
    jti: claims.jti ?? randomUUID(),
    iat: claims.iat ?? Math.floor(Date.now() / 1000),
  };
  const ath = claims.ath ?? (claims.accessToken === undefined ? undefined : accessTokenHash(claims.accessToken));
  if (ath !== undefined) payload.ath = ath;
  if (claims.nonce !== undefined) payload.nonce = claims.nonce;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, typ: 'dpop+jwt', jwk: key.publicJwk, ...header } as never)
    .sign(key.privateKey);
}

/** The payload of a JWT, unverified (to read `cnf` of an issued access token). */
export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** `client_assertion_type` of RFC 7523 §2.2. */
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A client signing key pair for tests: the private key signs, `publicJwk` is what the client publishes. */
export interface ClientSigningKey {
  alg: string;
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** PKCS#8 PEM of the private key (for client libraries that import PEM). */
  privateKeyPem: string;
}

/** Generates an extractable key pair for `alg` with public JWK `{ kid, alg, use: 'sig' }`. */
export async function clientSigningKey(alg: string, kid: string): Promise<ClientSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const { createPrivateKey } = await import('node:crypto');
  const privateKeyPem = createPrivateKey({ key: (await exportJWK(privateKey)) as never, format: 'jwk' })
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
  return { alg, kid, privateKey, privateKeyPem, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** Signs a `private_key_jwt` assertion for `clientId` (RFC 7523 §3), valid for 60 s unless claims say otherwise. */
export function signClientAssertion(
  key: ClientSigningKey,
  clientId: string,
  audience: string | string[],
  claims: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: clientId,
    sub: clientId,
    aud: audience,
    iat: now,
    exp: now + 60,
    jti: randomUUID(),
    ...claims,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}

import type { ClientJsonWebKeySet } from '../interfaces/oauth-models.js';

/** Most keys accepted in one client key set (`jwks` or the document at `jwks_uri`). */
export const MAX_CLIENT_JWKS_KEYS = 20;

/** JWK members that carry private or secret key material (RFC 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037 §2). */
const PRIVATE_KEY_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** Key types that can verify an asymmetric signature (RFC 7518 §6, RFC 8037). */
const ASYMMETRIC_KEY_TYPES = new Set(['RSA', 'EC', 'OKP']);

/**
 * Why `value` is not an acceptable client key set, or `undefined` when it is
 * (RFC 7591 §2 `jwks`, RFC 7517 §5): a JSON object with a non-empty `keys` array
 * of at most {@link MAX_CLIENT_JWKS_KEYS} objects, each an asymmetric PUBLIC key
 * (`kty` RSA, EC or OKP; never `oct`, never a private member such as `d`, `p`, `q`),
 * usable for signatures (`use` absent or `sig`).
 */
export function clientJwksProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'jwks must be a JSON object';
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) return 'jwks.keys must be a non-empty array';
  if (keys.length > MAX_CLIENT_JWKS_KEYS) return `jwks.keys must hold at most ${MAX_CLIENT_JWKS_KEYS} keys`;
  for (const key of keys as unknown[]) {
    if (typeof key !== 'object' || key === null || Array.isArray(key)) return 'every key in jwks must be an object';
    const jwk = key as Record<string, unknown>;
    if (jwk.kty === 'oct') return 'jwks must not contain symmetric (oct) keys';
    if (typeof jwk.kty !== 'string' || !ASYMMETRIC_KEY_TYPES.has(jwk.kty))
      return 'every key in jwks must have kty RSA, EC or OKP';
    const privateMember = PRIVATE_KEY_MEMBERS.find((member) => member in jwk);
    if (privateMember) return `jwks must hold public keys only (a key has the private member "${privateMember}")`;
    if (jwk.use !== undefined && jwk.use !== 'sig') return 'a key in jwks has a use other than sig';
    if (jwk.kid !== undefined && typeof jwk.kid !== 'string') return 'a key in jwks has a kid that is not a string';
    if (jwk.alg !== undefined && typeof jwk.alg !== 'string') return 'a key in jwks has an alg that is not a string';
  }
  return undefined;
}

/** A deep copy of a key set that passed {@link clientJwksProblem}, as JSON-safe data. */
export function copyClientJwks(value: unknown): ClientJsonWebKeySet {
  return JSON.parse(JSON.stringify(value)) as ClientJsonWebKeySet;
}

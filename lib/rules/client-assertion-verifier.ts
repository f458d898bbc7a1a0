import { createLocalJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWK } from 'jose';
import { InvalidClientError } from '../errors/oauth-error.js';
import type { ClientJsonWebKeySet, OAuthClientInformation } from '../interfaces/oauth-models.js';
import { hashValue } from './secure-values.js';

/** `client_assertion_type` of a JWT client assertion (RFC 7523 §2.2). */
export const JWT_BEARER_CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Namespace of assertion identifiers in the one-time store (`markUsedOnce`). */
export const CLIENT_ASSERTION_REPLAY_NAMESPACE = 'client_assertion';

/** Longest `jti` accepted. */
const MAX_JTI_LENGTH = 256;

/** What {@link verifyClientAssertion} needs besides the assertion and the client. */
export interface ClientAssertionCheck {
  /** The issuer identifier and the token endpoint URL: the two accepted `aud` values (RFC 7523 §3 item 3). */
  audiences: readonly string[];
  /** Accepted JWS algorithms (asymmetric only). */
  algorithms: readonly string[];
  /** Longest accepted lifetime, seconds. */
  maxLifetimeSeconds: number;
  clockSkewSeconds: number;
  /** Seconds since epoch. */
  nowSeconds: number;
  /**
   * The client's public keys: its `jwks`, or the document at its `jwks_uri`
   * (`refresh` asks for a refetch, honoured at most once per cooldown).
   */
  keySet(refresh: boolean): Promise<ClientJsonWebKeySet>;
  /** Whether the key set comes from `jwks_uri` (an unknown `kid` then triggers one refetch). */
  remoteKeySet: boolean;
  /** The one-time store (`OAuthStore.markUsedOnce`). */
  markUsedOnce(namespace: string, id: string, expiresAtMs: number): Promise<boolean>;
}

/**
 * Verifies a `private_key_jwt` client assertion (RFC 7523 §2.2 and §3, RFC 7521 §4.2, S65):
 *
 * - signed with a key of the client's key set, by an accepted asymmetric `alg` (never
 *   `none` or HMAC), and the client's registered `token_endpoint_auth_signing_alg` when it has one;
 * - `iss` = `sub` = `client_id`; `aud` names the issuer or the token endpoint (a string,
 *   or an array containing one);
 * - `exp` present and in the future, no further away than `maxLifetimeSeconds` (plus the
 *   clock skew), and no more than that after `iat` when `iat` is present; `nbf` honoured;
 * - `jti` present, and never accepted twice before the assertion expires (one-time store,
 *   checked only after the signature verified, so nobody can burn another client's `jti`).
 *
 * An unknown `kid` with a `jwks_uri` key set refetches the set once (cooldown-bound) and retries.
 *
 * @throws InvalidClientError (401 `invalid_client`) describing what failed, never echoing the assertion
 */
export async function verifyClientAssertion(
  assertion: string,
  client: OAuthClientInformation,
  check: ClientAssertionCheck,
): Promise<void> {
  const fail = (reason: string): never => {
    throw new InvalidClientError(`Client authentication failed: ${reason}`);
  };
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(assertion).alg;
  } catch {
    fail('the client assertion is not a JWS compact serialization');
  }
  if (typeof alg !== 'string' || !check.algorithms.includes(alg))
    fail(`the client assertion algorithm ${String(alg)} is not accepted`);
  if (client.tokenEndpointAuthSigningAlg && alg !== client.tokenEndpointAuthSigningAlg)
    fail(`the client assertion must be signed with ${client.tokenEndpointAuthSigningAlg}`);

  const verify = async (refresh: boolean) =>
    jwtVerify(assertion, createLocalJWKSet((await check.keySet(refresh)) as { keys: JWK[] }), {
      algorithms: [alg as string],
      issuer: client.clientId,
      subject: client.clientId,
      audience: [...check.audiences],
      requiredClaims: ['exp', 'jti'],
      clockTolerance: check.clockSkewSeconds,
      currentDate: new Date(check.nowSeconds * 1000),
    });
  let payload: Awaited<ReturnType<typeof verify>>['payload'];
  try {
    try {
      payload = (await verify(false)).payload;
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey) || !check.remoteKeySet) throw error;
      payload = (await verify(true)).payload;
    }
  } catch (error) {
    if (error instanceof InvalidClientError) throw error;
    return fail(joseFailure(error));
  }

  const exp = payload.exp!;
  if (exp - check.nowSeconds > check.maxLifetimeSeconds + check.clockSkewSeconds)
    fail(`the client assertion lives longer than ${check.maxLifetimeSeconds} seconds`);
  if (typeof payload.iat === 'number' && exp - payload.iat > check.maxLifetimeSeconds)
    fail(`the client assertion lives longer than ${check.maxLifetimeSeconds} seconds`);
  if (typeof payload.iat === 'number' && payload.iat > check.nowSeconds + check.clockSkewSeconds)
    fail('the client assertion was issued in the future');
  const jti = payload.jti;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH)
    fail('the client assertion jti must be a non-empty string');
  const firstUse = await check.markUsedOnce(
    CLIENT_ASSERTION_REPLAY_NAMESPACE,
    hashValue(JSON.stringify([client.clientId, jti])),
    (exp + check.clockSkewSeconds + 1) * 1000,
  );
  if (!firstUse) fail('the client assertion was already used (jti replay)');
}

function joseFailure(error: unknown): string {
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no key of the client matches the client assertion';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the client assertion signature is invalid';
  if (error instanceof joseErrors.JWTExpired) return 'the client assertion has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return `the client assertion claim ${error.claim} is missing or wrong`;
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'the client assertion algorithm is not accepted';
  return 'the client assertion could not be verified';
}

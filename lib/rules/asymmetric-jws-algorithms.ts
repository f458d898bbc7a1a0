/**
 * The asymmetric JWS algorithms accepted by default wherever a JWT is verified (access tokens from
 * a remote JWKS, client assertions): RFC 7518 §3.1 and RFC 8037 §3.1; never `none` or HMAC
 * (RFC 8725 §3.1).
 */
export const ASYMMETRIC_JWS_ALGORITHMS: readonly string[] = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
]);

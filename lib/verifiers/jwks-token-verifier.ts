import { Logger } from '@nestjs/common';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { TemporarilyUnavailableError } from '../errors/oauth-error.js';
import type { AccessToken } from '../interfaces/oauth-models.js';
import type { TokenVerifier } from '../interfaces/token-verifier.interface.js';
import { accessTokenFromClaims } from './access-token-claims.js';
import { ASYMMETRIC_JWS_ALGORITHMS } from '../rules/asymmetric-jws-algorithms.js';

/** Asymmetric JWS algorithms accepted by default (RFC 7518 §3.1); never `none` or HMAC (RFC 8725 §3.1). */
export const DEFAULT_JWT_ALGORITHMS: readonly string[] = ASYMMETRIC_JWS_ALGORITHMS;

/** Options of {@link JwksTokenVerifier}. */
export interface JwksTokenVerifierOptions {
  /** The authorization server's JWKS URL (its metadata's `jwks_uri`). */
  jwksUri: string;
  /** Expected `iss`, identical to the authorization server's issuer identifier (S5). */
  issuer: string;
  /** Accepted `alg` values; symmetric algorithms and `none` are refused. @default DEFAULT_JWT_ALGORITHMS */
  algorithms?: string[];
  /** Required JOSE `typ` (RFC 9068 §2.1); `false` accepts any. @default 'at+jwt' */
  tokenType?: string | false;
  /** Leeway for `exp`/`nbf`, in seconds (S3). @default 5 */
  clockSkewSeconds?: number;
  /** Least time between two JWKS fetches caused by an unknown `kid` (S45). @default 30000 */
  refetchCooldownMs?: number;
  /** How long a fetched key set is used before it is fetched again. @default 600000 (10 min) */
  cacheMaxAgeMs?: number;
  /** Bound of one JWKS fetch. @default 5000 */
  fetchTimeoutMs?: number;
}

const INVALID_TOKEN_CODES = new Set([
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_INVALID',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
]);

/**
 * Resource-server-only verification of JWT access tokens (RFC 9068) against
 * the authorization server's published keys (RFC 7517), with `jose`'s remote
 * key set: keys are cached, an unknown `kid` triggers a refetch at most once
 * per cooldown (key rotation, S45), and the fetch is time-bounded.
 *
 * Checks signature, `alg` against an allow-list (S2), `typ: at+jwt`, `iss`
 * (S5) and `exp`/`nbf` with skew (S3); audience and scopes are checked by the
 * guard from `resource` (= `aud`) and `scopes` (= `scope`). A token that fails
 * any check is `undefined` (401); an unreachable or broken JWKS endpoint is
 * `TemporarilyUnavailableError` (503). Revocation is not visible here: a
 * revoked token stays valid until `exp`, so keep access tokens short (S9).
 */
export class JwksTokenVerifier implements TokenVerifier {
  private readonly logger = new Logger('JwksTokenVerifier');
  private readonly keySet: ReturnType<typeof createRemoteJWKSet>;
  private readonly algorithms: string[];

  constructor(private readonly options: JwksTokenVerifierOptions) {
    if (!options?.jwksUri || !options.issuer) throw new Error('JwksTokenVerifier: `jwksUri` and `issuer` are required');
    this.algorithms = [...(options.algorithms ?? DEFAULT_JWT_ALGORITHMS)];
    if (this.algorithms.some((alg) => alg === 'none' || alg.startsWith('HS'))) {
      throw new Error('JwksTokenVerifier: `none` and HMAC algorithms cannot be verified with public keys');
    }
    this.keySet = createRemoteJWKSet(new URL(options.jwksUri), {
      cooldownDuration: options.refetchCooldownMs ?? 30_000,
      cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
      timeoutDuration: options.fetchTimeoutMs ?? 5000,
    });
  }

  async verifyToken(token: string): Promise<AccessToken | undefined> {
    if (typeof token !== 'string' || token.length > 8192) return undefined;
    try {
      const { payload } = await jwtVerify(token, this.keySet, {
        issuer: this.options.issuer,
        algorithms: this.algorithms,
        typ: this.options.tokenType === false ? undefined : (this.options.tokenType ?? 'at+jwt'),
        clockTolerance: this.options.clockSkewSeconds ?? 5,
        requiredClaims: ['exp'],
      });
      return accessTokenFromClaims(token, payload as Record<string, unknown>);
    } catch (error) {
      if (error instanceof joseErrors.JOSEError && INVALID_TOKEN_CODES.has(error.code)) return undefined;
      this.logger.warn(`JWKS unavailable (${error instanceof Error ? error.name : typeof error}); answering 503`);
      throw new TemporarilyUnavailableError('The token issuer keys could not be fetched');
    }
  }
}

import { JwtService } from '@nestjs/jwt';
import type { SigningKey } from './signing-keys.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/** Claims of an access token (RFC 9068 §2.2), plus the grant it belongs to. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  client_id: string;
  scope?: string;
  jti: string;
  iat: number;
  exp: number;
  /** Grant id: lets revocation of the grant reach its access tokens (S11, S22). */
  grant_id: string;
  [claim: string]: unknown;
}

/** Options of {@link AccessTokenSigner.verify}. */
export interface AccessTokenVerifyOptions {
  issuer: string;
  /** Current time, seconds since epoch. */
  nowSeconds: number;
  clockSkewSeconds: number;
}

const ACCESS_TOKEN_TYPES = new Set(['at+jwt', 'application/at+jwt']);

/**
 * Signs and verifies RFC 9068 JWT access tokens with `@nestjs/jwt`, one
 * `JwtService` per key. Verification picks the key by `kid` and accepts only
 * that key's algorithm, so `alg: none` and HS256-with-the-public-key are
 * refused (RFC 8725 §3.1, S2), as are unknown keys and other issuers (S5).
 * Tokens that verified once are remembered until they expire
 * ({@link VerifiedTokenCache}), so a reused token costs no signature check.
 */
export class AccessTokenSigner {
  private readonly services = new Map<string, { key: SigningKey; jwt: JwtService }>();
  private readonly verified: VerifiedTokenCache<AccessTokenClaims>;
  private readonly signingService: JwtService;

  constructor(
    private readonly keys: SigningKey[],
    verifiedTokenCacheSize = 10_000,
  ) {
    this.verified = new VerifiedTokenCache(verifiedTokenCacheSize);
    for (const key of keys) {
      this.services.set(key.kid, {
        key,
        jwt: new JwtService({
          privateKey: key.privateKey,
          publicKey: key.publicKey,
          signOptions: { algorithm: key.alg, keyid: key.kid, header: { alg: key.alg, typ: 'at+jwt' } },
          verifyOptions: { algorithms: [key.alg] },
        }),
      });
    }
    this.signingService = this.services.get(keys[0].kid)!.jwt;
  }

  /**
   * Signs with the first key (RFC 9068 §2.1: `typ: at+jwt`). Uses
   * `JwtService.sign`: the signature is computed on this thread either way,
   * and `signAsync` adds jsonwebtoken's stream-based path (5–15 µs per token).
   */
  async sign(claims: AccessTokenClaims): Promise<string> {
    return this.signingService.sign(claims);
  }

  /** The verified claims, or `undefined` for any malformed, forged, foreign or expired token. */
  async verify(token: string, options: AccessTokenVerifyOptions): Promise<AccessTokenClaims | undefined> {
    const cached = this.verified.get(token, options.nowSeconds, options.clockSkewSeconds);
    if (cached && cached.iss === options.issuer) return cached;
    const entry = this.pickKey(token);
    if (!entry) return undefined;
    try {
      const claims = await entry.jwt.verifyAsync<AccessTokenClaims>(token, {
        algorithms: [entry.key.alg],
        issuer: options.issuer,
        clockTimestamp: options.nowSeconds,
        clockTolerance: options.clockSkewSeconds,
      });
      if (!hasRequiredClaims(claims)) return undefined;
      this.verified.set(token, Object.freeze(claims));
      return claims;
    } catch {
      return undefined;
    }
  }

  /** The public JWK Set (RFC 7517 §5): every key, public parts only. */
  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: this.keys.map((key) => ({ ...key.publicJwk })) };
  }

  private pickKey(token: string): { key: SigningKey; jwt: JwtService } | undefined {
    if (typeof token !== 'string' || token.length > 8192) return undefined;
    let header: Record<string, unknown> | undefined;
    try {
      header = this.services.values().next().value!.jwt.decode(token, { complete: true })?.header as unknown as
        Record<string, unknown> | undefined;
    } catch {
      return undefined;
    }
    if (!header || typeof header.kid !== 'string' || typeof header.typ !== 'string') return undefined;
    if (!ACCESS_TOKEN_TYPES.has(header.typ.toLowerCase())) return undefined;
    const entry = this.services.get(header.kid);
    return entry && header.alg === entry.key.alg ? entry : undefined;
  }
}

function hasRequiredClaims(claims: unknown): claims is AccessTokenClaims {
  if (!claims || typeof claims !== 'object') return false;
  const c = claims as Record<string, unknown>;
  return (
    typeof c.sub === 'string' &&
    typeof c.client_id === 'string' &&
    typeof c.jti === 'string' &&
    typeof c.grant_id === 'string' &&
    typeof c.exp === 'number' &&
    typeof c.iat === 'number' &&
    (typeof c.scope === 'string' || c.scope === undefined) &&
    (typeof c.aud === 'string' || Array.isArray(c.aud))
  );
}

/**
 * A bounded cache of access tokens whose signature, issuer and claims were
 * already verified, keyed by the exact token string. MCP clients send the same
 * token on every request, so the ES256 check (tens of microseconds) runs once
 * per token instead of once per request.
 *
 * Only successful verifications are cached; an entry is used only while the
 * token is unexpired (with the same clock skew as a full verification), and
 * revocation is still checked by the caller on every request (S9). When full,
 * the oldest entry is dropped (insertion order).
 */
export class VerifiedTokenCache<TClaims extends { exp: number }> {
  private readonly entries = new Map<string, TClaims>();

  constructor(private readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 0) {
      throw new Error('DefaultOAuthProvider: verifiedTokenCacheSize must be a non-negative integer');
    }
  }

  /** The cached claims of `token` when still unexpired at `nowSeconds` (with `clockSkewSeconds`). */
  get(token: string, nowSeconds: number, clockSkewSeconds: number): TClaims | undefined {
    const claims = this.entries.get(token);
    if (claims === undefined) return undefined;
    if (nowSeconds >= claims.exp + clockSkewSeconds) {
      this.entries.delete(token);
      return undefined;
    }
    return claims;
  }

  /** Remembers verified claims (no-op when caching is off). */
  set(token: string, claims: TClaims): void {
    if (this.maxEntries <= 0) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, claims);
  }

  /** Number of cached tokens. */
  get size(): number {
    return this.entries.size;
  }
}

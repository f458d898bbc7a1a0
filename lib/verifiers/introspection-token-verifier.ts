import { Logger } from '@nestjs/common';
import { TemporarilyUnavailableError } from '../errors/oauth-error.js';
import type { AccessToken } from '../interfaces/oauth-models.js';
import type { TokenVerifier } from '../interfaces/token-verifier.interface.js';
import type { Clock } from '../rules/clock.js';
import { accessTokenFromClaims } from './access-token-claims.js';
import { hashValue } from '../rules/secure-values.js';

/** Upper bound of the positive cache, in ms. */
export const MAX_INTROSPECTION_CACHE_MS = 30_000;

/** Options of {@link IntrospectionTokenVerifier}. */
export interface IntrospectionTokenVerifierOptions {
  /** The authorization server's RFC 7662 endpoint (its metadata's `introspection_endpoint`). */
  introspectionEndpoint: string;
  /** This resource server's client credentials at the authorization server (sent with HTTP Basic). */
  clientId: string;
  clientSecret: string;
  /** When set, a response whose `iss` is present and different is treated as inactive (S5). */
  issuer?: string;
  /**
   * How long an active result is reused, in ms, never past the token's `exp`
   * and at most 30 s. It is also how long a revocation may go unnoticed (S9).
   * `0` disables the cache. @default 10000
   */
  cacheTtlMs?: number;
  /** How long an inactive result is reused, in ms (at most 5 s). @default 0 */
  negativeCacheTtlMs?: number;
  /** Most results kept; the oldest goes first. @default 10000 */
  maxCacheEntries?: number;
  /** Bound of one introspection call. @default 5000 */
  timeoutMs?: number;
  /** HTTP client. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Time source for the cache. @default Date */
  clock?: Clock;
}

interface CacheEntry {
  result: Omit<AccessToken, 'token'> | undefined;
  expiresAtMs: number;
}

/**
 * Resource-server-only verification by token introspection (RFC 7662): each
 * unknown token is POSTed to the authorization server with this server's
 * client credentials (`client_secret_basic`, RFC 6749 §2.3.1), and the
 * response is mapped to an {@link AccessToken} (`aud` → resource, checked by
 * the guard, S4). Active results are cached briefly (keyed by the token's
 * SHA-256, bounded by `exp`, 30 s at most); inactive ones are not cached by
 * default. A network failure, timeout or non-200 answer is
 * `TemporarilyUnavailableError`, so the guard fails closed with 503.
 */
export class IntrospectionTokenVerifier implements TokenVerifier {
  private readonly logger = new Logger('IntrospectionTokenVerifier');
  private readonly cache = new Map<string, CacheEntry>();
  private readonly clock: Clock;
  private readonly fetchImpl: typeof fetch;
  private readonly authorization: string;

  constructor(private readonly options: IntrospectionTokenVerifierOptions) {
    if (!options?.introspectionEndpoint || !options.clientId || !options.clientSecret) {
      throw new Error(
        'IntrospectionTokenVerifier: `introspectionEndpoint`, `clientId` and `clientSecret` are required',
      );
    }
    this.clock = options.clock ?? Date;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    const credentials = `${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`;
    this.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }

  async verifyToken(token: string): Promise<AccessToken | undefined> {
    if (typeof token !== 'string' || !token || token.length > 8192) return undefined;
    const key = hashValue(token);
    const now = this.clock.now();
    const cached = this.cache.get(key);
    if (cached && cached.expiresAtMs > now) return cached.result && { ...cached.result, token };
    if (cached) this.cache.delete(key);
    const claims = await this.introspect(token);
    const result = claims && this.accept(token, claims);
    this.remember(key, result, now);
    return result;
  }

  private async introspect(token: string): Promise<Record<string, unknown> | undefined> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.options.introspectionEndpoint, {
        method: 'POST',
        headers: {
          authorization: this.authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
    } catch (error) {
      return this.unavailable(error instanceof Error ? error.name : 'network error');
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      return this.unavailable(`HTTP ${response.status}`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return this.unavailable('malformed JSON');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return this.unavailable('not a JSON object');
    return body as Record<string, unknown>;
  }

  private accept(token: string, claims: Record<string, unknown>): AccessToken | undefined {
    if (claims.active !== true) return undefined;
    if (this.options.issuer !== undefined && claims.iss !== undefined && claims.iss !== this.options.issuer)
      return undefined;
    if (claims.token_type !== undefined && String(claims.token_type).toLowerCase() === 'refresh_token')
      return undefined;
    return accessTokenFromClaims(token, claims);
  }

  private remember(key: string, result: AccessToken | undefined, now: number): void {
    const positive = Math.min(this.options.cacheTtlMs ?? 10_000, MAX_INTROSPECTION_CACHE_MS);
    const negative = Math.min(this.options.negativeCacheTtlMs ?? 0, 5000);
    let until = now + (result ? positive : negative);
    if (result?.expiresAt !== undefined) until = Math.min(until, result.expiresAt * 1000);
    if (until <= now) return;
    const max = this.options.maxCacheEntries ?? 10_000;
    while (this.cache.size >= max) this.cache.delete(this.cache.keys().next().value!);
    const { token: _token, ...withoutToken } = result ?? ({} as AccessToken);
    this.cache.set(key, { result: result && withoutToken, expiresAtMs: until });
  }

  private unavailable(reason: string): never {
    this.logger.warn(`Introspection endpoint unavailable (${reason}); answering 503`);
    throw new TemporarilyUnavailableError('The token could not be introspected right now');
  }
}

/** RFC 6749 §2.3.1: client id and secret are form-url-encoded before HTTP Basic. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { EndpointRequest } from '../http/endpoint-request.js';
import { TooManyRequestsError } from '../errors/http-status-errors.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import type { RateLimitName } from '../interfaces/mcp-auth-settings.interface.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';
import { readClientCredentials } from './client-authentication.service.js';
import { hashValue } from '../rules/secure-values.js';

/**
 * Injection token of the rate-limit storage: any `@nestjs/throttler`
 * `ThrottlerStorage` (the in-memory `ThrottlerStorageService` by default; a
 * Redis-backed storage shares the counts between instances).
 */
export const OAUTH_RATE_LIMIT_STORAGE = Symbol('OAUTH_RATE_LIMIT_STORAGE');

/** An endpoint counted per client and address (S36, S62). */
export type RateLimitedEndpoint = 'authorize' | 'token' | 'register' | 'revoke' | 'introspect';

/** A limit that counts failures only (S55, S62). */
export type FailureLimit = 'tokenFailures' | 'loginFailuresPerAccount' | 'loginFailuresPerAddress';

/** Most remembered blocks per instance (oldest dropped first). */
const MAX_REMEMBERED_BLOCKS = 10_000;

/**
 * Rate limits of the OAuth endpoints and the login form (S36, S55, S62), on
 * fixed windows in a `ThrottlerStorage`:
 * - every request counts against a coarse bound per client address (`perAddress`);
 * - `/authorize`, `/token`, `/revoke`, `/introspect` count per client AND
 *   address, so users of one hosted client sharing an egress address do not
 *   lock each other out and nobody else can spend that client's budget;
 * - refreshes count per grant; registrations per address and globally;
 * - failures (token requests, password logins) count on their own, tighter
 *   limits; once one is exceeded the key is refused (429) until its window
 *   ends. Blocks are remembered per instance, learned from the shared counter
 *   on the next failure, so with several instances each may let one more
 *   failure through.
 *
 * The address is `req.ip`, the real client behind a proxy when the app sets
 * Express's `trust proxy`.
 */
@Injectable()
export class OAuthRateLimiter implements OnApplicationShutdown {
  private readonly blockedUntilMs = new Map<string, number>();

  constructor(
    @Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig,
    @Inject(OAUTH_RATE_LIMIT_STORAGE) private readonly storage: ThrottlerStorage,
  ) {}

  /**
   * Counts one request of `endpoint`: against the per-address bound, and
   * against the endpoint's own limit per `clientId` (when the request names
   * one) and address. Throws {@link TooManyRequestsError} when over a limit.
   */
  async consume(endpoint: RateLimitedEndpoint, req: EndpointRequest, clientId?: string): Promise<void> {
    const address = clientAddress(req);
    await this.count('perAddress', address);
    await this.count(endpoint, endpoint === 'register' ? address : scoped(clientId, address));
    if (endpoint === 'register') await this.count('registerGlobal', 'all');
  }

  /** Counts one refresh of a grant (S62). */
  async consumeGrant(grantKey: string): Promise<void> {
    await this.count('refreshPerGrant', hashed(grantKey));
  }

  /** Throws {@link TooManyRequestsError} while `key` is blocked after too many failures. No storage call. */
  assertNotBlocked(limit: FailureLimit, key: string): void {
    const retryAfter = this.blockedFor(limit, key);
    if (retryAfter > 0) throw new TooManyRequestsError(retryAfter);
  }

  /** Seconds `key` stays blocked after too many failures; 0 when it is not. No storage call. */
  blockedFor(limit: FailureLimit, key: string): number {
    if (!this.config.rateLimits[limit]) return 0;
    const id = `${limit}:${hashed(key)}`;
    const until = this.blockedUntilMs.get(id);
    if (until === undefined) return 0;
    const left = until - Date.now();
    if (left > 0) return Math.ceil(left / 1000);
    this.blockedUntilMs.delete(id);
    return 0;
  }

  /**
   * Counts one failure of `key`; returns the seconds it is now blocked (0 when
   * still under the limit). The block lasts until the counting window ends.
   */
  async recordFailure(limit: FailureLimit, key: string): Promise<number> {
    const rule = this.config.rateLimits[limit];
    if (!rule) return 0;
    const id = `${limit}:${hashed(key)}`;
    const record = await this.storage.increment(`mcp-auth:${id}`, rule.ttlSeconds * 1000, rule.limit, 0, limit);
    if (!record.isBlocked) return 0;
    const seconds = Math.max(1, record.timeToBlockExpire || record.timeToExpire);
    this.rememberBlock(id, Date.now() + seconds * 1000);
    return seconds;
  }

  /** The key of a client at an address, for {@link recordFailure} and {@link assertNotBlocked}. */
  clientKey(req: EndpointRequest, clientId: string | undefined): string {
    return scoped(clientId, clientAddress(req));
  }

  /** The client address of `req` (`req.ip`, which honours `trust proxy`). */
  addressOf(req: EndpointRequest): string {
    return clientAddress(req);
  }

  /** Stops the default storage's sweep timer. */
  onApplicationShutdown(): void {
    (this.storage as Partial<OnApplicationShutdown>).onApplicationShutdown?.();
  }

  private async count(name: RateLimitName, key: string): Promise<void> {
    const rule = this.config.rateLimits[name];
    if (!rule) return;
    const record = await this.storage.increment(`mcp-auth:${name}:${key}`, rule.ttlSeconds * 1000, rule.limit, 0, name);
    if (record.isBlocked) throw new TooManyRequestsError(Math.max(1, record.timeToBlockExpire));
  }

  private rememberBlock(id: string, untilMs: number): void {
    this.blockedUntilMs.delete(id);
    this.blockedUntilMs.set(id, untilMs);
    if (this.blockedUntilMs.size > MAX_REMEMBERED_BLOCKS) {
      const oldest = this.blockedUntilMs.keys().next().value;
      if (oldest !== undefined) this.blockedUntilMs.delete(oldest);
    }
  }
}

/**
 * The client a request claims to be (`client_id` in the body or HTTP Basic),
 * for counting only: authentication happens later. `undefined` when unreadable.
 */
export function claimedClientId(req: EndpointRequest): string | undefined {
  try {
    return readClientCredentials(req).clientId;
  } catch {
    return undefined;
  }
}

function clientAddress(req: EndpointRequest): string {
  return req.ip ?? req.socket?.remoteAddress ?? 'unknown';
}

/** `clientId@address`, the client id hashed so that a long (CIMD URL) or odd id makes a short, safe key. */
function scoped(clientId: string | undefined, address: string): string {
  return `${clientId ? hashed(clientId) : '-'}@${address}`;
}

function hashed(value: string): string {
  return value.length <= 64 && /^[\w.:-]+$/.test(value) ? value : hashValue(value);
}

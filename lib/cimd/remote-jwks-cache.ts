import { InvalidClientError } from '../errors/index.js';
import type { ClientJsonWebKeySet } from '../interfaces/oauth-models.js';
import { clientJwksProblem, copyClientJwks } from '../rules/client-public-keys.js';
import { cacheLifetimeSeconds } from './cache-lifetime.js';
import { assertHostAllowed } from './client-id-url.js';
import { fetchGuardedDocument, parseJsonDocument, type GuardedFetchSettings } from './guarded-document-fetch.js';

/** Settings of {@link RemoteJwksCache}. */
export interface RemoteJwksCacheSettings extends GuardedFetchSettings {
  /** Largest key set document accepted, in bytes. */
  maxBytes: number;
  /** Clamp of the cache lifetime taken from `Cache-Control` (seconds). */
  minCacheSeconds: number;
  maxCacheSeconds: number;
  /** Lifetime when the response has no usable `Cache-Control`, clamped too. */
  defaultCacheSeconds: number;
  /** Least time between two fetches of one URL forced by an unknown `kid` (seconds). */
  refetchCooldownSeconds: number;
  /** Most key sets kept; the oldest entry is dropped first. */
  maxEntries: number;
  /** ms since epoch. */
  now: () => number;
  /**
   * The URL rule applied before anything is fetched; throws to refuse.
   * @default {@link assertJwksUrl} (https, domain names only unless `allowPrivateNetworks`)
   */
  assertUrl?: (url: string) => URL;
  /** Names the document in error descriptions. @default 'client jwks_uri document' */
  label?: string;
}

interface CachedKeySet {
  jwks: ClientJsonWebKeySet;
  fetchedAt: number;
  expiresAt: number;
}

const LABEL = 'client jwks_uri document';

/**
 * Fetches and caches the public key sets clients publish at `jwks_uri`
 * (RFC 7591 §2, RFC 7523 §2.2, S65) through the SAME SSRF-guarded fetcher as
 * Client ID Metadata Documents (S41): https only, special-use addresses refused,
 * bounded time and size. Key sets are cached per `Cache-Control` (clamped, S42);
 * errors are never cached. {@link keySet} with `refresh` refetches at most once
 * per cooldown (an unknown `kid` after the client rotated its keys), so a client
 * cannot make the server fetch on every request.
 */
export class RemoteJwksCache {
  private readonly cache = new Map<string, CachedKeySet>();
  private readonly inFlight = new Map<string, Promise<CachedKeySet>>();

  constructor(private readonly settings: RemoteJwksCacheSettings) {}

  /**
   * The key set at `url`: from the cache while fresh; fetched when missing or stale,
   * or when `refresh` is asked and the last fetch is older than the cooldown.
   * @throws InvalidClientError when the URL is refused, the fetch fails or the document is not a public key set
   */
  async keySet(url: string, options: { refresh?: boolean } = {}): Promise<ClientJsonWebKeySet> {
    const parsed = this.settings.assertUrl
      ? this.settings.assertUrl(url)
      : assertJwksUrl(url, this.settings.allowPrivateNetworks);
    const now = this.settings.now();
    const cached = this.cache.get(url);
    const cooldownOver = cached && now - cached.fetchedAt >= this.settings.refetchCooldownSeconds * 1000;
    if (cached && cached.expiresAt > now && !(options.refresh && cooldownOver)) return copyClientJwks(cached.jwks);
    let pending = this.inFlight.get(url);
    if (!pending) {
      pending = this.fetchKeySet(url, parsed);
      this.inFlight.set(url, pending);
      const forget = () => this.inFlight.delete(url);
      pending.then(forget, forget);
    }
    return copyClientJwks((await pending).jwks);
  }

  /** Drops every cached key set. */
  clear(): void {
    this.cache.clear();
  }

  private async fetchKeySet(url: string, parsed: URL): Promise<CachedKeySet> {
    const label = this.settings.label ?? LABEL;
    const response = await fetchGuardedDocument(parsed, this.settings.maxBytes, this.settings, label);
    const document = parseJsonDocument(response, this.settings.maxBytes, label);
    const problem = clientJwksProblem(document);
    if (problem) throw new InvalidClientError(`${label} refused: ${problem}`);
    const now = this.settings.now();
    const seconds = cacheLifetimeSeconds(response.cacheControl, this.settings);
    const entry: CachedKeySet = { jwks: copyClientJwks(document), fetchedAt: now, expiresAt: now + seconds * 1000 };
    if (seconds > 0 && this.settings.maxEntries > 0) {
      this.cache.delete(url);
      while (this.cache.size >= this.settings.maxEntries) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(url, entry);
    }
    return entry;
  }
}

/**
 * The `jwks_uri` rules applied before anything is fetched: an absolute `https`
 * URL without userinfo or fragment whose host is a domain name (S41 host rules).
 * @throws InvalidClientError naming the rule that failed
 */
export function assertJwksUrl(url: string, allowPrivateNetworks: boolean): URL {
  const refuse = (rule: string): never => {
    throw new InvalidClientError(`client jwks_uri refused: ${rule}`);
  };
  if (typeof url !== 'string' || !url.startsWith('https://') || !URL.canParse(url)) refuse('not an https URL');
  const parsed = new URL(url);
  if (parsed.username || parsed.password || url.slice('https://'.length).split('/')[0]!.includes('@'))
    refuse('userinfo is not allowed');
  if (url.includes('#')) refuse('a fragment is not allowed');
  assertHostAllowed(parsed.hostname, allowPrivateNetworks, refuse);
  return parsed;
}

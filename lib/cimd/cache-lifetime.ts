/** Clamp settings for {@link cacheLifetimeSeconds}. */
export interface CacheLifetimeBounds {
  minCacheSeconds: number;
  maxCacheSeconds: number;
  defaultCacheSeconds: number;
}

/**
 * How long a fetched metadata document may be reused (draft §4.4 / RFC 9111 §5.2.2), in seconds,
 * or `0` when it must not be stored:
 * `no-store` → 0; `max-age=N` (or `no-cache`, read as `max-age=0`) → N clamped to
 * [min, max]; no usable directive → the default, clamped. The clamp keeps a host from
 * forcing a refetch on every request or pinning a document forever.
 */
export function cacheLifetimeSeconds(cacheControl: string | undefined, bounds: CacheLifetimeBounds): number {
  const clamp = (seconds: number) => Math.min(bounds.maxCacheSeconds, Math.max(bounds.minCacheSeconds, seconds));
  const directives = (cacheControl ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
  if (directives.includes('no-store')) return 0;
  if (directives.includes('no-cache')) return clamp(0);
  const maxAge = directives.map((d) => /^max-age\s*=\s*"?(\d+)"?$/.exec(d)).find(Boolean);
  return clamp(maxAge ? Number(maxAge[1]) : bounds.defaultCacheSeconds);
}

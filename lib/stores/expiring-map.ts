import type { Clock } from '../rules/clock.js';

interface Entry<V> {
  value: V;
  expiresAtMs: number;
}

/**
 * A `Map` whose entries disappear at their expiry: never returned after it,
 * removed lazily on access and in bulk by {@link sweep}. With a `capacity`,
 * adding a new key to a full map first drops expired entries and then the
 * oldest one, so the map never holds more than `capacity` entries (S57).
 */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly clock: Clock,
    private readonly capacity = Number.POSITIVE_INFINITY,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Stores `value` until `expiresAtMs`; an already expired value is not stored. */
  set(key: string, value: V, expiresAtMs: number): void {
    if (expiresAtMs <= this.clock.now()) {
      this.entries.delete(key);
      return;
    }
    if (!this.entries.has(key) && this.entries.size >= this.capacity) this.makeRoom();
    this.entries.set(key, { value, expiresAtMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** The live (unexpired) entries. */
  *liveEntries(): IterableIterator<[string, V]> {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) if (entry.expiresAtMs > now) yield [key, entry.value];
  }

  /** Removes every expired entry; returns how many were removed. */
  sweep(): number {
    const now = this.clock.now();
    let removed = 0;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAtMs <= now) {
        this.entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  private makeRoom(): void {
    if (this.sweep() > 0) return;
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
  }

  /** Entries held, expired ones included until swept. */
  get size(): number {
    return this.entries.size;
  }
}

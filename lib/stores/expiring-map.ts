import type { Clock } from '../rules/clock.js';

/** A value that knows when it expires (epoch ms). */
export interface Expiring {
  readonly expiresAtMs: number;
}

/**
 * A `Map` whose values carry their own expiry (`expiresAtMs`) and disappear
 * at it: never returned after it, removed lazily on access and in bulk by
 * {@link sweep}. With a `capacity`, adding a new key to a full map first drops
 * expired entries and then the oldest one, so the map never holds more than
 * `capacity` entries (S57). Holding the expiry in the value itself costs no
 * wrapper object per entry.
 */
export class ExpiringRecordMap<V extends Expiring> {
  private readonly entries = new Map<string, V>();

  constructor(
    private readonly clock: Clock,
    private readonly capacity = Number.POSITIVE_INFINITY,
  ) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    if (value.expiresAtMs <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return value;
  }

  /** Stores `value` until its `expiresAtMs`; an already expired value is not stored (and removes the key). */
  set(key: string, value: V): void {
    if (value.expiresAtMs <= this.clock.now()) {
      this.entries.delete(key);
      return;
    }
    if (this.entries.size >= this.capacity && !this.entries.has(key)) this.makeRoom();
    this.entries.set(key, value);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** The live (unexpired) entries. */
  *liveEntries(): IterableIterator<[string, V]> {
    const now = this.clock.now();
    for (const [key, value] of this.entries) if (value.expiresAtMs > now) yield [key, value];
  }

  /** Removes every expired entry; returns how many were removed. */
  sweep(): number {
    const now = this.clock.now();
    let removed = 0;
    for (const [key, value] of this.entries) {
      if (value.expiresAtMs <= now) {
        this.entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  /** Entries held, expired ones included until swept. */
  get size(): number {
    return this.entries.size;
  }

  private makeRoom(): void {
    if (this.sweep() > 0) return;
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
  }
}

/** A value of {@link ExpiringMap} with its expiry. */
class Entry<V> implements Expiring {
  constructor(
    readonly value: V,
    readonly expiresAtMs: number,
  ) {}
}

/**
 * An {@link ExpiringRecordMap} for values without an expiry of their own: the
 * expiry is given on {@link set}.
 */
export class ExpiringMap<V> {
  private readonly entries: ExpiringRecordMap<Entry<V>>;

  constructor(clock: Clock, capacity = Number.POSITIVE_INFINITY) {
    this.entries = new ExpiringRecordMap(clock, capacity);
  }

  get(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  /** Stores `value` until `expiresAtMs`; an already expired value is not stored. */
  set(key: string, value: V, expiresAtMs: number): void {
    this.entries.set(key, new Entry(value, expiresAtMs));
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** The live (unexpired) entries. */
  *liveEntries(): IterableIterator<[string, V]> {
    for (const [key, entry] of this.entries.liveEntries()) yield [key, entry.value];
  }

  /** Removes every expired entry; returns how many were removed. */
  sweep(): number {
    return this.entries.sweep();
  }

  /** Entries held, expired ones included until swept. */
  get size(): number {
    return this.entries.size;
  }
}

import type { Clock } from '../rules/clock.js';
import { hashValue } from '../rules/secure-values.js';
import { DPOP_PROOF_REPLAY_NAMESPACE } from '../rules/dpop-proof.js';

/** Most proof identifiers the process-local memory keeps (oldest dropped first beyond it). */
export const LOCAL_DPOP_REPLAY_CAPACITY = 100_000;

/** A one-time store: `true` the first time `namespace` + `id` is seen before `expiresAtMs`. */
export type MarkUsedOnce = (namespace: string, id: string, expiresAtMs: number) => Promise<boolean>;

/**
 * Refuses a second use of a DPoP proof (RFC 9449 §11.1): the proof's key
 * thumbprint and `jti` go to the shared one-time store (the provider's
 * `markUsedOnce`: Redis or PostgreSQL make it hold across instances). Without
 * one (a resource server only, or a provider without `markUsedOnce`), a
 * bounded process-local memory is used: it protects one instance only, and
 * beyond {@link LOCAL_DPOP_REPLAY_CAPACITY} live entries the oldest are forgotten.
 */
export class DpopReplayGuard {
  private readonly local = new Map<string, number>();

  constructor(
    private readonly store: MarkUsedOnce | undefined,
    private readonly clock: Clock,
  ) {}

  /** Whether this proof (key + `jti`) is seen for the first time. */
  async firstUse(jkt: string, jti: string, expiresAtMs: number): Promise<boolean> {
    const id = hashValue(JSON.stringify([jkt, jti]));
    if (this.store) return (await this.store(DPOP_PROOF_REPLAY_NAMESPACE, id, expiresAtMs)) === true;
    const now = this.clock.now();
    const known = this.local.get(id);
    if (known !== undefined && known > now) return false;
    if (this.local.size >= LOCAL_DPOP_REPLAY_CAPACITY) this.sweep(now);
    this.local.delete(id);
    this.local.set(id, expiresAtMs);
    return true;
  }

  private sweep(now: number): void {
    for (const [id, expiresAtMs] of this.local) if (expiresAtMs <= now) this.local.delete(id);
    for (const id of this.local.keys()) {
      if (this.local.size < LOCAL_DPOP_REPLAY_CAPACITY) break;
      this.local.delete(id);
    }
  }
}

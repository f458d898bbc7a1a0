import { createHmac, timingSafeEqual } from 'node:crypto';

/** Longest nonce looked at. */
const MAX_NONCE_LENGTH = 128;

/**
 * Stateless, rotating DPoP server nonces (RFC 9449 §8, §9): a nonce names a
 * time slot of `rotationSeconds` and carries an HMAC-SHA-256 of it under a
 * secret, so every instance sharing the secret issues and accepts the same
 * nonces without storing them. A nonce is accepted during its own slot and the
 * next one (so a client that just received it is never refused at a slot
 * boundary), then refused with a fresh one (`use_dpop_nonce`).
 */
export class DpopNonces {
  constructor(
    private readonly secret: Uint8Array,
    private readonly rotationSeconds: number,
  ) {}

  /** The nonce of the current slot. */
  current(nowSeconds: number): string {
    return this.nonceOf(this.slotOf(nowSeconds));
  }

  /** Whether `nonce` is the current or the previous slot's nonce. */
  accepts(nonce: string, nowSeconds: number): boolean {
    if (typeof nonce !== 'string' || nonce.length > MAX_NONCE_LENGTH) return false;
    const slot = this.slotOf(nowSeconds);
    return this.same(nonce, this.nonceOf(slot)) || this.same(nonce, this.nonceOf(slot - 1));
  }

  private slotOf(nowSeconds: number): number {
    return Math.floor(nowSeconds / this.rotationSeconds);
  }

  private nonceOf(slot: number): string {
    const label = slot.toString(36);
    const mac = createHmac('sha256', this.secret).update(`dpop-nonce:${label}`).digest().subarray(0, 18);
    return `${label}.${mac.toString('base64url')}`;
  }

  private same(a: string, b: string): boolean {
    const left = Buffer.from(a);
    const right = Buffer.from(b);
    return left.length === right.length && timingSafeEqual(left, right);
  }
}

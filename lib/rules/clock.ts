/** Injection token of the clock the authorization-server endpoints use (tests replace it). */
export const OAUTH_CLOCK = Symbol('OAUTH_CLOCK');

/**
 * A source of the current time in epoch milliseconds. `Date` itself is one;
 * tests inject a manual clock instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch, like `Date.now()`. */
  now(): number;
}

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Seconds since the epoch on `clock`. */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}

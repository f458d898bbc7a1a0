/** Injection token of the clock the authorization-server endpoints use (tests replace it). */
export const OAUTH_CLOCK = Symbol('OAUTH_CLOCK');

/** Returns the current time in milliseconds since the epoch. */
export type OAuthClock = () => number;

/** The system clock. */
export const systemClock: OAuthClock = () => Date.now();

/** Seconds since the epoch on `clock`. */
export function epochSeconds(clock: OAuthClock): number {
  return Math.floor(clock() / 1000);
}

/**
 * A source of the current time in epoch milliseconds. `Date` itself is one;
 * tests inject a manual clock instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch, like `Date.now()`. */
  now(): number;
}

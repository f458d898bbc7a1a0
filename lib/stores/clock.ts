/**
 * A source of the current time in epoch milliseconds. `Date` itself is one;
 * tests inject a manual clock instead of sleeping.
 */
export interface Clock {
  now(): number;
}

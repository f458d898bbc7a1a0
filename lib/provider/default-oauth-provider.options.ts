import type { Clock } from '../rules/clock.js';
import type { OAuthStore } from '../stores/oauth-store.interface.js';
import type { SigningKeyInput } from './signing-keys.js';
import type { UpstreamLogin } from '../upstream/upstream-login.js';
import type { AuthenticateHook, PasswordCheck, StaticUsers } from './user-authentication.js';

/** Lifetimes in seconds. */
export interface ProviderLifetimes {
  /** Authorization code (RFC 6749 §4.1.2 recommends ≤ 10 min, S13). At most 600. @default 60 */
  authorizationCode?: number;
  /** Access token; also the worst-case exposure of a token verified elsewhere by JWKS (S9). @default 900 (15 min) */
  accessToken?: number;
  /** Refresh token family, absolute: a grant ends this long after consent (S26). @default 2592000 (30 days) */
  refreshTokenAbsolute?: number;
  /** Refresh token, idle: a refresh token unused this long dies (S26). @default 1209600 (14 days) */
  refreshTokenIdle?: number;
  /** Pending authorization (login + consent). @default 600 (10 min) */
  interaction?: number;
  /** Built-in login session. @default 3600 (1 h) */
  session?: number;
  /** Remembered consent. @default 2592000 (30 days) */
  consent?: number;
  /**
   * A dynamically registered client that has not completed an authorization
   * (no code issued) within this time is deleted (S57). At most 30 days.
   * @default 86400 (24 h)
   */
  unconfirmedClient?: number;
}

/** Options of {@link DefaultOAuthProvider}. */
export interface DefaultOAuthProviderOptions {
  /** Where clients, codes, grants and tokens live. @default new MemoryOAuthStore() */
  store?: OAuthStore;
  /**
   * Access-token signing keys; the first signs, all verify (key rotation, S45).
   * @default an ephemeral ES256 key generated at boot (a warning is logged:
   * tokens die on restart and are not shared between instances)
   */
  signingKeys?: SigningKeyInput[];
  /** The application's login (see {@link AuthenticateHook}). */
  authenticate?: AuthenticateHook;
  /**
   * Built-in password login at `<issuer path>/login`: a check function or a
   * static demo map. Used when `authenticate` is absent or returns `undefined`.
   */
  users?: PasswordCheck | StaticUsers;
  /**
   * Sign-in at upstream identity providers (GitHub, Google, Entra, any
   * OpenID Connect issuer): `new UpstreamLogin({ upstreams: { ... } })`.
   * Offered on the login page next to (or instead of) the password login.
   */
  upstream?: UpstreamLogin;
  /** Skip the consent page when the user already approved the same client for these scopes. @default false */
  rememberConsent?: boolean;
  /** Issue refresh tokens to clients registered for the `refresh_token` grant. @default true */
  issueRefreshTokens?: boolean;
  /**
   * Rotation grace (S61): a rotated-out refresh token presented again by the
   * client it was issued to, within this many seconds of its rotation and while
   * its successor was not used yet, gets the SAME successor refresh token again
   * and a fresh access token, instead of counting as reuse (S22). Covers
   * parallel refreshes and lost responses. `0` switches it off (strict OAuth 2.1
   * §4.3.1 reuse detection). At most 300.
   * @default 30
   */
  refreshTokenRotationGraceSeconds?: number;
  /**
   * Step-up for clients that refresh instead of re-authorizing (S63): after the
   * resource server answered 403 `insufficient_scope` for an access token of a
   * grant, a refresh of that grant within this many seconds answers
   * `invalid_grant` asking for a new authorization. The grant's live access
   * tokens keep working. `false` or `0` switches it off.
   * @default 600
   */
  stepUpRefreshWindowSeconds?: number | false;
  lifetimes?: ProviderLifetimes;
  /**
   * How many verified access tokens to remember (until each expires), so a
   * token reused across requests is not signature-checked again. Revocation is
   * still checked on every request. `0` switches the cache off.
   * @default 10000
   */
  verifiedTokenCacheSize?: number;
  /** Time source (epoch ms). @default Date */
  clock?: Clock;
}

/** Default of {@link DefaultOAuthProviderOptions.refreshTokenRotationGraceSeconds}. */
export const DEFAULT_REFRESH_TOKEN_ROTATION_GRACE_SECONDS = 30;
/** Default of {@link DefaultOAuthProviderOptions.stepUpRefreshWindowSeconds}. */
export const DEFAULT_STEP_UP_REFRESH_WINDOW_SECONDS = 600;

/** The rotation grace in ms (S61); throws with a plain message on a bad value. */
export function resolveRotationGraceMs(seconds: number | undefined): number {
  const value = seconds ?? DEFAULT_REFRESH_TOKEN_ROTATION_GRACE_SECONDS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 300) {
    throw new Error('DefaultOAuthProvider: refreshTokenRotationGraceSeconds must be a number of seconds from 0 to 300');
  }
  return value * 1000;
}

/** The step-up window in ms, `0` when off (S63); throws with a plain message on a bad value. */
export function resolveStepUpWindowMs(seconds: number | false | undefined): number {
  if (seconds === false) return 0;
  const value = seconds ?? DEFAULT_STEP_UP_REFRESH_WINDOW_SECONDS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error('DefaultOAuthProvider: stepUpRefreshWindowSeconds must be a number of seconds, 0 or false');
  }
  return value * 1000;
}

/** Lifetimes after defaults, in seconds. */
export type ResolvedLifetimes = Required<ProviderLifetimes>;

const DEFAULT_LIFETIMES: ResolvedLifetimes = {
  authorizationCode: 60,
  accessToken: 900,
  refreshTokenAbsolute: 30 * 86400,
  refreshTokenIdle: 14 * 86400,
  interaction: 600,
  session: 3600,
  consent: 30 * 86400,
  unconfirmedClient: 86400,
};

const MAX_LIFETIMES: Partial<ResolvedLifetimes> = {
  authorizationCode: 600,
  accessToken: 86400,
  interaction: 3600,
  unconfirmedClient: 30 * 86400,
};

/** Applies defaults and bounds; throws with a plain message on a bad value. */
export function resolveLifetimes(input: ProviderLifetimes = {}): ResolvedLifetimes {
  const resolved = { ...DEFAULT_LIFETIMES };
  for (const name of Object.keys(DEFAULT_LIFETIMES) as (keyof ResolvedLifetimes)[]) {
    const value = input[name];
    if (value === undefined) continue;
    const max = MAX_LIFETIMES[name] ?? Number.MAX_SAFE_INTEGER;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
      throw new Error(`DefaultOAuthProvider: lifetimes.${name} must be a positive number of seconds, at most ${max}`);
    }
    resolved[name] = value;
  }
  return resolved;
}

import type { AuthenticatedUser } from '../provider/user-authentication.js';
import type { UpstreamProfile, UpstreamProviderConfig } from './upstream-provider.config.js';

/** The upstream identity handed to {@link UpstreamLoginOptions.mapUser}. */
export interface UpstreamIdentity {
  /** Configured name of the upstream (`github`, ...). */
  upstream: string;
  profile: UpstreamProfile;
}

/**
 * Maps an upstream identity to our user. Return `undefined` to refuse the
 * user (the MCP client then gets `access_denied`).
 */
export type UpstreamUserMapper = (
  identity: UpstreamIdentity,
) => AuthenticatedUser | undefined | Promise<AuthenticatedUser | undefined>;

/** Options of {@link UpstreamLogin}. */
export interface UpstreamLoginOptions {
  /**
   * Upstreams by name (`[A-Za-z0-9_-]`, at most 32 characters). The name is
   * part of the callback URL to register upstream:
   * `<issuer>/upstream/<name>/callback`. With one upstream and no password
   * login the user is sent there directly; otherwise the login page shows a
   * button per upstream.
   */
  upstreams: Record<string, UpstreamProviderConfig>;
  /** Maps the upstream identity to our subject. @default `{ subject: '<upstream>:<sub>', name }` */
  mapUser?: UpstreamUserMapper;
  /**
   * Keep the upstream tokens server-side, per grant, readable through
   * `AuthContext.upstreamToken(name)` (and refreshed when they expire). They
   * are never given to MCP clients (no token passthrough), stored encrypted,
   * and deleted when the grant is revoked. @default false
   */
  storeTokens?: boolean;
  /**
   * Encryption key of stored upstream tokens (32 bytes, or a secret string
   * hashed to 32 bytes). Give the same key to every instance.
   * @default a random key per process (a warning is logged when `storeTokens` is on)
   */
  tokenEncryptionKey?: Buffer | string;
  /** Bound of every request to an upstream (discovery, token, profile, refresh), in seconds. @default 10 */
  timeoutSeconds?: number;
  /** Lifetime of a pending upstream sign-in, in seconds (never longer than the interaction). @default 600 */
  flowLifetimeSeconds?: number;
  /**
   * Seconds before the upstream access token's expiry at which
   * `upstreamToken()` refreshes it. @default 30
   */
  refreshLeewaySeconds?: number;
}

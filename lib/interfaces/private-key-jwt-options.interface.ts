import type { RemoteJwksCache } from '../cimd/remote-jwks-cache.js';

/**
 * `private_key_jwt` client authentication (RFC 7523 §2.2, S65) for registered
 * clients and Client ID Metadata Document clients. Key sets behind `jwks_uri` are
 * fetched with the Client ID Metadata Document fetcher and its SSRF settings
 * (`clientIdMetadataDocuments.fetch`, `timeoutMs`, `allowPrivateNetworks`, cache clamps),
 * whether or not that feature is enabled.
 */
export interface PrivateKeyJwtOptions {
  /** Accept and advertise `private_key_jwt`. @default true */
  enabled?: boolean;
  /** Accepted JWS algorithms; asymmetric only (never `none` or `HS*`). @default RS/PS/ES 256–512 and EdDSA */
  signingAlgorithms?: readonly string[];
  /** Longest accepted assertion lifetime (`exp` − now, and `exp` − `iat`), in seconds. @default 300 */
  maxAssertionLifetimeSeconds?: number;
  /** Largest `jwks_uri` document accepted, in bytes. @default 16384 */
  jwksMaxBytes?: number;
  /** Least time between two `jwks_uri` fetches forced by an unknown `kid`, in seconds. @default 60 */
  jwksRefetchCooldownSeconds?: number;
}

/** {@link PrivateKeyJwtOptions} after defaults, as the endpoints use them. */
export interface ResolvedPrivateKeyJwt {
  signingAlgorithms: string[];
  maxAssertionLifetimeSeconds: number;
  /** The `jwks_uri` fetcher and cache. */
  remoteKeySets: RemoteJwksCache;
}

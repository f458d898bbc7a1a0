import type { MetadataDocumentFetcher } from '../cimd/metadata-document-fetcher.js';
import type { IdentityAssertionIssuer } from '../rules/identity-assertion-grant.js';

/** An enterprise identity provider whose ID-JAGs this server accepts (S68). */
export interface TrustedIdentityProvider {
  /** The IdP's issuer identifier, compared exactly with the assertion's `iss`. */
  issuer: string;
  /**
   * The IdP's JWKS URL (RFC 7517): https, or http on a loopback host for
   * development. Fetched through the SSRF-guarded fetcher, cached per
   * `Cache-Control` (clamped), refetched on an unknown `kid` at most once a minute.
   */
  jwksUrl: string;
  /**
   * Client ids that may present this IdP's assertions (the assertion's
   * `client_id` must also be the authenticated client). @default any client
   * registered for the jwt-bearer grant
   */
  allowedClients?: string[];
}

/** The verified assertion {@link EnterpriseManagedAuthorizationOptions.mapSubject} maps to a local user. */
export interface IdentityAssertionSubject {
  /** The IdP (`iss`). */
  issuer: string;
  /** The user at the IdP (`sub`). */
  subject: string;
  /** The client the assertion was issued to (`client_id`). */
  clientId: string;
  /** Every claim of the assertion (e.g. `email`). */
  claims: Readonly<Record<string, unknown>>;
}

/**
 * Maps a verified assertion to the local user id that becomes the access
 * token's `sub`; `undefined` (no such user) refuses the request with `invalid_grant`.
 */
export type IdentityAssertionSubjectMapper = (
  assertion: IdentityAssertionSubject,
) => string | undefined | Promise<string | undefined>;

/**
 * Enterprise-managed authorization (MCP ext-auth "Enterprise-Managed
 * Authorization", draft-ietf-oauth-identity-assertion-authz-grant, S68): the
 * token endpoint accepts `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`
 * with an Identity Assertion JWT Authorization Grant (ID-JAG) issued by one of
 * `identityProviders` to a confidential client registered for that grant type.
 */
export interface EnterpriseManagedAuthorizationOptions {
  /** The trusted identity providers. At least one. */
  identityProviders: TrustedIdentityProvider[];
  /**
   * Maps the assertion to a local user id. @default the assertion's `sub` unchanged
   * (with several IdPs, map to ids that cannot collide, e.g. `${issuer}|${sub}`)
   */
  mapSubject?: IdentityAssertionSubjectMapper;
  /** Longest accepted assertion lifetime (`exp` − now and `exp` − `iat`), seconds. @default 300 */
  maxAssertionLifetimeSeconds?: number;
  /** Accepted JWS algorithms; asymmetric only. @default RS/PS/ES 256–512 and EdDSA */
  signingAlgorithms?: string[];
  /**
   * Fetch https JWKS URLs whose host resolves to a private or special-use
   * address (an IdP inside your network). Loopback http URLs are always allowed. @default false
   */
  allowPrivateNetworks?: boolean;
  /** The fetcher of JWKS documents (tests inject one). @default the SSRF-guarded Node fetcher */
  fetch?: MetadataDocumentFetcher;
  /** Bound on one JWKS fetch, ms. @default 5000 */
  timeoutMs?: number;
}

/** {@link EnterpriseManagedAuthorizationOptions} after defaults, as the token endpoint uses them. */
export interface ResolvedEnterpriseManagedAuthorization {
  /** The trusted IdPs by issuer. */
  identityProviders: ReadonlyMap<string, IdentityAssertionIssuer>;
  mapSubject: IdentityAssertionSubjectMapper;
  maxAssertionLifetimeSeconds: number;
  signingAlgorithms: string[];
}

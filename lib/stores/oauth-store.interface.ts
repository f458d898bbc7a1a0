/**
 * The persistence contract of {@link DefaultOAuthProvider}.
 *
 * Design rules, so that a shared store (Redis) can implement every method as
 * ONE atomic step (a Lua script or a MULTI):
 * - Keys of codes, tokens, interactions and sessions are SHA-256 hashes
 *   computed by the provider; a store never sees a plain credential.
 * - Every record carries an absolute expiry (`expiresAtMs`, epoch
 *   milliseconds). The store may forget a record after it; it must never
 *   return one past it. Expiry is garbage collection: the provider re-checks
 *   lifetimes with its own clock.
 * - Single-use and rotation decisions (`takeInteraction`,
 *   `consumeAuthorizationCode`, `rotateRefreshToken`) happen inside the store,
 *   so of N concurrent callers exactly one wins (RFC 6749 §4.1.2, S12, S22).
 */
export interface OAuthStore {
  /**
   * Stores or replaces a registered client (RFC 7591). A client saved with
   * `unconfirmedExpiresAtMs` is dropped after that time unless
   * {@link confirmClient} was called first (S57).
   */
  saveClient(client: StoredClient): Promise<void>;
  /** A client; `undefined` when unknown or an unconfirmed client past `unconfirmedExpiresAtMs`. */
  getClient(clientId: string): Promise<StoredClient | undefined>;
  /**
   * Keeps a client for good: removes `unconfirmedExpiresAtMs` and any expiry.
   * The provider calls it when the client first completes an authorization
   * (a code is issued). Unknown clients are ignored (S57).
   */
  confirmClient(clientId: string): Promise<void>;

  /** Stores or replaces a pending authorization interaction (login and consent). */
  saveInteraction(idHash: string, interaction: InteractionRecord): Promise<void>;
  /** Reads an interaction without consuming it (to render the consent page). */
  getInteraction(idHash: string): Promise<InteractionRecord | undefined>;
  /** Atomically reads and deletes an interaction: of concurrent calls, only one gets it. */
  takeInteraction(idHash: string): Promise<InteractionRecord | undefined>;

  /** Stores a freshly issued authorization code. */
  saveAuthorizationCode(codeHash: string, code: AuthorizationCodeRecord): Promise<void>;
  /** Reads a code without consuming it; a consumed code reports its grant (RFC 6749 §4.1.2, S11). */
  findAuthorizationCode(codeHash: string): Promise<AuthorizationCodeLookup>;
  /**
   * Atomically consumes a code. The first caller gets `ok`; every later caller
   * gets `reused` with the grant id until `replayDetectionUntilMs` (else the
   * code's expiry) (S11, S12).
   */
  consumeAuthorizationCode(codeHash: string): Promise<AuthorizationCodeLookup>;

  /** Stores a grant: the authorization one consent produced, parent of a refresh-token family. */
  createGrant(grant: GrantRecord): Promise<void>;
  /** A grant, revoked or not (with `stepUpRequiredUntilMs` when set); `undefined` once expired or unknown. */
  getGrant(grantId: string): Promise<GrantRecord | undefined>;
  /**
   * Sets the grant's `stepUpRequiredUntilMs` to `untilMs` (S63): the resource
   * server answered 403 `insufficient_scope` for one of its access tokens, so a
   * refresh before `untilMs` must ask for a new authorization instead (RFC 6750
   * §3.1, RFC 6749 §6). Nothing else clears it; it expires by time. An unknown
   * grant is ignored.
   */
  requireStepUp(grantId: string, untilMs: number): Promise<void>;
  /**
   * Marks a grant revoked (kept until its expiry so reuse stays detectable) and
   * deletes its live refresh token. Access tokens of the grant then fail
   * {@link isAccessTokenRevoked}. Idempotent; unknown grants are ignored.
   */
  revokeGrant(grantId: string): Promise<void>;

  /** Stores a refresh token and makes it the grant's live refresh token. */
  saveRefreshToken(tokenHash: string, token: RefreshTokenRecord): Promise<void>;
  /**
   * Reads a refresh token; a rotated-out one reports its grant and its
   * {@link RotatedRefreshToken} (S22, S61), read atomically with the state of
   * its successor (one Lua script / one SQL statement).
   */
  findRefreshToken(tokenHash: string): Promise<RefreshTokenLookup>;
  /**
   * Atomically replaces the live refresh token `oldTokenHash` by `newTokenHash`.
   * The old token is remembered as used until its grant expires (never evicted
   * early), together with `{ grantId, clientId, rotatedAtMs, successorHash,
   * sealedSuccessor? }`, so a later presentation is reported as `reused` with
   * its {@link RotatedRefreshToken} (OAuth 2.1 §4.3.1, S22, S61). A call that
   * lost a race gets the same `reused` answer. `rotation.sealedSuccessor` is the
   * successor token sealed by the provider with a key derived from the OLD
   * token's plaintext (the store never sees a plaintext token); it is only
   * stored and returned. The store never decides grace: the provider does.
   */
  rotateRefreshToken(
    oldTokenHash: string,
    newTokenHash: string,
    token: RefreshTokenRecord,
    rotation?: { sealedSuccessor: string },
  ): Promise<RefreshTokenLookup>;

  /** Revokes one access token by `jti` until its expiry (RFC 7009, S9). */
  revokeAccessToken(jti: string, expiresAtMs: number): Promise<void>;
  /**
   * True when the access token `jti` was revoked, or when its grant was revoked
   * or no longer exists (fail closed). One round trip for the hot path.
   */
  isAccessTokenRevoked(jti: string, grantId: string): Promise<boolean>;

  /** Remembers approved scopes for a (subject, client) pair. */
  saveConsent(subject: string, clientId: string, consent: ConsentRecord): Promise<void>;
  /** The scopes remembered for a (subject, client) pair, or `undefined` when none are. */
  getConsent(subject: string, clientId: string): Promise<ConsentRecord | undefined>;

  /** Stores a login session of the built-in login. */
  saveSession(sessionIdHash: string, session: SessionRecord): Promise<void>;
  /** The login session stored under a session-id hash, or `undefined` when it is unknown or expired. */
  getSession(sessionIdHash: string): Promise<SessionRecord | undefined>;
  /** Ends a login session (sign-out, switch account); deleting an unknown one is not an error. */
  deleteSession(sessionIdHash: string): Promise<void>;

  /** Stores a pending sign-in at an upstream identity provider, keyed by the hash of its `state`. */
  saveUpstreamFlow(stateHash: string, flow: UpstreamFlowRecord): Promise<void>;
  /**
   * Atomically consumes an upstream sign-in: the first caller gets `ok`;
   * later callers get `reused` (with the record, so the error can reach the
   * client) until the record's expiry (RFC 9700 §4.7, single-use `state`).
   */
  consumeUpstreamFlow(stateHash: string): Promise<UpstreamFlowLookup>;

  /**
   * Stores (or replaces) the upstream tokens of a grant. Ignored when the
   * grant is unknown or revoked. {@link revokeGrant} deletes them.
   */
  saveUpstreamTokens(grantId: string, tokens: UpstreamTokenRecord): Promise<void>;
  /** The upstream tokens of a live grant; `undefined` when none, or when the grant is revoked or gone. */
  getUpstreamTokens(grantId: string): Promise<UpstreamTokenRecord | undefined>;

  /**
   * Registered clients in a stable order, a page at a time (operations, S70).
   * `limit` defaults to 100 (at most 1000); pass the returned `nextCursor` to
   * read the next page; no `nextCursor` means the last page.
   */
  listClients(options?: { limit?: number; cursor?: string }): Promise<{ clients: StoredClient[]; nextCursor?: string }>;
  /**
   * Deletes a client and revokes every grant issued to it (its refresh tokens
   * and access tokens stop working, reuse stays detectable); forgets its
   * remembered consents. Idempotent; an unknown client is ignored.
   */
  deleteClient(clientId: string): Promise<void>;
  /**
   * The live (unexpired) grants matching every given field, revoked ones
   * included with `revoked: true`. An empty filter lists every live grant.
   */
  listGrants(filter: { subject?: string; clientId?: string }): Promise<GrantRecord[]>;
  /**
   * Removes every expired record now and returns how many were removed. Stores
   * that expire records by themselves (Redis TTLs) may return 0.
   */
  purgeExpired(): Promise<number>;

  /**
   * Remembers a one-time identifier, such as the `jti` of a client assertion
   * (RFC 7523 §3 item 7, S65): `true` the first time `namespace` + `id` is seen,
   * `false` while it is remembered (until `expiresAtMs`). Atomic across
   * instances: of concurrent callers exactly one gets `true`
   * (Redis `SET NX PX`, SQL `INSERT … ON CONFLICT DO NOTHING`).
   */
  markUsedOnce(namespace: string, id: string, expiresAtMs: number): Promise<boolean>;
}

/** A registered client; `clientSecretHash` replaces the plain secret (S37). */
export interface StoredClient {
  clientId: string;
  /** Everything else registered (RFC 7591 metadata, camelCase), as JSON-safe data. */
  metadata: Record<string, unknown>;
  /** `sha256:<base64url>` of the secret; absent for public clients. */
  clientSecretHash?: string;
  /** Seconds since epoch; 0 = never expires (RFC 7591 §3.2.1). */
  clientSecretExpiresAt?: number;
  /** Seconds since epoch. */
  clientIdIssuedAt?: number;
  /**
   * Set on a dynamically registered client until it completes its first
   * authorization: the store drops the client after this time (epoch ms)
   * unless {@link OAuthStore.confirmClient} was called (S57).
   */
  unconfirmedExpiresAtMs?: number;
}

/** What `/authorize` validated, waiting for login and consent. */
export interface InteractionRecord {
  clientId: string;
  /** Display data of the client, captured at `/authorize` (the client may be a CIMD URL, not in the store). */
  clientName?: string;
  /**
   * True when every redirect URI of the client is on loopback (consent warning,
   * S34). Only this is kept, not the client's redirect URIs, so an interaction
   * stays small (S57).
   */
  clientRedirectsOnlyToLoopback?: boolean;
  /** @deprecated Not written any more (S57); read only from records stored by older versions. */
  clientRedirectUris?: string[];
  /**
   * Host of the Client ID Metadata Document when the client is one (its
   * metadata is self-asserted): consent is then always asked and this host shown.
   */
  clientMetadataDocumentHost?: string;
  state?: string;
  scopes: string[];
  codeChallenge: string;
  redirectUri: string;
  redirectUriProvidedExplicitly: boolean;
  resource?: string;
  /** Anti-CSRF token of the login and consent forms (S33). */
  csrfToken: string;
  /** The user the consent page was first shown to; the decision must come from them. */
  subject?: string;
  subjectName?: string;
  /** Set when the user signed in at an upstream identity provider for this interaction. */
  upstreamLogin?: UpstreamLoginRecord;
  expiresAtMs: number;
}

/** The result of a sign-in at an upstream identity provider, bound to one interaction and one browser. */
export interface UpstreamLoginRecord {
  /** Configured name of the upstream (`github`, `google`, ...). */
  upstreamName: string;
  /** Our subject, mapped from the upstream identity. */
  subject: string;
  name?: string;
  /** SHA-256 of the browser-binding cookie that started the sign-in. */
  browserHash: string;
  /** Upstream tokens, encrypted (AES-256-GCM), when the application stores them. */
  sealedTokens?: string;
}

/** A pending sign-in at an upstream identity provider (keyed by the hash of the `state` sent upstream). */
export interface UpstreamFlowRecord {
  upstreamName: string;
  /** SHA-256 of the interaction id (the key of the interaction). */
  interactionIdHash: string;
  /** The interaction id, encrypted with a key derived from the browser-binding cookie. */
  sealedInteractionId: string;
  /** SHA-256 of the browser-binding cookie. */
  browserHash: string;
  /** PKCE verifier sent to the upstream token endpoint (RFC 7636). */
  codeVerifier: string;
  /** OpenID Connect `nonce` expected in the ID token. */
  nonce?: string;
  /** The MCP client's redirect URI and `state`, so that an upstream failure can be reported to it. */
  clientRedirectUri: string;
  clientState?: string;
  expiresAtMs: number;
}

/** Result of consuming an upstream sign-in. */
export type UpstreamFlowLookup =
  | { status: 'ok'; record: UpstreamFlowRecord }
  | { status: 'reused'; record: UpstreamFlowRecord }
  | { status: 'unknown' };

/** Upstream tokens kept server-side for one grant (never given to MCP clients). */
export interface UpstreamTokenRecord {
  upstreamName: string;
  /** The token set, encrypted (AES-256-GCM). */
  sealedTokens: string;
  /** The grant's expiry. */
  expiresAtMs: number;
}

/** A stored authorization code (RFC 6749 §4.1.2), bound to client, redirect URI, PKCE challenge and grant. */
export interface AuthorizationCodeRecord {
  grantId: string;
  clientId: string;
  scopes: string[];
  codeChallenge: string;
  redirectUri: string;
  redirectUriProvidedExplicitly: boolean;
  resource?: string;
  subject: string;
  expiresAtMs: number;
  /**
   * Until when a consumed code is remembered as used: the end of its grant, so
   * a replay revokes the grant however late it comes (RFC 6749 §4.1.2, S11).
   * Defaults to `expiresAtMs`.
   */
  replayDetectionUntilMs?: number;
}

/** Result of reading or consuming a code. */
export type AuthorizationCodeLookup =
  { status: 'ok'; record: AuthorizationCodeRecord } | { status: 'reused'; grantId: string } | { status: 'unknown' };

/** One user's authorization of one client: the root of a refresh-token family. */
export interface GrantRecord {
  grantId: string;
  clientId: string;
  subject: string;
  /** The scopes consented to; a refresh may narrow and later widen back up to them. */
  scopes: string[];
  resource?: string;
  createdAtMs: number;
  /** Absolute end of the grant (refresh-token absolute lifetime, S26). */
  expiresAtMs: number;
  revoked?: boolean;
  /**
   * Until when a refresh of this grant must ask for a new authorization
   * (epoch ms), set by {@link OAuthStore.requireStepUp} after a 403
   * `insufficient_scope` (S63). Expires by time only.
   */
  stepUpRequiredUntilMs?: number;
}

/** A live refresh token (opaque; the key is its hash). */
export interface RefreshTokenRecord {
  grantId: string;
  clientId: string;
  subject: string;
  issuedAtMs: number;
  /** Idle expiry, never later than the grant's absolute expiry (S26). */
  expiresAtMs: number;
  /** Thumbprint of the DPoP key a public client's refresh token is bound to (RFC 9449 §5, S69). */
  dpopJkt?: string;
}

/**
 * Result of reading or rotating a refresh token. `reused` carries `rotation`
 * when the token was rotated out (not when its grant was revoked).
 */
export type RefreshTokenLookup =
  | { status: 'ok'; record: RefreshTokenRecord }
  | { status: 'reused'; grantId: string; rotation?: RotatedRefreshToken }
  | { status: 'unknown' };

/** What a store remembers of a rotated-out refresh token, for rotation grace (S61). */
export interface RotatedRefreshToken {
  /** The client the token was issued to. */
  clientId: string;
  /** When it was rotated out (epoch ms, provider clock). */
  rotatedAtMs: number;
  /**
   * True while its successor is still the grant's live refresh token: not
   * itself rotated, not revoked, not expired; read atomically with the rest.
   */
  successorLive: boolean;
  /** The successor sealed by the provider (opaque to the store). */
  sealedSuccessor?: string;
}

/** Remembered consent of a subject for a client. */
export interface ConsentRecord {
  scopes: string[];
  expiresAtMs: number;
}

/** A login session of the built-in login. */
export interface SessionRecord {
  subject: string;
  name?: string;
  expiresAtMs: number;
}

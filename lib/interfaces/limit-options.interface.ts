/** One rate limit: at most `limit` requests per `ttlSeconds` window per counted key (see {@link RateLimitOptions}). */
export interface RateLimit {
  limit: number;
  ttlSeconds: number;
}

/**
 * Rate limits of the OAuth endpoints and the login form (S36, S55, S62), each
 * `false` to switch it off; `rateLimits: false` switches every one off. Limits
 * count per client (the `client_id` of the request) AND client address, so the
 * users of one hosted client behind a few egress addresses do not lock each
 * other out, and a stranger cannot spend a client's budget from elsewhere; the
 * address alone is only a coarse outer bound (`perAddress`). The address is
 * `req.ip`: set Express's `trust proxy` behind a proxy. See docs/hosted-clients.md
 * for why the defaults are what they are.
 */
export interface RateLimitOptions {
  /** Every OAuth endpoint and the login form together, per address (coarse outer bound). @default 20000 / 15 min */
  perAddress?: RateLimit | false;
  /** `/authorize` per client and address. @default 3000 / 15 min */
  authorize?: RateLimit | false;
  /** `/token` per client and address. @default 6000 / 15 min */
  token?: RateLimit | false;
  /**
   * FAILED `/token` requests (any 4xx answer) per client and address; over it,
   * the client's token requests from that address get 429 until the window ends.
   * @default 100 / 15 min
   */
  tokenFailures?: RateLimit | false;
  /** Refresh-token grants per grant (one user's sign-in). @default 60 / 15 min */
  refreshPerGrant?: RateLimit | false;
  /** `/register` per address (a hosted client registers each of its users). @default 2000 / h */
  register?: RateLimit | false;
  /** `/register` over all addresses together (a cap on stored clients per hour). @default 20000 / h */
  registerGlobal?: RateLimit | false;
  /** `/revoke` per client and address. @default 1000 / 15 min */
  revoke?: RateLimit | false;
  /** `/introspect` per client and address. @default 6000 / 15 min */
  introspect?: RateLimit | false;
  /**
   * Failed password logins per account (S55): over it, 429 with `Retry-After`
   * for that username until the window ends, the same for unknown users.
   * @default 10 / 15 min
   */
  loginFailuresPerAccount?: RateLimit | false;
  /** Failed password logins per address (S55). @default 100 / 15 min */
  loginFailuresPerAddress?: RateLimit | false;
}

/**
 * Size limits on what a client sends (S57), so that no request can make the
 * server keep much memory: an authorization request is held as a pending
 * interaction for minutes, a registered client for up to a day before its
 * first authorization. Over a limit: `invalid_request` at `/authorize`
 * (shown on a page unless the client's redirect URIs are trusted, S52) and
 * `invalid_client_metadata` / `invalid_redirect_uri` at `/register`.
 */
export interface InputLimitOptions {
  /**
   * Longest `state` at `/authorize`, in UTF-8 bytes. Clients send a random
   * value (SDKs: 32–64 characters) or a small encoded object; 1 KiB leaves
   * room for that and caps a pending interaction's size. @default 1024
   */
  stateBytes?: number;
  /** Longest `scope` at `/authorize`, in bytes. @default 1024 */
  scopeBytes?: number;
  /** Longest `resource` at `/authorize`, in bytes (RFC 8707). @default 2048 */
  resourceBytes?: number;
  /**
   * Longest of every other authorization parameter (`client_id`,
   * `redirect_uri`, `code_challenge`, `nonce`, `login_hint`, `prompt`, …), in
   * bytes. @default 2048
   */
  otherAuthorizationParameterBytes?: number;
  /** Most `redirect_uris` in a registration. @default 20 */
  registrationRedirectUris?: number;
  /** Most `contacts` in a registration. @default 10 */
  registrationContacts?: number;
  /**
   * Longest string anywhere in a registration (each redirect URI, contact,
   * URL, name), in bytes; the DTO keeps tighter limits where it has them
   * (`client_name` 200). @default 2048
   */
  registrationStringBytes?: number;
  /** Largest registration document (its JSON), in bytes. @default 16384 */
  registrationDocumentBytes?: number;
}

import type { OAuthClientInformation, OAuthToken } from '../../interfaces/oauth-models.js';

/** Injection token of the pluggable grant types of the token endpoint ({@link TokenGrantHandler}[]). */
export const TOKEN_GRANT_HANDLERS = Symbol('TOKEN_GRANT_HANDLERS');

/** The parts of a token request a grant handler reads (RFC 6749 §4, §3.2). */
export interface TokenGrantRequest {
  /** The whole parsed form body, for the grant's own parameters (e.g. `assertion`). */
  body: unknown;
  /** The `scope` parameter, when given. */
  scope?: string;
  /** The validated RFC 8707 `resource` (the canonical MCP URI), when given. */
  resource?: string;
}

/**
 * One grant type of the token endpoint beyond authorization code and refresh
 * (which `TokenGrantService` runs itself). The service has already
 * authenticated the client, checked that the grant type is served and that
 * the client is registered for it, and validated `resource`.
 */
export interface TokenGrantHandler {
  /** The `grant_type` value (RFC 6749 §4.1.3, RFC 7523 §2.1). */
  readonly grantType: string;
  /** Exchanges the grant for tokens, or throws an `OAuthError`. */
  exchange(client: OAuthClientInformation, request: TokenGrantRequest): Promise<OAuthToken>;
}

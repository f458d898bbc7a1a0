/** Every error code this library emits (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1; RFC 7591 §3.2.2; RFC 8707 §2; RFC 9449 §5, §8). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_client_metadata'
  | 'invalid_redirect_uri'
  | 'access_denied'
  | 'temporarily_unavailable'
  | 'server_error'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce';

/** The JSON body of an OAuth error response (RFC 6749 §5.2). */
export interface OAuthErrorBody {
  error: OAuthErrorCode;
  error_description?: string;
  error_uri?: string;
}

/**
 * Base of the typed OAuth error family: an `Error` with the OAuth error code,
 * its description and the HTTP status it is answered with. It knows no HTTP
 * framework; the library renders it (the endpoints' error policy, the guard's
 * challenge, and a module exception filter for errors thrown by an
 * application's own handlers, such as `AuthContext.requireScopes()`).
 *
 * Descriptions must never contain a token, code, secret or verifier (S46).
 */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description?: string,
    /** The HTTP status of the response (RFC 6749 §5.2: 400 unless the error says otherwise). */
    readonly status = 400,
    readonly errorUri?: string,
  ) {
    super(description ?? error);
    this.name = 'OAuthError';
  }

  /** The HTTP status of the response. */
  getStatus(): number {
    return this.status;
  }

  /** The RFC 6749 §5.2 body. */
  toJSON(): OAuthErrorBody {
    const body: OAuthErrorBody = { error: this.error };
    if (this.description) body.error_description = this.description;
    if (this.errorUri) body.error_uri = this.errorUri;
    return body;
  }
}

/** RFC 6749 §5.2: missing, repeated or malformed parameter. */
export class InvalidRequestError extends OAuthError {
  constructor(description?: string) {
    super('invalid_request', description, 400);
  }
}

/**
 * RFC 6749 §5.2: client authentication failed. Status 401; when the client
 * used HTTP Basic, the response carries `WWW-Authenticate: Basic`.
 */
export class InvalidClientError extends OAuthError {
  constructor(
    description?: string,
    /** The client tried HTTP Basic authentication (adds `WWW-Authenticate: Basic`). */
    readonly usedBasicAuth = false,
  ) {
    super('invalid_client', description, 401);
  }
}

/** RFC 6749 §5.2: the grant (code, refresh token) is invalid, expired, revoked or bound elsewhere. */
export class InvalidGrantError extends OAuthError {
  constructor(description?: string) {
    super('invalid_grant', description, 400);
  }
}

/** RFC 6749 §5.2: the client may not use this grant type. */
export class UnauthorizedClientError extends OAuthError {
  constructor(description?: string) {
    super('unauthorized_client', description, 400);
  }
}

/** RFC 6749 §5.2. */
export class UnsupportedGrantTypeError extends OAuthError {
  constructor(description?: string) {
    super('unsupported_grant_type', description, 400);
  }
}

/** RFC 6749 §4.1.2.1. */
export class UnsupportedResponseTypeError extends OAuthError {
  constructor(description?: string) {
    super('unsupported_response_type', description, 400);
  }
}

/** RFC 7009 §2.2.1. */
export class UnsupportedTokenTypeError extends OAuthError {
  constructor(description?: string) {
    super('unsupported_token_type', description, 400);
  }
}

/** RFC 6749 §5.2: unknown scope, or wider than granted. */
export class InvalidScopeError extends OAuthError {
  constructor(description?: string) {
    super('invalid_scope', description, 400);
  }
}

/** RFC 8707 §2: the `resource` is malformed or not served here. */
export class InvalidTargetError extends OAuthError {
  constructor(description?: string) {
    super('invalid_target', description, 400);
  }
}

/** RFC 6750 §3.1: the bearer token is missing-in-form, expired, revoked or otherwise invalid. Status 401. */
export class InvalidTokenError extends OAuthError {
  constructor(description?: string) {
    super('invalid_token', description, 401);
  }
}

/** RFC 6750 §3.1: the token lacks scopes. Status 403; `scopes` lists every scope needed. */
export class InsufficientScopeError extends OAuthError {
  constructor(
    readonly requiredScopes: string[],
    description?: string,
  ) {
    super('insufficient_scope', description ?? 'The access token lacks a required scope', 403);
  }
}

/** RFC 7591 §3.2.2. */
export class InvalidClientMetadataError extends OAuthError {
  constructor(description?: string) {
    super('invalid_client_metadata', description, 400);
  }
}

/** RFC 7591 §3.2.2. */
export class InvalidRedirectUriError extends OAuthError {
  constructor(description?: string) {
    super('invalid_redirect_uri', description, 400);
  }
}

/** RFC 6749 §4.1.2.1: the resource owner or server denied the request. */
export class AccessDeniedError extends OAuthError {
  constructor(description?: string) {
    super('access_denied', description, 403);
  }
}

/** RFC 6749 §4.1.2.1: a dependency (store, upstream) is unavailable. Status 503. */
export class TemporarilyUnavailableError extends OAuthError {
  constructor(
    description = 'The service is temporarily unavailable',
    readonly retryAfterSeconds?: number,
  ) {
    super('temporarily_unavailable', description, 503);
  }
}

/** RFC 9449 §5: the DPoP proof of a token request is invalid (status 400). */
export class InvalidDpopProofError extends OAuthError {
  constructor(description?: string) {
    super('invalid_dpop_proof', description, 400);
  }
}

/**
 * RFC 9449 §8: the authorization server requires a DPoP nonce; the response
 * carries the nonce to use in `DPoP-Nonce` (status 400).
 */
export class UseDpopNonceError extends OAuthError {
  constructor(
    readonly nonce: string,
    description = 'Authorization server requires nonce in DPoP proof',
  ) {
    super('use_dpop_nonce', description, 400);
  }
}

/** RFC 6749 §5.2 (as extended by OAuth 2.1): an unexpected failure; its cause is never shown. */
export class ServerError extends OAuthError {
  constructor(description = 'The server encountered an unexpected error') {
    super('server_error', description, 500);
  }
}

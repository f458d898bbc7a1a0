/**
 * Typed events of the authorization server, for logs, metrics and alerts.
 * Delivered to the `onEvent` module option. They carry identifiers (client
 * id, subject, grant id, scopes) and never a credential: no token, code,
 * secret, password or hash of one (S46).
 */
export type McpAuthEvent =
  | ClientRegisteredEvent
  | ConsentGivenEvent
  | TokensIssuedEvent
  | RefreshReuseDetectedEvent
  | GrantRevokedEvent
  | LoginFailedEvent
  | StepUpChallengedEvent;

/** Fields every event has. */
export interface McpAuthEventBase {
  /** When it happened, epoch ms. */
  atMs: number;
}

/** A client registered dynamically (RFC 7591). */
export interface ClientRegisteredEvent extends McpAuthEventBase {
  type: 'client.registered';
  clientId: string;
  clientName?: string;
  /** `none` (public client) or how a confidential client authenticates. */
  tokenEndpointAuthMethod?: string;
}

/** A user approved a client's authorization request: a grant was created and a code issued. */
export interface ConsentGivenEvent extends McpAuthEventBase {
  type: 'consent.given';
  clientId: string;
  subject: string;
  grantId: string;
  scopes: string[];
  resource?: string;
}

/** The token endpoint issued tokens (RFC 6749 §5.1). */
export interface TokensIssuedEvent extends McpAuthEventBase {
  type: 'tokens.issued';
  /** `authorization_code`, `refresh_token`, `client_credentials` (S67) or the jwt-bearer URN (S68). */
  grantType: string;
  clientId: string;
  subject: string;
  grantId: string;
  scopes: string[];
  refreshTokenIssued: boolean;
}

/**
 * A used authorization code or a rotated-out refresh token was presented
 * again (RFC 6749 §4.1.2, OAuth 2.1 §4.3.1; S11, S22): the grant is revoked.
 * A sign that a credential may have leaked.
 */
export interface RefreshReuseDetectedEvent extends McpAuthEventBase {
  type: 'refresh.reuse_detected';
  /** What was replayed. */
  credential: 'authorization_code' | 'refresh_token';
  grantId: string;
  /** The client that presented it, when known. */
  clientId?: string;
}

/** A grant (and every token of it) was revoked. */
export interface GrantRevokedEvent extends McpAuthEventBase {
  type: 'grant.revoked';
  grantId: string;
  reason: 'reuse_detected' | 'token_revocation' | 'operations';
  clientId?: string;
  subject?: string;
}

/** The built-in password login refused a username and password. */
export interface LoginFailedEvent extends McpAuthEventBase {
  type: 'login.failed';
  /** The client the user was signing in for. */
  clientId: string;
  /** The username typed (never the password). */
  username: string;
}

/** The resource server answered 403 `insufficient_scope` (RFC 6750 §3.1): the client must step up. */
export interface StepUpChallengedEvent extends McpAuthEventBase {
  type: 'step_up.challenged';
  clientId?: string;
  subject?: string;
  grantId?: string;
  /** Every scope the operation needs. */
  requiredScopes: string[];
  /** The scopes the token had. */
  grantedScopes: string[];
}

/**
 * Receives every {@link McpAuthEvent}. Called synchronously after the fact;
 * what it throws or rejects is ignored, so a broken listener never breaks a
 * request. Works as it is with `@nestjs/event-emitter`:
 * `onEvent: (event) => eventEmitter.emit(event.type, event)`.
 */
export type McpAuthEventListener = (event: McpAuthEvent) => unknown;

/** An event as the library emits it, before `atMs` is filled in. */
export type McpAuthEventInput = McpAuthEvent extends infer E
  ? E extends McpAuthEvent
    ? Omit<E, 'atMs'>
    : never
  : never;

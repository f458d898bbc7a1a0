import { Inject, Injectable, Optional, Scope } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { InsufficientScopeError } from '../errors/oauth-error.js';
import type { AccessToken, SubjectType } from '../interfaces/oauth-models.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG, REQUEST_AUTH_PROPERTY } from '../mcp-auth.constants.js';
import { ScopeHierarchy } from '../rules/scope-rules.js';
import { getAccessToken, getCurrentScopeHierarchy } from './auth-storage.js';

/**
 * Who is calling: the verified access token of the current request.
 *
 * Inject it (request-scoped) into a controller or service, or call
 * {@link AuthContext.current} from a singleton (backed by AsyncLocalStorage,
 * no request-scope cost). Everything is read-only; the raw bearer token is not
 * exposed here (S8).
 */
@Injectable({ scope: Scope.REQUEST })
export class AuthContext {
  /**
   * @param request - the HTTP request (injected). Nest builds request-scoped
   *   instances before guards run, so the identity is read on access, not here.
   * @param config - the module configuration (injected), for its scope hierarchy (S64)
   */
  constructor(
    @Optional() @Inject(REQUEST) request?: Record<string, unknown>,
    @Optional() @Inject(MCP_AUTH_CONFIG) config?: Pick<McpAuthConfig, 'scopeHierarchy'>,
  ) {
    this.#request = request;
    this.#scopeHierarchy = config?.scopeHierarchy;
  }

  readonly #request: Record<string, unknown> | undefined;
  readonly #scopeHierarchy: ScopeHierarchy | undefined;

  /** The verified token (RFC 6750), or `undefined` on a public route. Its `token` property is non-enumerable. */
  get accessToken(): AccessToken | undefined {
    return (this.#request?.[REQUEST_AUTH_PROPERTY] as AccessToken | undefined) ?? getAccessToken();
  }

  /** The context of the request being served, read from AsyncLocalStorage. */
  static current(): AuthContext {
    return new AuthContext({ [REQUEST_AUTH_PROPERTY]: getAccessToken() });
  }

  /** True when the request carried a valid bearer token. */
  get isAuthenticated(): boolean {
    return this.accessToken !== undefined;
  }

  /** The OAuth client the token was issued to (`client_id`). */
  get clientId(): string | undefined {
    return this.accessToken?.clientId;
  }

  /** The end user (`sub`). */
  get subject(): string | undefined {
    return this.accessToken?.subject;
  }

  /**
   * Whether the caller is a user or a machine (a client acting for itself
   * with the client credentials grant, S67; then {@link subject} is the client
   * id). Read from the token's `subject_type` claim; a token that does not say
   * counts as `user`. `undefined` on a public route.
   */
  get subjectType(): SubjectType | undefined {
    const token = this.accessToken;
    return token ? (token.subjectType ?? 'user') : undefined;
  }

  /** True when a machine (no user) is calling: see {@link subjectType}. */
  get isMachine(): boolean {
    return this.subjectType === 'machine';
  }

  /** Granted scopes, as the token lists them (see {@link hasScope} for what they imply). */
  get scopes(): readonly string[] {
    return this.accessToken?.scopes ?? [];
  }

  /** Every claim of the token (JWT payload or introspection response), when the verifier gave them. */
  get claims(): Readonly<Record<string, unknown>> {
    return this.accessToken?.claims ?? {};
  }

  /**
   * The access token issued by upstream identity provider `upstreamName`
   * (for example `'github'`) when the user signed in there for this grant and
   * the `UpstreamLogin` stores tokens; refreshed first when it expired.
   * `undefined` otherwise. Use it to call the upstream's API server-side; it
   * is never sent to the MCP client.
   */
  async upstreamToken(upstreamName: string): Promise<string | undefined> {
    return this.accessToken?.upstreamToken?.(upstreamName);
  }

  /**
   * True when the token grants every one of `scopes`, directly or through a broader
   * granted scope that implies it (`scopeHierarchy` module option, S64).
   */
  hasScope(...scopes: string[]): boolean {
    const hierarchy = this.#scopeHierarchy ?? getCurrentScopeHierarchy() ?? ScopeHierarchy.flat;
    return this.isAuthenticated && hierarchy.hasAll(this.accessToken!.scopes, scopes);
  }

  /**
   * Throws {@link InsufficientScopeError} (403, RFC 6750 §3.1) naming every
   * scope of `scopes` unless the token grants them all.
   */
  requireScopes(...scopes: string[]): void {
    if (!this.hasScope(...scopes)) throw new InsufficientScopeError(scopes);
  }
}

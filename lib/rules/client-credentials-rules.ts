import { InvalidScopeError, UnauthorizedClientError } from '../errors/oauth-error.js';
import type { OAuthClientInformation } from '../interfaces/oauth-models.js';
import { type ScopeHierarchy, parseScope } from './scope-rules.js';

/**
 * The client credentials grant (RFC 6749 §4.4, OAuth 2.1 §4.2, S67) is for
 * confidential clients only: a client that authenticates with a secret or
 * `private_key_jwt`, never `none`.
 *
 * @throws UnauthorizedClientError for a public client
 */
export function assertConfidentialClient(client: OAuthClientInformation, grantType: string): void {
  const method = client.tokenEndpointAuthMethod ?? 'client_secret_basic';
  if (method === 'none') {
    throw new UnauthorizedClientError(`A public client cannot use the ${grantType} grant`);
  }
}

/** What {@link resolveMachineScopes} needs from the module configuration. */
export interface MachineScopePolicy {
  /** `scopesSupported`; empty means any well-formed scope is known. */
  scopesSupported: readonly string[];
  scopeHierarchy: ScopeHierarchy;
}

/**
 * Scopes of a client credentials request (RFC 6749 §3.3, §4.4.2; S67): the
 * client's registered `scope` is its allowed set. Absent `scope` means the
 * whole allowed set; otherwise every requested scope must be known and within
 * the allowed set (directly or through a broader registered scope, S64), or
 * the request is `invalid_scope`. A client registered without any scope gets
 * no token.
 */
export function resolveMachineScopes(
  client: OAuthClientInformation,
  requested: string | undefined,
  policy: MachineScopePolicy,
): string[] {
  const allowed = parseScope(client.scope) ?? [];
  if (!allowed.length)
    throw new InvalidScopeError('The client has no registered scope for the client_credentials grant');
  const scopes = parseScope(requested);
  if (scopes === undefined) throw new InvalidScopeError('The scope parameter is malformed');
  if (!scopes.length) return [...allowed];
  if (policy.scopesSupported.length) {
    const unknown = scopes.filter((scope) => !policy.scopesSupported.includes(scope));
    if (unknown.length) throw new InvalidScopeError(`Unknown scope: ${unknown.join(' ')}`);
  }
  const outside = policy.scopeHierarchy.missing(scopes, allowed);
  if (outside.length) throw new InvalidScopeError(`Scope not allowed for this client: ${outside.join(' ')}`);
  return scopes;
}

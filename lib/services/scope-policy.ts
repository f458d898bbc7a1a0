import { InvalidScopeError } from '../errors/oauth-error.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import type { OAuthClientInformation } from '../interfaces/oauth-models.js';

/** RFC 6749 §3.3 scope-token syntax. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Splits a space-delimited scope string (RFC 6749 §3.3) into unique tokens.
 * Returns `undefined` when a token has characters outside the RFC's set.
 */
export function parseScope(scope: string | undefined): string[] | undefined {
  if (scope === undefined) return [];
  const tokens = scope.split(' ').filter((token) => token.length > 0);
  if (tokens.some((token) => !SCOPE_TOKEN.test(token))) return undefined;
  return [...new Set(tokens)];
}

/**
 * Scopes of an authorization request after the policy (RFC 6749 §3.3):
 * unknown scopes (not in `scopesSupported` when that is set) are
 * `invalid_scope`; with `enforceRegisteredClientScope`, scopes outside the
 * client's registered `scope` are `invalid_scope`; none requested means
 * `defaultScopes` (capped the same way).
 */
export function resolveAuthorizationScopes(
  config: McpAuthConfig,
  client: OAuthClientInformation,
  requested: string | undefined,
): string[] {
  const scopes = parseScope(requested);
  if (scopes === undefined) throw new InvalidScopeError('The scope parameter is malformed');
  if (config.scopesSupported.length) {
    const unknown = scopes.filter((scope) => !config.scopesSupported.includes(scope));
    if (unknown.length) throw new InvalidScopeError(`Unknown scope: ${unknown.join(' ')}`);
  }
  const registered = config.enforceRegisteredClientScope ? (parseScope(client.scope) ?? []) : undefined;
  if (!scopes.length) {
    return registered ? config.defaultScopes.filter((scope) => registered.includes(scope)) : [...config.defaultScopes];
  }
  if (registered) {
    const outside = scopes.filter((scope) => !registered.includes(scope));
    if (outside.length) throw new InvalidScopeError(`Scope not registered for this client: ${outside.join(' ')}`);
  }
  return scopes;
}

/**
 * Scopes of a refresh request (RFC 6749 §6, S24): absent means the original
 * grant; otherwise every requested scope must have been granted.
 */
export function resolveRefreshScopes(granted: string[], requested: string | undefined): string[] {
  if (requested === undefined) return [...granted];
  const scopes = parseScope(requested);
  if (scopes === undefined) throw new InvalidScopeError('The scope parameter is malformed');
  const wider = scopes.filter((scope) => !granted.includes(scope));
  if (wider.length) throw new InvalidScopeError('The requested scope exceeds the scope originally granted');
  return scopes.length ? scopes : [...granted];
}

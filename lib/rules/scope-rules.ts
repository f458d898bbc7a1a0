import { InvalidScopeError } from '../errors/oauth-error.js';
import type { OAuthClientInformation } from '../interfaces/oauth-models.js';

/**
 * The one scope module: syntax (RFC 6749 §3.3: case-sensitive, order-free,
 * space-delimited tokens), set operations, the scope hierarchy (MCP
 * authorization 2026-07-28 "Scope Challenge Handling": a broader scope implies
 * narrower ones, S64) and the request policies of the authorization and token
 * endpoints. Every scope decision of the library goes through here.
 */

/** RFC 6749 §3.3 scope-token syntax. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** In a {@link ScopeHierarchyDeclaration}: every scope of `scopesSupported`. */
export const EVERY_SCOPE = '*';

/** True when `value` is one RFC 6749 §3.3 scope token. */
export function isScopeToken(value: unknown): value is string {
  return typeof value === 'string' && SCOPE_TOKEN.test(value);
}

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

/** Union of scope lists, first occurrence order kept, empty and non-string entries dropped. */
export function mergeScopes(...lists: ReadonlyArray<readonly unknown[] | undefined>): string[] {
  const merged = new Set<string>();
  for (const list of lists) {
    for (const scope of list ?? []) if (typeof scope === 'string' && scope !== '') merged.add(scope);
  }
  return [...merged];
}

/**
 * Which scope implies which: `{ notes: ['notes:read', 'notes:write'], admin: ['*'] }`.
 * A key satisfies every scope it lists, transitively. A key listing `'*'`
 * satisfies every scope of `scopesSupported`; no other
 * scope may imply it. Every name must be in `scopesSupported`; cycles are refused.
 */
export type ScopeHierarchyDeclaration = Readonly<Record<string, readonly string[]>>;

/**
 * A validated scope hierarchy with its transitive closure computed once, so a
 * check costs a few set lookups. {@link ScopeHierarchy.flat} (no hierarchy)
 * compares exact strings.
 */
export class ScopeHierarchy {
  /** No hierarchy: a scope satisfies only itself. */
  static readonly flat = new ScopeHierarchy(new Map(), new Map());

  private constructor(
    private readonly impliedBy: ReadonlyMap<string, ReadonlySet<string>>,
    private readonly implies: ReadonlyMap<string, readonly string[]>,
  ) {}

  /**
   * Validates `declaration` against the known scopes and computes its closure.
   * Returns a plain problem message for a name not in `scopesSupported` (or a
   * declaration without `scopesSupported`), a malformed entry, or a cycle.
   */
  static build(
    declaration: ScopeHierarchyDeclaration | undefined,
    scopesSupported: readonly string[],
  ): ScopeHierarchy | { problem: string } {
    if (declaration === undefined) return ScopeHierarchy.flat;
    if (typeof declaration !== 'object' || declaration === null || Array.isArray(declaration)) {
      return { problem: 'must be an object mapping a scope to the scopes it implies' };
    }
    const broadScopes = Object.keys(declaration);
    if (!broadScopes.length) return ScopeHierarchy.flat;
    if (!scopesSupported.length) {
      return { problem: 'needs scopesSupported (every name in the hierarchy must be a supported scope)' };
    }
    const known = new Set(scopesSupported);
    const topScopes = new Set(broadScopes.filter((broad) => declaration[broad]?.includes?.(EVERY_SCOPE)));
    const everyOtherScope = scopesSupported.filter((scope) => !topScopes.has(scope));
    const edges = new Map<string, string[]>();
    for (const broad of broadScopes) {
      const implied = declaration[broad];
      if (!known.has(broad)) return { problem: `"${broad}" is not in scopesSupported` };
      if (!Array.isArray(implied) || !implied.length) {
        return { problem: `"${broad}" must list the scopes it implies (or '*')` };
      }
      for (const name of implied) {
        if (name === EVERY_SCOPE) continue;
        if (typeof name !== 'string' || !known.has(name)) {
          return { problem: `"${broad}" implies "${String(name)}", which is not in scopesSupported` };
        }
        if (topScopes.has(name)) {
          return { problem: `"${broad}" implies "${name}", which implies every scope ('*'): no scope can imply it` };
        }
      }
      edges.set(broad, topScopes.has(broad) ? everyOtherScope : [...implied]);
    }
    const cycle = findCycle(declaration);
    if (cycle) return { problem: `has a cycle: ${cycle.join(' → ')}` };
    const impliedBy = new Map<string, Set<string>>();
    const implies = new Map<string, readonly string[]>();
    for (const broad of broadScopes) {
      const closure = closureOf(broad, edges);
      closure.delete(broad);
      implies.set(broad, Object.freeze(scopesSupported.filter((scope) => closure.has(scope))));
      for (const narrow of closure) {
        let broader = impliedBy.get(narrow);
        if (!broader) impliedBy.set(narrow, (broader = new Set()));
        broader.add(broad);
      }
    }
    return new ScopeHierarchy(impliedBy, implies);
  }

  /** True when no scope implies another. */
  get isFlat(): boolean {
    return this.impliedBy.size === 0;
  }

  /** True when `granted` holds `required` itself or a scope that implies it. */
  grants(granted: readonly string[] | undefined, required: string): boolean {
    if (!granted) return false;
    if (granted.includes(required)) return true;
    const broader = this.impliedBy.get(required);
    return broader !== undefined && granted.some((scope) => broader.has(scope));
  }

  /** The scopes of `required` that `granted` does not satisfy. */
  missing(required: readonly string[], granted: readonly string[] | undefined): string[] {
    return required.filter((scope) => !this.grants(granted, scope));
  }

  /** True when `granted` satisfies every scope of `required`. */
  hasAll(granted: readonly string[] | undefined, required: readonly string[]): boolean {
    return required.every((scope) => this.grants(granted, scope));
  }

  /** The narrower scopes `scope` implies (transitively), in `scopesSupported` order; empty for a leaf. */
  impliedScopes(scope: string): readonly string[] {
    return this.implies.get(scope) ?? [];
  }

  /**
   * The smallest list that asks for what `required` asks (for a challenge's
   * `scope`): a scope implied by another required scope is dropped, since
   * granting the broader one satisfies both.
   */
  minimal(required: readonly string[]): string[] {
    if (this.isFlat || required.length < 2) return [...required];
    return required.filter((scope) => !required.some((other) => other !== scope && this.grants([other], scope)));
  }
}

/** The scopes of `required` that `granted` lacks (`hierarchy` decides what a broad scope covers). */
export function missingScopes(
  required: readonly string[],
  granted: readonly string[] | undefined,
  hierarchy: ScopeHierarchy = ScopeHierarchy.flat,
): string[] {
  return hierarchy.missing(required, granted);
}

/** True when `granted` satisfies every scope of `required`. */
export function hasAllScopes(
  granted: readonly string[] | undefined,
  required: readonly string[],
  hierarchy: ScopeHierarchy = ScopeHierarchy.flat,
): boolean {
  return hierarchy.hasAll(granted, required);
}

/** What {@link resolveAuthorizationScopes} reads of the configuration (`McpAuthConfig` has these fields). */
export interface AuthorizationScopePolicy {
  readonly scopesSupported: readonly string[];
  readonly defaultScopes: readonly string[];
  readonly enforceRegisteredClientScope: boolean;
  readonly scopeHierarchy: ScopeHierarchy;
}

/**
 * Scopes of an authorization request after the policy (RFC 6749 §3.3):
 * unknown scopes (not in `scopesSupported` when that is set) are
 * `invalid_scope`; with `enforceRegisteredClientScope`, scopes the client's
 * registered `scope` does not cover (hierarchy included) are `invalid_scope`;
 * none requested means `defaultScopes` (capped the same way).
 */
export function resolveAuthorizationScopes(
  config: AuthorizationScopePolicy,
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
    return registered
      ? config.defaultScopes.filter((scope) => config.scopeHierarchy.grants(registered, scope))
      : [...config.defaultScopes];
  }
  if (registered) {
    const outside = config.scopeHierarchy.missing(scopes, registered);
    if (outside.length) throw new InvalidScopeError(`Scope not registered for this client: ${outside.join(' ')}`);
  }
  return scopes;
}

/**
 * Scopes of a refresh request (RFC 6749 §6, S24, S64): absent means the
 * original grant; otherwise every requested scope must be granted, directly
 * or through a broader granted scope (`notes:read` from a `notes` grant).
 */
export function resolveRefreshScopes(
  granted: readonly string[],
  requested: string | undefined,
  hierarchy: ScopeHierarchy = ScopeHierarchy.flat,
): string[] {
  if (requested === undefined) return [...granted];
  const scopes = parseScope(requested);
  if (scopes === undefined) throw new InvalidScopeError('The scope parameter is malformed');
  if (hierarchy.missing(scopes, granted).length) {
    throw new InvalidScopeError('The requested scope exceeds the scope originally granted');
  }
  return scopes.length ? scopes : [...granted];
}

function closureOf(start: string, edges: ReadonlyMap<string, readonly string[]>): Set<string> {
  const seen = new Set<string>([start]);
  const pending = [start];
  while (pending.length) {
    for (const next of edges.get(pending.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        pending.push(next);
      }
    }
  }
  return seen;
}

/** A cycle among the named (non-`'*'`) edges, as the path that closes it; `undefined` when acyclic. */
function findCycle(declaration: ScopeHierarchyDeclaration): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (scope: string): string[] | undefined => {
    if (state.get(scope) === 'done') return undefined;
    if (state.get(scope) === 'visiting') return [...path.slice(path.indexOf(scope)), scope];
    state.set(scope, 'visiting');
    path.push(scope);
    for (const next of Object.hasOwn(declaration, scope) ? declaration[scope]! : []) {
      if (next === EVERY_SCOPE) continue;
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(scope, 'done');
    return undefined;
  };
  for (const scope of Object.keys(declaration)) {
    const cycle = visit(scope);
    if (cycle) return cycle;
  }
  return undefined;
}

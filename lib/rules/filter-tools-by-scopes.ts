import { ScopeHierarchy } from './scope-rules.js';

/** What {@link filterToolsByScopes} needs of the `ToolScopeRegistry`: the scopes one tool requires. */
export interface ToolScopeLookup {
  /** The scopes a call of `toolName` needs; none when the tool declares none. */
  scopesFor(toolName: string): readonly string[];
}

/**
 * Hides tools the caller could not call from a `tools/list` result (optional;
 * the guard still answers 403 for a call). Tools without declared scopes stay.
 *
 * @param tools - the tools of a `tools/list` result (anything with a `name`)
 * @param grantedScopes - the caller's scopes, e.g. `getAccessToken()?.scopes`
 * @param hierarchy - what a broad scope implies (S64), e.g. the injected `MCP_AUTH_CONFIG`'s `scopeHierarchy`
 */
export function filterToolsByScopes<T extends { name: string }>(
  tools: readonly T[],
  grantedScopes: readonly string[] | undefined,
  registry: ToolScopeLookup,
  hierarchy: ScopeHierarchy = ScopeHierarchy.flat,
): T[] {
  return tools.filter((tool) => hierarchy.hasAll(grantedScopes, registry.scopesFor(tool.name)));
}

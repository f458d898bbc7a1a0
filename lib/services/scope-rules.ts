/**
 * Scope set operations (RFC 6749 §3.3: scopes are case-sensitive, order-free tokens).
 */

/** Union of scope lists, first occurrence order kept, empty and non-string entries dropped. */
export function mergeScopes(...lists: ReadonlyArray<readonly unknown[] | undefined>): string[] {
  const merged = new Set<string>();
  for (const list of lists) {
    for (const scope of list ?? []) if (typeof scope === 'string' && scope !== '') merged.add(scope);
  }
  return [...merged];
}

/** The scopes of `required` that `granted` lacks. */
export function missingScopes(required: readonly string[], granted: readonly string[] | undefined): string[] {
  const have = new Set(granted ?? []);
  return required.filter((scope) => !have.has(scope));
}

/** True when `granted` includes every scope of `required`. */
export function hasAllScopes(granted: readonly string[] | undefined, required: readonly string[]): boolean {
  return missingScopes(required, granted).length === 0;
}

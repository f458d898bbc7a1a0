/**
 * Nesting-depth limits for JSON request bodies (S58). Deeply nested JSON is
 * cheap to send and expensive to process: recursive consumers (class-transformer,
 * `JSON.stringify`, validators) overflow the stack on a few thousand levels.
 * Both checks here are iterative and stop at the first level past the limit.
 */

/** Default deepest nesting of arrays and objects accepted in a JSON body (S58). */
export const DEFAULT_JSON_MAX_DEPTH = 32;

/**
 * True when the JSON text nests arrays/objects deeper than `maxDepth`
 * (a top-level object is depth 1). Brackets inside strings are ignored; the
 * text is not otherwise validated, so call it before `JSON.parse`.
 */
export function jsonTextExceedsDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x5b || code === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (code === 0x5d || code === 0x7d) {
      depth--;
    }
  }
  return false;
}

/**
 * True when an already parsed value nests arrays/objects deeper than
 * `maxDepth` (a top-level object is depth 1). Recursion stops one level past
 * the limit, so it is safe on any input depth; nothing is allocated.
 */
export function jsonValueExceedsDepth(value: unknown, maxDepth: number): boolean {
  return exceeds(value, maxDepth);
}

function exceeds(value: unknown, remaining: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (remaining <= 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (exceeds(value[i], remaining - 1)) return true;
    return false;
  }
  for (const key in value) {
    if (Object.hasOwn(value, key) && exceeds((value as Record<string, unknown>)[key], remaining - 1)) return true;
  }
  return false;
}

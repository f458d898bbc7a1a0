/**
 * Audience checks for resource indicators (RFC 8707 §2, RFC 9068 §4, S4).
 */

/**
 * Canonical form of a resource URI for comparison: scheme and host in
 * lowercase, default port dropped (both done by the WHATWG URL parser), path
 * and query kept exactly. `undefined` for anything that is not an absolute
 * URI or that carries a fragment (RFC 8707 §2 forbids fragments).
 */
export function canonicalResourceUri(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.includes('#') || !URL.canParse(value)) return undefined;
  const url = new URL(value);
  if (!url.protocol || !url.host) return undefined;
  return url.href;
}

/**
 * Matches token audiences against one expected resource, canonicalised once
 * (the guard runs it on every request). An audience equal to the configured
 * string matches without parsing; anything else is compared in canonical form.
 */
export class AudienceMatcher {
  private readonly canonical: string | undefined;

  constructor(private readonly expectedResource: string) {
    this.canonical = canonicalResourceUri(expectedResource);
  }

  /** True when `audience` (`aud` / `resource`, a string or a list) names the expected resource. */
  matches(audience: string | string[] | undefined): boolean {
    if (this.canonical === undefined || audience === undefined) return false;
    if (audience === this.expectedResource) return true;
    const values = Array.isArray(audience) ? audience : [audience];
    return values.some((value) => value === this.expectedResource || canonicalResourceUri(value) === this.canonical);
  }
}

/**
 * True when the token audience (`aud` / `resource`, a string or a list) names
 * `expectedResource`. A missing or empty audience never matches.
 */
export function audienceIncludes(audience: string | string[] | undefined, expectedResource: string): boolean {
  return new AudienceMatcher(expectedResource).matches(audience);
}

import { canonicalResourceUri } from './resource-uri.js';

/**
 * Audience checks for resource indicators (RFC 8707 §2, RFC 9068 §4, S4),
 * by the one resource comparison rule (`canonicalResourceUri`, S60).
 */

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

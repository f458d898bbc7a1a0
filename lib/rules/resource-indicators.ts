import { InvalidRequestError, InvalidTargetError } from '../errors/oauth-error.js';
import { canonicalResourceUri, sameResource } from './resource-uri.js';
import { parseAbsoluteUrl } from './url-rules.js';

export { sameResource } from './resource-uri.js';

/**
 * Validates an RFC 8707 `resource` parameter: an absolute URI without a
 * fragment that names the resource this server issues tokens for (S25).
 * Returns the configured canonical resource, or `undefined` when none was
 * given. Anything else is `invalid_target`. Compared by the one canonical rule (S60).
 */
export function validateResourceIndicator(value: string | undefined, canonicalResource: string): string | undefined {
  if (value === undefined) return undefined;
  const url = parseAbsoluteUrl(value);
  if (!url) throw new InvalidTargetError('The resource must be an absolute URI');
  if (value.includes('#')) throw new InvalidTargetError('The resource must not contain a fragment');
  if (!sameResource(value, canonicalResource))
    throw new InvalidTargetError('The resource is not served by this server');
  return canonicalResource;
}

/**
 * Reads the `resource` parameter(s) of a request (RFC 8707 §2: it may be
 * repeated). Every value must name this server's resource; returns the
 * canonical resource or `undefined` when absent.
 */
export function readResourceParameter(source: unknown, canonicalResource: string): string | undefined {
  if (!source || typeof source !== 'object' || !Object.hasOwn(source, 'resource')) return undefined;
  const raw = (source as Record<string, unknown>).resource;
  const values = Array.isArray(raw) ? raw : [raw];
  if (values.some((value) => typeof value !== 'string'))
    throw new InvalidRequestError('The resource parameter is malformed');
  const present = (values as string[]).filter((value) => value !== '');
  if (!present.length) return undefined;
  for (const value of present) validateResourceIndicator(value, canonicalResource);
  return canonicalResource;
}

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

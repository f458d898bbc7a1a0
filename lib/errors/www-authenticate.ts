/**
 * Builds `WWW-Authenticate` header values. This file is the only place that
 * renders them (RFC 6750 §3, RFC 9728 §5.1, RFC 7235 §2.1, RFC 9449 §7.1).
 */

/** Parameters of a Bearer challenge (RFC 6750 §3, RFC 9728 §5.1). */
export interface BearerChallenge {
  realm?: string;
  /** Absent when no credentials were sent (RFC 6750 §3.1). */
  error?: string;
  errorDescription?: string;
  /** Space-separated scopes needed. */
  scope?: string;
  /** Absolute URL of the protected-resource metadata (RFC 9728 §5.1). */
  resourceMetadata?: string;
}

/** Escapes a value for an RFC 7230 quoted-string: backslash and double quote are backslash-escaped (S10). */
export function quoteHeaderValue(value: string): string {
  const safe = value.replace(/[\r\n\u0000-\u001f\u007f]/g, ' ');
  return `"${safe.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
}

/** Renders `Bearer realm="…", error="…", error_description="…", scope="…", resource_metadata="…"`. */
export function renderBearerChallenge(challenge: BearerChallenge): string {
  return renderChallenge('Bearer', challenge);
}

/** Parameters of a DPoP challenge (RFC 9449 §7.1): the Bearer ones plus the accepted proof algorithms. */
export interface DpopChallenge extends BearerChallenge {
  /** Space-separated JWS algorithms accepted in proofs. */
  algs?: string;
}

/** Renders `DPoP realm="…", error="…", error_description="…", scope="…", resource_metadata="…", algs="…"`. */
export function renderDpopChallenge(challenge: DpopChallenge): string {
  return renderChallenge('DPoP', challenge);
}

/** One challenge of `scheme` with the non-empty parameters, in RFC order, each quoted (S10). */
function renderChallenge(scheme: string, challenge: DpopChallenge): string {
  const params: Array<[string, string | undefined]> = [
    ['realm', challenge.realm],
    ['error', challenge.error],
    ['error_description', challenge.errorDescription],
    ['scope', challenge.scope],
    ['resource_metadata', challenge.resourceMetadata],
    ['algs', challenge.algs],
  ];
  const rendered = params
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([name, value]) => `${name}=${quoteHeaderValue(value)}`);
  return rendered.length ? `${scheme} ${rendered.join(', ')}` : scheme;
}

/** Renders a Basic challenge for `invalid_client` after HTTP Basic authentication failed (RFC 6749 §5.2). */
export function renderBasicChallenge(realm = 'oauth'): string {
  return `Basic realm=${quoteHeaderValue(realm)}, charset="UTF-8"`;
}

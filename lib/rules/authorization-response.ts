/**
 * Builds the redirect URL of an authorization response (RFC 6749 §4.1.2,
 * §4.1.2.1) with `iss` (RFC 9207 §2, S29). The only place that writes
 * authorization responses; success and error redirects both go through it.
 */
export interface AuthorizationResponseParams {
  code?: string;
  error?: string;
  errorDescription?: string;
  /** Returned exactly as received. */
  state?: string;
  /** The issuer identifier (RFC 9207). */
  iss: string;
}

/** Appends the response parameters to the redirect URI's query, keeping its existing query (RFC 6749 §3.1.2). */
export function buildAuthorizationResponseUrl(redirectUri: string, params: AuthorizationResponseParams): string {
  const url = new URL(redirectUri);
  if (params.code !== undefined) url.searchParams.append('code', params.code);
  if (params.error !== undefined) url.searchParams.append('error', params.error);
  if (params.errorDescription !== undefined) url.searchParams.append('error_description', params.errorDescription);
  if (params.state !== undefined) url.searchParams.append('state', params.state);
  url.searchParams.append('iss', params.iss);
  return url.toString();
}

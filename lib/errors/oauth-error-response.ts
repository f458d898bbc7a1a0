import { type EndpointResult, jsonResult } from '../http/endpoint-result.js';
import { NO_STORE_HEADERS } from '../http/no-store.js';
import { oauthErrorHeaders } from './error-policy.js';
import type { OAuthError } from './oauth-error.js';

/**
 * The JSON rendering of an OAuth error (RFC 6749 §5.2): its status, the
 * `{ error, error_description }` body, `Cache-Control: no-store` (S31) and the
 * error's own headers (`Retry-After`, the Basic challenge).
 */
export function oauthErrorResult(error: OAuthError): EndpointResult {
  return jsonResult(error.getStatus(), error.toJSON(), { ...NO_STORE_HEADERS, ...oauthErrorHeaders(error) });
}

import { InvalidRequestError } from '../errors/oauth-error.js';
import type { EndpointBodyRule } from './endpoint.js';

/**
 * The body of the token, revocation and introspection endpoints
 * (RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1).
 */
export const FORM_BODY: EndpointBodyRule = {
  mediaType: 'application/x-www-form-urlencoded',
  wrongMediaType: () => new InvalidRequestError('The request body must be application/x-www-form-urlencoded'),
};

import type { TokenEndpointAuthMethod } from '../interfaces/oauth-models.js';

/** The methods the token, revocation and introspection endpoints accept, in metadata order (RFC 8414 §2). */
export const SUPPORTED_CLIENT_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'none',
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
];

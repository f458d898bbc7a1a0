import type { AuthorizationServerConfig } from '../interfaces/mcp-auth-config.interface.js';
import { SUPPORTED_CLIENT_AUTH_METHODS } from './client-authentication-methods.js';
import { SUPPORTED_CODE_CHALLENGE_METHODS } from './pkce.js';
import { supportedGrantTypes } from './grant-types.js';

/**
 * Injection token of extra metadata fields (an array of functions returning
 * fields to merge), for features that plug in later, e.g. Client ID Metadata
 * Documents adding `client_id_metadata_document_supported: true`.
 */
export const AUTHORIZATION_SERVER_METADATA_EXTENSIONS = Symbol('AUTHORIZATION_SERVER_METADATA_EXTENSIONS');

/** Adds fields to the authorization-server metadata. */
export type AuthorizationServerMetadataExtension = (config: AuthorizationServerConfig) => Record<string, unknown>;

/**
 * The RFC 8414 §2 authorization-server metadata document (S28): `issuer`
 * exactly as configured, every enabled endpoint, and exactly the methods that
 * work (`private_key_jwt` with its signing algorithms, RFC 8414 §2, S65, when on),
 * and the grant types served (client credentials S67 and jwt-bearer S68 when on).
 */
export function buildAuthorizationServerMetadata(
  config: AuthorizationServerConfig,
  extensions: readonly AuthorizationServerMetadataExtension[] = [],
): Record<string, unknown> {
  const endpoints = config.endpoints;
  const authMethods = SUPPORTED_CLIENT_AUTH_METHODS.filter(
    (method) => method !== 'private_key_jwt' || config.privateKeyJwt !== undefined,
  );
  const signingAlgorithms = config.privateKeyJwt?.signingAlgorithms;
  const metadata: Record<string, unknown> = {
    issuer: config.issuer,
    authorization_endpoint: endpoints.authorization.url,
    token_endpoint: endpoints.token.url,
  };
  if (typeof config.provider?.getJsonWebKeySet === 'function') metadata.jwks_uri = endpoints.jwks.url;
  if (config.clientRegistration.enabled) metadata.registration_endpoint = endpoints.registration.url;
  if (config.scopesSupported.length) metadata.scopes_supported = [...config.scopesSupported];
  Object.assign(metadata, {
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: supportedGrantTypes(config),
    token_endpoint_auth_methods_supported: authMethods,
  });
  if (signingAlgorithms) metadata.token_endpoint_auth_signing_alg_values_supported = [...signingAlgorithms];
  if (config.serviceDocumentationUrl) metadata.service_documentation = config.serviceDocumentationUrl;
  if (config.revocation.enabled) {
    metadata.revocation_endpoint = endpoints.revocation.url;
    metadata.revocation_endpoint_auth_methods_supported = [...authMethods];
    if (signingAlgorithms) metadata.revocation_endpoint_auth_signing_alg_values_supported = [...signingAlgorithms];
  }
  if (config.introspection.enabled) {
    metadata.introspection_endpoint = endpoints.introspection.url;
    metadata.introspection_endpoint_auth_methods_supported = [...authMethods];
    if (signingAlgorithms) metadata.introspection_endpoint_auth_signing_alg_values_supported = [...signingAlgorithms];
  }
  metadata.code_challenge_methods_supported = [...SUPPORTED_CODE_CHALLENGE_METHODS];
  metadata.authorization_response_iss_parameter_supported = true;
  if (config.clientIdMetadataDocuments) metadata.client_id_metadata_document_supported = true;
  for (const extension of extensions) Object.assign(metadata, extension(config));
  return metadata;
}

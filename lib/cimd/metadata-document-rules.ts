import { InvalidClientError } from '../errors/index.js';
import { redirectUriRegistrationProblem } from '../rules/redirect-uri-rules.js';
import type { MetadataDocumentAuthMethod } from './client-id-metadata-document.options.js';
import type { ClientJsonWebKeySet } from '../interfaces/oauth-models.js';
import { clientJwksProblem, copyClientJwks } from '../rules/client-public-keys.js';
import type { MetadataDocumentClient } from './metadata-document-client.js';

const DEFAULT_GRANT_TYPES = ['authorization_code', 'refresh_token'];
const DEFAULT_RESPONSE_TYPES = ['code'];

/** What {@link clientFromMetadataDocument} needs besides the document. */
export interface MetadataDocumentContext {
  /** The client_id URL exactly as the client sent it. */
  clientId: string;
  /** Its host, for display. */
  host: string;
  supportedAuthMethods: readonly MetadataDocumentAuthMethod[];
  /** ms since epoch. */
  fetchedAt: number;
}

/**
 * Validates a parsed Client ID Metadata Document (draft §4.1, RFC 7591 §2, S40) and maps it to
 * the camelCase client model.
 *
 * - a JSON object whose `client_id` is identical to the URL (simple string comparison, RFC 3986 §6.2.1);
 * - no `client_secret` or `client_secret_expires_at`; neither `token_endpoint_auth_method`
 *   (default `none`) nor `token_endpoint_auth_methods_supported` names a `client_secret_*` method;
 * - the client gets ONE method the server supports (see {@link chooseAuthMethod}); `private_key_jwt`
 *   needs `jwks` (public keys only) or an https `jwks_uri`, never both (RFC 7591 §2, RFC 7523 §2.2);
 * - `redirect_uris`: a non-empty array, each accepted by the same rule as registration
 *   ({@link redirectUriRegistrationProblem}: S39, S53, S54);
 * - `grant_types` (when given) includes `authorization_code`; optional fields have their RFC 7591 types.
 *
 * @throws InvalidClientError naming the rule that failed
 */
export function clientFromMetadataDocument(
  document: unknown,
  context: MetadataDocumentContext,
): MetadataDocumentClient {
  const refuse = (rule: string): never => {
    throw new InvalidClientError(`client metadata document refused: ${rule}`);
  };
  if (typeof document !== 'object' || document === null || Array.isArray(document)) refuse('not a JSON object');
  const doc = document as Record<string, unknown>;

  if (doc.client_id === undefined) refuse('client_id is missing');
  if (doc.client_id !== context.clientId) refuse('client_id does not match the document URL exactly');
  if ('client_secret' in doc) refuse('client_secret must not be present');
  if ('client_secret_expires_at' in doc) refuse('client_secret_expires_at must not be present');

  const keys = documentKeys(doc, refuse);
  const method = chooseAuthMethod(doc, keys, context.supportedAuthMethods, refuse);

  const applicationType = doc.application_type;
  if (applicationType !== undefined && applicationType !== 'web' && applicationType !== 'native') {
    refuse('application_type must be "web" or "native"');
  }
  const redirectUris = stringArray(doc, 'redirect_uris', refuse);
  if (!redirectUris || redirectUris.length === 0) refuse('redirect_uris must be a non-empty array of strings');
  for (const uri of redirectUris!) {
    const problem = redirectUriRegistrationProblem(uri, (applicationType as 'web' | 'native' | undefined) ?? 'web');
    if (problem) refuse(problem);
  }

  const grantTypes = stringArray(doc, 'grant_types', refuse) ?? DEFAULT_GRANT_TYPES;
  if (!grantTypes.includes('authorization_code')) refuse('grant_types must include authorization_code');
  const responseTypes = stringArray(doc, 'response_types', refuse) ?? DEFAULT_RESPONSE_TYPES;

  const client: MetadataDocumentClient = {
    clientId: context.clientId,
    redirectUris: [...redirectUris!],
    tokenEndpointAuthMethod: method,
    grantTypes: [...grantTypes],
    responseTypes: [...responseTypes],
    metadataDocument: { url: context.clientId, host: context.host, fetchedAt: context.fetchedAt },
  };
  const optional = {
    scope: optionalString(doc, 'scope', refuse),
    clientName: optionalString(doc, 'client_name', refuse),
    clientUri: optionalWebUrl(doc, 'client_uri', refuse),
    logoUri: optionalWebUrl(doc, 'logo_uri', refuse),
    tosUri: optionalWebUrl(doc, 'tos_uri', refuse),
    policyUri: optionalWebUrl(doc, 'policy_uri', refuse),
    jwksUri: keys.jwksUri,
    jwks: keys.jwks,
    tokenEndpointAuthSigningAlg: method === 'private_key_jwt' ? keys.signingAlg : undefined,
    contacts: stringArray(doc, 'contacts', refuse),
    softwareId: optionalString(doc, 'software_id', refuse),
    softwareVersion: optionalString(doc, 'software_version', refuse),
    applicationType: applicationType as 'web' | 'native' | undefined,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(client, { [key]: value });
  }
  return client;
}

interface DocumentKeys {
  jwks?: ClientJsonWebKeySet;
  jwksUri?: string;
  signingAlg?: string;
}

/** `jwks` (public keys only), `jwks_uri` (https) and `token_endpoint_auth_signing_alg`, checked. */
function documentKeys(doc: Record<string, unknown>, refuse: (rule: string) => never): DocumentKeys {
  if (doc.jwks !== undefined && doc.jwks_uri !== undefined) refuse('jwks and jwks_uri must not both be present');
  const keys: DocumentKeys = { signingAlg: optionalString(doc, 'token_endpoint_auth_signing_alg', refuse) };
  if (doc.jwks !== undefined) {
    const problem = clientJwksProblem(doc.jwks);
    if (problem) refuse(problem);
    keys.jwks = copyClientJwks(doc.jwks);
  }
  const jwksUri = optionalWebUrl(doc, 'jwks_uri', refuse);
  if (jwksUri !== undefined && !jwksUri.startsWith('https://')) refuse('jwks_uri must be an https URL');
  keys.jwksUri = jwksUri;
  return keys;
}

/**
 * The one token endpoint authentication method the client gets. The declared
 * `token_endpoint_auth_method` (default `none`) when the server supports it (and, for
 * `private_key_jwt`, the document has keys); otherwise, from the methods the document
 * lists in `token_endpoint_auth_methods_supported` (as ChatGPT's document does),
 * `private_key_jwt` when the document has keys, else `none`. Shared-secret methods are
 * refused wherever they appear.
 */
function chooseAuthMethod(
  doc: Record<string, unknown>,
  keys: DocumentKeys,
  supported: readonly MetadataDocumentAuthMethod[],
  refuse: (rule: string) => never,
): MetadataDocumentAuthMethod {
  const declared = doc.token_endpoint_auth_method ?? 'none';
  if (typeof declared !== 'string') refuse('token_endpoint_auth_method must be a string');
  const listed = stringArray(doc, 'token_endpoint_auth_methods_supported', refuse) ?? [];
  for (const method of [declared as string, ...listed]) {
    if (method.startsWith('client_secret_')) refuse(`token_endpoint_auth_method ${method} uses a shared secret`);
  }
  const hasKeys = keys.jwks !== undefined || keys.jwksUri !== undefined;
  const usable = (method: string): method is MetadataDocumentAuthMethod =>
    supported.includes(method as MetadataDocumentAuthMethod) && (method !== 'private_key_jwt' || hasKeys);
  if (usable(declared as string)) return declared as MetadataDocumentAuthMethod;
  const offered = new Set([declared as string, ...listed]);
  if (offered.has('private_key_jwt') && usable('private_key_jwt')) return 'private_key_jwt';
  if (offered.has('none') && usable('none')) return 'none';
  if (declared === 'private_key_jwt' && supported.includes('private_key_jwt'))
    refuse('token_endpoint_auth_method private_key_jwt needs jwks or jwks_uri');
  return refuse(`token_endpoint_auth_method ${String(declared)} is not supported`);
}

function stringArray(
  doc: Record<string, unknown>,
  name: string,
  refuse: (rule: string) => never,
): string[] | undefined {
  const value = doc[name];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
    refuse(`${name} must be an array of strings`);
  return value as string[];
}

function optionalString(
  doc: Record<string, unknown>,
  name: string,
  refuse: (rule: string) => never,
): string | undefined {
  const value = doc[name];
  if (value !== undefined && typeof value !== 'string') refuse(`${name} must be a string`);
  return value as string | undefined;
}

function optionalWebUrl(
  doc: Record<string, unknown>,
  name: string,
  refuse: (rule: string) => never,
): string | undefined {
  const value = optionalString(doc, name, refuse);
  if (value === undefined) return undefined;
  const protocol = URL.canParse(value) ? new URL(value).protocol : '';
  if (protocol !== 'https:' && protocol !== 'http:') refuse(`${name} must be an absolute http(s) URL`);
  return value;
}

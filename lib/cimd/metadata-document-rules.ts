import { InvalidClientError } from '../errors/index.js';
import { redirectUriRegistrationProblem } from '../services/redirect-uri-rules.js';
import type { MetadataDocumentAuthMethod } from './client-id-metadata-document.options.js';
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
 * - no `client_secret` or `client_secret_expires_at`; `token_endpoint_auth_method` (default `none`)
 *   is never a `client_secret_*` method and is one of `supportedAuthMethods`;
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

  const method = doc.token_endpoint_auth_method ?? 'none';
  if (typeof method !== 'string') refuse('token_endpoint_auth_method must be a string');
  if ((method as string).startsWith('client_secret_'))
    refuse(`token_endpoint_auth_method ${method} uses a shared secret`);
  if (!context.supportedAuthMethods.includes(method as MetadataDocumentAuthMethod)) {
    refuse(`token_endpoint_auth_method ${method} is not supported`);
  }

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
    tokenEndpointAuthMethod: 'none',
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
    jwksUri: optionalWebUrl(doc, 'jwks_uri', refuse),
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

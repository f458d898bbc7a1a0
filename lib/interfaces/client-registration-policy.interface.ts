/**
 * Client metadata of a dynamic registration request after validation
 * (RFC 7591 §2, wire names), as a registration policy sees and may adjust it.
 */
export interface ClientRegistrationMetadata {
  redirect_uris: string[];
  token_endpoint_auth_method?: string;
  grant_types?: string[];
  response_types?: string[];
  scope?: string;
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  tos_uri?: string;
  policy_uri?: string;
  jwks_uri?: string;
  contacts?: string[];
  software_id?: string;
  software_version?: string;
  application_type?: 'web' | 'native';
  [field: string]: unknown;
}

/** What a registration policy knows about the request besides the metadata. */
export interface ClientRegistrationRequestContext {
  /** Address of the caller (as Express reports it, `trust proxy` applied). */
  ip?: string;
  /** Request headers, e.g. `authorization` for an initial access token (RFC 7591 §3). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * A registration policy's decision:
 * - `allow`: register as requested;
 * - `refuse`: 400 `invalid_client_metadata` (RFC 7591 §3.2.2) with `reason` as the description
 *   (shown to the client: no secrets in it);
 * - `adjust`: register `metadata` instead (validated again by the same rules, then stored).
 */
export type ClientRegistrationDecision =
  | { action: 'allow' }
  | { action: 'refuse'; reason: string }
  | { action: 'adjust'; metadata: ClientRegistrationMetadata };

/**
 * Decides on each dynamic client registration after the metadata passed the
 * built-in rules and before the client is stored. An exception or any other
 * return value fails the request closed (500 `server_error`, nothing stored).
 */
export type ClientRegistrationPolicy = (
  metadata: Readonly<ClientRegistrationMetadata>,
  context: ClientRegistrationRequestContext,
) => ClientRegistrationDecision | Promise<ClientRegistrationDecision>;

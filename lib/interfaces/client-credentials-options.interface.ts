/**
 * The client credentials grant (RFC 6749 §4.4, OAuth 2.1 §4.2; MCP ext-auth
 * "OAuth Client Credentials", S67): machine-to-machine access without a user,
 * for confidential clients the application registers for it
 * (`provider.registerClient({ …, grantTypes: ['client_credentials'] })`).
 */
export interface ClientCredentialsOptions {
  /** Serve and advertise the grant. @default false */
  enabled?: boolean;
  /**
   * Let `/register` accept `client_credentials` in `grant_types` (confidential
   * clients only). Anyone who can reach `/register` could then mint machine
   * credentials, so keep it off unless registration is otherwise restricted
   * (e.g. by `clientRegistration.policy`). @default false
   */
  allowDynamicRegistration?: boolean;
}

/** {@link ClientCredentialsOptions} after defaults; present only when the grant is on. */
export interface ResolvedClientCredentials {
  allowDynamicRegistration: boolean;
}

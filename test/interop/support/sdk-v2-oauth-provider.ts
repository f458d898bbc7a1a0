import type {
  AddClientAuthentication,
  OAuthClientMetadata,
  OAuthClientProvider,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import { InteractiveOAuthProvider, type InteractiveOAuthProviderSettings } from './interactive-oauth-provider.js';

/** Settings of {@link InteractiveOAuthProviderV2}. */
export interface InteractiveOAuthProviderV2Settings extends InteractiveOAuthProviderSettings<OAuthClientMetadata> {
  /** A Client ID Metadata Document URL (the SDK uses it as `client_id` when the AS supports CIMD). */
  clientMetadataUrl?: string;
  /** Client authentication at the token endpoint, e.g. the SDK's `createPrivateKeyJwtAuth(...)`. */
  addClientAuthentication?: AddClientAuthentication;
}

/**
 * An `OAuthClientProvider` of the MCP TypeScript SDK v2 (`@modelcontextprotocol/client`)
 * for tests; the callback's parameters go to `transport.finishAuth(params)`,
 * which checks `iss` per RFC 9207.
 */
export class InteractiveOAuthProviderV2
  extends InteractiveOAuthProvider<StoredOAuthClientInformation, StoredOAuthTokens, OAuthClientMetadata>
  implements OAuthClientProvider
{
  readonly clientMetadataUrl?: string;
  readonly addClientAuthentication?: AddClientAuthentication;

  constructor(settings: InteractiveOAuthProviderV2Settings) {
    super(settings, 'Interop test client (SDK v2)');
    this.clientMetadataUrl = settings.clientMetadataUrl;
    if (settings.addClientAuthentication) this.addClientAuthentication = settings.addClientAuthentication;
  }

  /** The last callback's query, after the app's own `state` check (the SDK checks `iss`). */
  takeCallbackParams(): URLSearchParams {
    return this.lastCallback();
  }
}

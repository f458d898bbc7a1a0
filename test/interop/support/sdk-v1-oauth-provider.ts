import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { InteractiveOAuthProvider, type InteractiveOAuthProviderSettings } from './interactive-oauth-provider.js';

/**
 * An `OAuthClientProvider` of the official MCP TypeScript SDK (v1) for tests.
 * v1 leaves the callback to the app: {@link takeCode} checks `state` and `iss`
 * as a real client's callback handler would.
 */
export class InteractiveOAuthProviderV1
  extends InteractiveOAuthProvider<OAuthClientInformationMixed, OAuthTokens, OAuthClientMetadata>
  implements OAuthClientProvider
{
  constructor(settings: InteractiveOAuthProviderSettings<OAuthClientMetadata>) {
    super(settings, 'Interop test client (SDK v1)');
  }

  /** The code of the last callback, after checking its `state` and `iss` (RFC 9207). */
  takeCode(expectedIssuer: string): string {
    const params = this.lastCallback();
    if (params.get('error')) throw new Error(`Authorization error: ${params.get('error')}`);
    if (params.get('iss') !== expectedIssuer) throw new Error(`iss mismatch: ${params.get('iss')}`);
    const code = params.get('code');
    if (!code) throw new Error('No code in the callback');
    return code;
  }
}

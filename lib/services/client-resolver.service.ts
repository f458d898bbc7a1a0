import { Inject, Injectable } from '@nestjs/common';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import type { OAuthClientInformation } from '../interfaces/oauth-models.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';

/**
 * Finds the client a request names. Today it asks the provider; this is the
 * hook where Client ID Metadata Documents (`client_id` as an https URL) plug
 * in, so every endpoint resolves clients the same way.
 */
@Injectable()
export class OAuthClientResolver {
  constructor(@Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig) {}

  /** The client registered under `clientId`, or `undefined`. */
  async resolve(clientId: string): Promise<OAuthClientInformation | undefined> {
    const client = await this.config.provider!.getClient(clientId);
    return client && client.clientId === clientId ? client : undefined;
  }
}

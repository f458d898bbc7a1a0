import { Inject, Injectable } from '@nestjs/common';
import type { AuthorizationServerConfig } from '../interfaces/mcp-auth-config.interface.js';
import type { OAuthClientInformation } from '../interfaces/oauth-models.js';
import { AUTHORIZATION_SERVER_CONFIG } from '../mcp-auth.constants.js';

/**
 * Finds the client a request names, the same way for every endpoint: a
 * `client_id` that is an https URL is resolved as a Client ID Metadata
 * Document when that feature is on (S40–S42); any other id is looked up in
 * the provider.
 */
@Injectable()
export class OAuthClientResolver {
  constructor(@Inject(AUTHORIZATION_SERVER_CONFIG) private readonly config: AuthorizationServerConfig) {}

  /**
   * The client named `clientId`, or `undefined` when unknown.
   * @throws InvalidClientError when a metadata document is refused
   */
  async resolve(clientId: string): Promise<OAuthClientInformation | undefined> {
    const documents = this.config.clientIdMetadataDocuments;
    if (documents?.isClientIdMetadataUrl(clientId)) return documents.resolve(clientId);
    const client = await this.config.provider.getClient(clientId);
    return client && client.clientId === clientId ? client : undefined;
  }
}

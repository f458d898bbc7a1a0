import type { ClientJsonWebKeySet, OAuthAuthorizationServerProvider } from '../lib/index.js';

/** The sample's demo machine client (client credentials, `client_secret_basic`, S67). */
export const NOTES_BOT = { clientId: 'notes-bot', clientSecret: 'notes-bot-secret', scope: 'notes:read' } as const;
/** The sample's `private_key_jwt` machine client, registered when `MACHINE_CLIENT_JWKS_FILE` names its public keys. */
export const NOTES_BOT_JWT = { clientId: 'notes-bot-jwt', scope: 'notes:read' } as const;
/** The sample's enterprise client (jwt-bearer with ID-JAGs, S68), registered when an enterprise IdP is configured. */
export const NOTES_AGENT = { clientId: 'notes-agent', clientSecret: 'notes-agent-secret' } as const;

/** What {@link registerSampleClients} registers. */
export interface SampleClientSettings {
  /** Public keys of `notes-bot-jwt`; without them that client is not registered. */
  machineClientJwks?: ClientJsonWebKeySet;
  /** Register `notes-agent` for the jwt-bearer grant. */
  enterpriseClient?: boolean;
}

/**
 * Registers the sample's pre-registered clients through the provider, the way
 * an application configures machine clients (never through `/register`):
 * `notes-bot` always, `notes-bot-jwt` and `notes-agent` when configured.
 * Demo secrets: never ship them.
 */
export async function registerSampleClients(
  provider: OAuthAuthorizationServerProvider,
  settings: SampleClientSettings,
): Promise<void> {
  const machine = { redirectUris: [], grantTypes: ['client_credentials'], responseTypes: [] };
  await provider.registerClient({
    ...machine,
    clientId: NOTES_BOT.clientId,
    clientSecret: NOTES_BOT.clientSecret,
    clientName: 'Notes bot (demo machine client)',
    tokenEndpointAuthMethod: 'client_secret_basic',
    scope: NOTES_BOT.scope,
  });
  if (settings.machineClientJwks) {
    await provider.registerClient({
      ...machine,
      clientId: NOTES_BOT_JWT.clientId,
      clientName: 'Notes bot, private_key_jwt (demo machine client)',
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: settings.machineClientJwks,
      scope: NOTES_BOT_JWT.scope,
    });
  }
  if (settings.enterpriseClient) {
    await provider.registerClient({
      redirectUris: [],
      grantTypes: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
      responseTypes: [],
      clientId: NOTES_AGENT.clientId,
      clientSecret: NOTES_AGENT.clientSecret,
      clientName: 'Notes agent (demo enterprise client)',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  }
}

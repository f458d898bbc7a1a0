import {
  asMetadataUrl,
  type AsMetadata,
  authorizeThroughPages,
  registerPublicClient,
  REDIRECT_URI,
  tokenRequest,
} from '../e2e/sample/sample-client.js';
import { HtmlUserAgent } from './html-user-agent.js';

/** Tokens a public client got through the real pages, and the client they belong to. */
export interface PageFlowTokens {
  clientId: string;
  accessToken: string;
  refreshToken?: string;
  scope: string;
  metadata: AsMetadata;
}

/**
 * What an MCP client does against an app of the built-in authorization
 * server (issuer `baseUrl`, MCP endpoint `${baseUrl}/mcp`): discovery,
 * dynamic registration, authorization code + PKCE through the login and
 * consent pages as `user`, and the code exchange.
 */
export async function tokenThroughPages(
  baseUrl: string,
  scope: string,
  user: { username: string; password: string } = { username: 'alice', password: 'alice' },
): Promise<PageFlowTokens> {
  const metadata = (await (await fetch(asMetadataUrl(baseUrl))).json()) as AsMetadata;
  const registered = await registerPublicClient(metadata, 'Documentation test client');
  if (registered.status !== 201) throw new Error(`Registration answered ${registered.status}`);
  const { client_id: clientId } = (await registered.json()) as { client_id: string };
  const resource = `${baseUrl}/mcp`;
  const outcome = await authorizeThroughPages(new HtmlUserAgent(), metadata, clientId, {
    scope,
    resource,
    user: user.username,
    password: user.password,
  });
  const response = await tokenRequest(metadata, {
    grant_type: 'authorization_code',
    code: outcome.callback.searchParams.get('code')!,
    redirect_uri: REDIRECT_URI,
    code_verifier: outcome.verifier,
    client_id: clientId,
    resource,
  });
  if (response.status !== 200) throw new Error(`Token request answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { access_token: string; refresh_token?: string; scope: string };
  return { clientId, accessToken: body.access_token, refreshToken: body.refresh_token, scope: body.scope, metadata };
}

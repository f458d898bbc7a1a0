import { escapeHtml } from '../http/html-page.js';
import { isLoopbackHost, parseAbsoluteUrl } from '../services/url-rules.js';
import type { InteractionRecord } from '../stores/oauth-store.interface.js';

/** Inputs of the consent page. */
export interface ConsentPageInput {
  interactionId: string;
  interaction: InteractionRecord;
  /** The form's anti-CSRF token, bound to interaction, browser and session (S33, S56). */
  csrfToken: string;
  formAction: string;
  userName: string;
}

/**
 * True when every redirect URI of the client is on loopback: any local program
 * could be the client, so the user should be warned (S34, RFC 8252 §8.3).
 */
export function redirectsOnlyToLoopback(redirectUris: string[]): boolean {
  return (
    redirectUris.length > 0 &&
    redirectUris.every((uri) => {
      const url = parseAbsoluteUrl(uri);
      return url !== undefined && isLoopbackHost(url.hostname);
    })
  );
}

/** Inner HTML of the consent page: client name, redirect host, scopes, loopback warning (S34), approve/deny (S33). */
export function renderConsentPage(input: ConsentPageInput): string {
  const { interaction } = input;
  const clientName = interaction.clientName || interaction.clientId;
  const redirectHost = parseAbsoluteUrl(interaction.redirectUri)?.host || interaction.redirectUri;
  const scopes = interaction.scopes.length
    ? `<ul class="scopes">${interaction.scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join('')}</ul>`
    : '<p>No specific permissions.</p>';
  const warning =
    (interaction.clientRedirectsOnlyToLoopback ?? redirectsOnlyToLoopback(interaction.clientRedirectUris ?? []))
      ? `<p class="warning" id="loopback-warning">This application runs on a computer (it only accepts answers at a local
address). Approve only if you started <strong>${escapeHtml(clientName)}</strong> yourself just now.</p>`
      : '';
  const documentHost = interaction.clientMetadataDocumentHost
    ? `<p class="warning" id="client-document-host">This application describes itself at
<strong>${escapeHtml(interaction.clientMetadataDocumentHost)}</strong>. Its name is not verified: continue only if you
trust <strong>${escapeHtml(interaction.clientMetadataDocumentHost)}</strong>.</p>`
    : '';
  return `<h1>Authorize <span id="client-name">${escapeHtml(clientName)}</span></h1>
${documentHost}
<p>Signed in as <strong>${escapeHtml(input.userName)}</strong>.</p>
<p><strong>${escapeHtml(clientName)}</strong> asks for access to your account with these permissions:</p>
${scopes}
<p>After your decision you will be sent to <strong id="redirect-host">${escapeHtml(redirectHost)}</strong>.</p>
${warning}
<form method="post" action="${escapeHtml(input.formAction)}">
<input type="hidden" name="interaction" value="${escapeHtml(input.interactionId)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(input.csrfToken)}">
<div class="actions">
<button type="submit" name="decision" value="approve" class="primary">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>`;
}

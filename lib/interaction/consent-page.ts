import { escapeHtml } from '../http/html-page.js';
import { ScopeHierarchy } from '../rules/scope-rules.js';
import { isLoopbackHost, parseAbsoluteUrl } from '../rules/url-rules.js';
import type { InteractionRecord } from '../stores/oauth-store.interface.js';

/** Inputs of the consent page. */
export interface ConsentPageInput {
  interactionId: string;
  interaction: InteractionRecord;
  /** The form's anti-CSRF token, bound to interaction, browser and session (S33, S56). */
  csrfToken: string;
  formAction: string;
  userName: string;
  /** What a broad scope includes (S64), shown under it. @default no hierarchy */
  scopeHierarchy?: ScopeHierarchy;
  /** The server's name (`resourceName` or the issuer's host). */
  serverName?: string;
  /** One sentence per scope (`scopeDescriptions` option), shown with the raw name. */
  scopeDescriptions?: Readonly<Record<string, string>>;
  /** Where the "Not you? Switch account" form posts; absent when there is no session to end. */
  switchAccountAction?: string;
  /** The switch-account form's anti-CSRF token (S56). */
  switchAccountCsrfToken?: string;
}

/**
 * One scope as a list item: its sentence, when configured, above the raw name, and what a broad
 * scope includes (S64).
 */
function renderScopeItem(
  scope: string,
  descriptions: Readonly<Record<string, string>> | undefined,
  implied: readonly string[],
): string {
  const sentence = descriptions && Object.hasOwn(descriptions, scope) ? descriptions[scope] : undefined;
  const described = sentence ? `<span class="scope-description">${escapeHtml(sentence)}</span> ` : '';
  const includes = implied.length
    ? ` <span class="includes">(includes ${implied.map((name) => `<code>${escapeHtml(name)}</code>`).join(', ')})</span>`
    : '';
  return `<li>${described}<code>${escapeHtml(scope)}</code>${includes}</li>`;
}

/** The "Not you? Switch account" form: a same-site POST with its own CSRF token (S56), never a GET link. */
function renderSwitchAccount(input: ConsentPageInput): string {
  if (!input.switchAccountAction || !input.switchAccountCsrfToken) return '';
  return `<form method="post" action="${escapeHtml(input.switchAccountAction)}" class="switch-account">
<input type="hidden" name="interaction" value="${escapeHtml(input.interactionId)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(input.switchAccountCsrfToken)}">
Not ${escapeHtml(input.userName)}? <button type="submit" id="switch-account">Switch account</button>
</form>`;
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

/**
 * Inner HTML of the consent page: client name, redirect host, scopes (with what a broad scope
 * includes, S64), loopback warning (S34), approve/deny (S33).
 */
export function renderConsentPage(input: ConsentPageInput): string {
  const { interaction } = input;
  const clientName = interaction.clientName || interaction.clientId;
  const redirectHost = parseAbsoluteUrl(interaction.redirectUri)?.host || interaction.redirectUri;
  const hierarchy = input.scopeHierarchy ?? ScopeHierarchy.flat;
  const scopes = interaction.scopes.length
    ? `<ul class="scopes">${interaction.scopes
        .map((scope) => renderScopeItem(scope, input.scopeDescriptions, hierarchy.impliedScopes(scope)))
        .join('')}</ul>`
    : '<p>No specific permissions.</p>';
  const warning =
    (interaction.clientRedirectsOnlyToLoopback ?? redirectsOnlyToLoopback(interaction.clientRedirectUris ?? []))
      ? `<p class="warning" id="loopback-warning">This app runs on your own device: your answer goes to a program on
this computer, and any program here could use that name. Allow only if you just started
<strong>${escapeHtml(clientName)}</strong> yourself.</p>`
      : '';
  const documentHost = interaction.clientMetadataDocumentHost
    ? `<p class="warning" id="client-document-host">This application describes itself at
<strong>${escapeHtml(interaction.clientMetadataDocumentHost)}</strong>. Its name is not verified: continue only if you
trust <strong>${escapeHtml(interaction.clientMetadataDocumentHost)}</strong>.</p>`
    : '';
  const server = input.serverName
    ? ` on <strong id="consent-server-name">${escapeHtml(input.serverName)}</strong>`
    : '';
  return `<h1>Authorize <span id="client-name">${escapeHtml(clientName)}</span></h1>
<p class="claimed">“${escapeHtml(clientName)}” is the name the app gave itself.</p>
${documentHost}
<p>Signed in as <strong>${escapeHtml(input.userName)}</strong>.</p>
<p><strong>${escapeHtml(clientName)}</strong> asks for access to your account${server} with these permissions:</p>
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
</form>
${renderSwitchAccount(input)}`;
}

import { escapeHtml } from '../http/html-page.js';

/** Inputs of the built-in login form. */
export interface LoginPageInput {
  interactionId: string;
  csrfToken: string;
  formAction: string;
  clientName: string;
  /** The server's name (`resourceName` or the issuer's host). */
  serverName?: string;
  error?: string;
  username?: string;
  /** Show the username/password form. @default true */
  passwordForm?: boolean;
  /** One button per upstream identity provider (a POST form each). */
  upstreamButtons?: { label: string; action: string }[];
}

/** Inner HTML of the built-in password login form. */
export function renderLoginPage(input: LoginPageInput): string {
  const error = input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : '';
  const hidden = `<input type="hidden" name="interaction" value="${escapeHtml(input.interactionId)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(input.csrfToken)}">`;
  const buttons = (input.upstreamButtons ?? [])
    .map(
      (button) => `<form method="post" action="${escapeHtml(button.action)}">
${hidden}
<div class="actions"><button type="submit">${escapeHtml(button.label)}</button></div>
</form>`,
    )
    .join('\n');
  const passwordForm =
    input.passwordForm === false
      ? ''
      : `<form method="post" action="${escapeHtml(input.formAction)}">
<input type="hidden" name="interaction" value="${escapeHtml(input.interactionId)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(input.csrfToken)}">
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" required value="${escapeHtml(input.username ?? '')}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<div class="actions"><button type="submit" class="primary">Sign in</button></div>
</form>`;
  const heading = input.serverName
    ? `Sign in to <span id="login-server-name">${escapeHtml(input.serverName)}</span>`
    : 'Sign in';
  return `<h1>${heading}</h1>
<p>Sign in to continue to <strong id="client-name">${escapeHtml(input.clientName)}</strong>.</p>
<p class="claimed">“${escapeHtml(input.clientName)}” is the name the app gave itself.</p>
${error}
${buttons}
${passwordForm}`;
}

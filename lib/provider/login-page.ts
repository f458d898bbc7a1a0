import { escapeHtml } from '../http/html-page.js';

/** Inputs of the built-in login form. */
export interface LoginPageInput {
  interactionId: string;
  csrfToken: string;
  formAction: string;
  clientName: string;
  error?: string;
  username?: string;
}

/** Inner HTML of the built-in password login form. */
export function renderLoginPage(input: LoginPageInput): string {
  const error = input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : '';
  return `<h1>Sign in</h1>
<p>Sign in to continue to <strong>${escapeHtml(input.clientName)}</strong>.</p>
${error}
<form method="post" action="${escapeHtml(input.formAction)}">
<input type="hidden" name="interaction" value="${escapeHtml(input.interactionId)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(input.csrfToken)}">
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" required value="${escapeHtml(input.username ?? '')}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<div class="actions"><button type="submit" class="primary">Sign in</button></div>
</form>`;
}

import type { Response } from 'express';
import type { OAuthError } from '../errors/oauth-error.js';
import { escapeHtml, sendHtmlPage } from '../http/html-page.js';

/**
 * Shows an authorization error to the user instead of redirecting, used when
 * the client or redirect URI cannot be trusted (RFC 6749 §4.1.2.1, S17, S18)
 * or may not be sent to before sign-in (RFC 9700 §4.11.2, S52). The page never
 * links to a redirect URI; `redirectUri`, when given, is shown as text only.
 */
export function sendAuthorizationErrorPage(
  res: Response,
  error: OAuthError,
  extraHeaders: Record<string, string> = {},
  redirectUri?: string,
): void {
  const target = redirectUri
    ? `<p>The application asked to return to <code>${escapeHtml(redirectUri)}</code>; you were not sent there.</p>`
    : '';
  const description = error.description ? `<p>${escapeHtml(error.description)}</p>` : '';
  res.set(extraHeaders);
  sendHtmlPage(
    res,
    error.getStatus(),
    'Authorization error',
    `<h1>Authorization error</h1>
<div class="error"><p><strong>${escapeHtml(error.error)}</strong></p>${description}</div>
${target}<p>The application that sent you here made an invalid request. You can close this page.</p>`,
  );
}

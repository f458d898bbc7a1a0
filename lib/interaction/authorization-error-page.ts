import type { Response } from 'express';
import type { OAuthError } from '../errors/oauth-error.js';
import { type EndpointResult, textResult } from '../http/endpoint-result.js';
import { escapeHtml, htmlPageHeaders, renderHtmlPage } from '../http/html-page.js';
import type { PageAppearance } from '../interfaces/page-options.interface.js';

/** A plain-language headline and sentence for the errors a person most often meets. */
function friendlyExplanation(error: OAuthError, serverName: string): { title: string; message: string } {
  if (error.error === 'invalid_client') {
    return {
      title: 'This app is not known here',
      message: `The app that sent you here is not registered with ${serverName}, or its registration has expired. Go back to the app and try again; if it keeps happening, ask its developer.`,
    };
  }
  if (error.getStatus() === 429 || error.getStatus() >= 500) {
    return {
      title: 'Please try again shortly',
      message: `${serverName} cannot handle this sign-in right now. Wait a moment, then go back to the app and try again.`,
    };
  }
  return {
    title: 'This sign-in request cannot be used',
    message: 'The app that sent you here made an invalid request. You can close this page.',
  };
}

/**
 * The page that shows an authorization error to the user instead of
 * redirecting, used when the client or redirect URI cannot be trusted
 * (RFC 6749 §4.1.2.1, S17, S18) or may not be sent to before sign-in
 * (RFC 9700 §4.11.2, S52). The page never links to a redirect URI;
 * `redirectUri`, when given, is shown as text only.
 */
export function authorizationErrorPage(
  error: OAuthError,
  extraHeaders: Record<string, string> = {},
  redirectUri?: string,
  appearance?: PageAppearance,
): EndpointResult {
  const target = redirectUri
    ? `<p>The application asked to return to <code>${escapeHtml(redirectUri)}</code>; you were not sent there.</p>`
    : '';
  const description = error.description ? ` — ${escapeHtml(error.description)}` : '';
  const { title, message } = friendlyExplanation(error, appearance?.serverName ?? 'this server');
  const html = renderHtmlPage(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p class="error">${escapeHtml(message)}</p>
${target}<p class="error-code">Details for the app's developer: <code>${escapeHtml(error.error)}</code>${description}</p>`,
    appearance,
  );
  const { 'Content-Type': contentType = 'text/html; charset=utf-8', ...headers } = htmlPageHeaders(appearance);
  return textResult(error.getStatus(), contentType, html, { ...headers, ...extraHeaders });
}

/** Sends {@link authorizationErrorPage} on an Express response (interactive pages). */
export function sendAuthorizationErrorPage(
  res: Response,
  error: OAuthError,
  extraHeaders: Record<string, string> = {},
  redirectUri?: string,
  appearance?: PageAppearance,
): void {
  const page = authorizationErrorPage(error, extraHeaders, redirectUri, appearance);
  if (page.kind !== 'text') return;
  res.status(page.status).set(page.headers).type(page.contentType).send(page.text);
}

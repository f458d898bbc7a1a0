import type { Response } from 'express';
import type { PageAppearance } from '../interfaces/page-options.interface.js';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * Security headers of every HTML page the library serves (S32): no framing,
 * no referrer, no third-party resources, no caching (S31).
 * `form-action` is deliberately absent: browsers apply it to the redirect
 * after a form POST, which would block the redirect to the client.
 */
export const HTML_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
};

/**
 * The S31/S32 headers of a page; with a logo, only the logo's origin is added
 * to `img-src` (every other directive stays as strict).
 */
export function htmlPageHeaders(appearance?: PageAppearance): Record<string, string> {
  if (!appearance?.logoUrl) return { ...HTML_PAGE_HEADERS };
  const logoOrigin = new URL(appearance.logoUrl).origin;
  return {
    ...HTML_PAGE_HEADERS,
    'Content-Security-Policy': HTML_PAGE_HEADERS['Content-Security-Policy'].replace(
      "img-src 'self' data:",
      `img-src 'self' data: ${logoOrigin}`,
    ),
  };
}

function brandingHeader(appearance?: PageAppearance): string {
  if (!appearance) return '';
  const logo = appearance.logoUrl
    ? `<img class="logo" src="${escapeHtml(appearance.logoUrl)}" alt="" width="32" height="32">`
    : '';
  return `<header class="server">${logo}<span id="server-name">${escapeHtml(appearance.serverName)}</span></header>\n`;
}

function primaryColorStyle(appearance?: PageAppearance): string {
  const color = appearance?.primaryColor;
  if (!color || !/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(color)) return '';
  return `button.primary{background:${color};border-color:${color}}header.server{border-bottom-color:${color}}.switch-account button{color:${color}}\n`;
}

/** Wraps trusted inner HTML (already escaped by the caller) in the library's page layout. */
export function renderHtmlPage(title: string, innerHtml: string, appearance?: PageAppearance): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f5f6f8;color:#1d2330;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border-radius:12px;box-shadow:0 2px 16px rgba(0,0,0,.08);padding:2rem;max-width:28rem;width:100%;margin:1rem}
h1{font-size:1.3rem;margin:0 0 1rem}
.warning{background:#fff4e5;border:1px solid #f5a623;border-radius:8px;padding:.75rem;margin:1rem 0}
.error{background:#fdecea;border:1px solid #e5534b;border-radius:8px;padding:.75rem;margin:1rem 0}
ul{padding-left:1.2rem}
label{display:block;margin:.6rem 0 .2rem}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #c8ccd4;border-radius:6px}
.actions{display:flex;gap:.75rem;margin-top:1.25rem}
button{padding:.55rem 1.1rem;border-radius:6px;border:1px solid #c8ccd4;background:#fff;font-size:1rem;cursor:pointer}
button.primary{background:#2457d6;border-color:#2457d6;color:#fff}
code{background:#f0f1f4;padding:0 .25rem;border-radius:4px}
header.server{display:flex;align-items:center;gap:.6rem;font-weight:600;color:#4a5263;padding-bottom:.75rem;margin-bottom:1rem;border-bottom:2px solid #2457d6}
header.server .logo{width:32px;height:32px;object-fit:contain}
.claimed{font-size:.85rem;color:#5b6372}
ul.scopes{list-style:none;padding:0}
ul.scopes li{padding:.45rem 0;border-bottom:1px solid #eceef2}
ul.scopes li code{font-size:.8rem;color:#5b6372}
.scope-description{display:block}
.switch-account{margin-top:1rem;font-size:.9rem}
.switch-account button{border:none;background:none;color:#2457d6;padding:0;font-size:.9rem;text-decoration:underline}
.error-code{font-size:.8rem;color:#5b6372}
${primaryColorStyle(appearance)}</style>
</head>
<body><main>
${brandingHeader(appearance)}${innerHtml}
</main></body>
</html>`;
}

/** Sends a page that only says what went wrong: a title and one escaped message (S31/S32 headers). */
export function sendMessagePage(
  res: Response,
  status: number,
  title: string,
  message: string,
  appearance?: PageAppearance,
): void {
  sendHtmlPage(
    res,
    status,
    title,
    `<h1>${escapeHtml(title)}</h1><p class="error">${escapeHtml(message)}</p>`,
    appearance,
  );
}

/** Sends an HTML page with the S31/S32 headers (the CSP admits the branding logo's origin only). */
export function sendHtmlPage(
  res: Response,
  status: number,
  title: string,
  innerHtml: string,
  appearance?: PageAppearance,
): void {
  res
    .status(status)
    .set(htmlPageHeaders(appearance))
    .send(renderHtmlPage(title, innerHtml, appearance));
}

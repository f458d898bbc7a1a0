import type { Request, Response } from 'express';
import { constantTimeEquals, hashValue, randomValue } from '../rules/secure-values.js';
import type { InteractionRecord } from '../stores/oauth-store.interface.js';
import { readCookie, serializeCookie, SESSION_COOKIE_NAME } from './session-cookie.js';

/** Name of the cookie that binds login and consent forms to the browser that loaded them (S56). */
export const FORM_BROWSER_COOKIE_NAME = 'mcp_auth_browser';

/** Which form a token belongs to: a token of one form is never accepted by another. */
export type InteractionFormPurpose = 'login' | 'consent' | 'switch-account';

/** Where the browser-binding cookie lives (the provider's cookie settings). */
export interface FormCookieSettings {
  cookiePath: string;
  secureCookies: boolean;
  /** Lifetime of the cookie in seconds. */
  maxAgeSeconds: number;
}

/**
 * Why a login or consent POST is refused as cross-site (S56), or `undefined`
 * when it may be same-origin. `Sec-Fetch-Site` (Fetch Metadata), when sent,
 * must be `same-origin` or `none` (typed by the user); `Origin`, when sent and
 * not `null`, must be the issuer's origin. Browsers send `Origin: null` for a
 * same-origin form POST from a page with `Referrer-Policy: no-referrer` (which
 * the pages use, S32), so `null` alone decides nothing: the browser-bound form
 * token does.
 */
export function crossSiteProblem(req: Request, issuerOrigin: string): string | undefined {
  const fetchSite = req.headers['sec-fetch-site'];
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    return 'The form was sent from another site.';
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null' && origin !== issuerOrigin) {
    return 'The form was sent from another site.';
  }
  return undefined;
}

/**
 * The browser id of this request (the {@link FORM_BROWSER_COOKIE_NAME} cookie);
 * a fresh one is created and set on the response when the browser has none.
 */
export function ensureFormBrowserId(req: Request, res: Response, settings: FormCookieSettings): string {
  const known = readFormBrowserId(req);
  if (known) return known;
  const created = randomValue();
  res.append(
    'Set-Cookie',
    serializeCookie(FORM_BROWSER_COOKIE_NAME, created, {
      path: settings.cookiePath,
      secure: settings.secureCookies,
      maxAgeSeconds: settings.maxAgeSeconds,
    }),
  );
  return created;
}

/** The browser id the request carries, when well-formed. */
export function readFormBrowserId(req: Request): string | undefined {
  const value = readCookie(req, FORM_BROWSER_COOKIE_NAME);
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

/**
 * The anti-CSRF token of one form (S33, S56): derived from the interaction's
 * secret, the form's purpose, the browser id cookie and, for consent, the
 * signed-in session cookie (consent and switch-account). A token read by anyone else (another browser, an
 * attacker's own interaction, another session) does not verify here.
 */
export function interactionFormToken(
  interaction: InteractionRecord,
  purpose: InteractionFormPurpose,
  browserId: string,
  req: Request,
): string {
  const session = purpose === 'login' ? '' : (readCookie(req, SESSION_COOKIE_NAME) ?? '');
  return hashValue(JSON.stringify([interaction.csrfToken, purpose, browserId, hashValue(session)]));
}

/** True when the posted token is the one this browser (and session) was given for this interaction and form. */
export function verifyInteractionFormToken(
  req: Request,
  interaction: InteractionRecord,
  purpose: InteractionFormPurpose,
  posted: string | undefined,
): boolean {
  const browserId = readFormBrowserId(req);
  if (!browserId || !posted) return false;
  return constantTimeEquals(posted, interactionFormToken(interaction, purpose, browserId, req));
}

import type { Request, Response } from 'express';
import { sendHtmlPage, sendMessagePage } from '../http/html-page.js';
import type { PageAppearance } from '../interfaces/page-options.interface.js';
import type { InteractionRecord } from '../stores/oauth-store.interface.js';
import type { AuthenticatedUser } from '../provider/user-authentication.js';
import type { InteractionHost } from './interaction-host.js';
import { renderConsentPage } from './consent-page.js';
import { renderLoginPage } from './login-page.js';
import { hashValue, randomValue } from '../rules/secure-values.js';
import {
  crossSiteProblem,
  ensureFormBrowserId,
  interactionFormToken,
  type InteractionFormPurpose,
  verifyInteractionFormToken,
} from './interaction-form-guard.js';
import { readCookie, serializeSessionCookie, SESSION_COOKIE_NAME } from './session-cookie.js';

/**
 * Throttling of the password login (S55), given by the login controller:
 * failures count per account and per client address.
 */
export interface LoginThrottle {
  /** Seconds a sign-in as `username` must wait now; 0 when allowed. */
  blockedFor(username: string): number;
  /** Counts a failed sign-in as `username`; returns the seconds it is now blocked (0 when not). */
  recordFailure(username: string): Promise<number>;
}

/** Headers of the 303 redirects that end a login or consent POST (S30, S31). */
const REDIRECT_HEADERS = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "frame-ancestors 'none'",
};

/**
 * The user-facing part of `/authorize` for `DefaultOAuthProvider`: the
 * consent page (GET shows, POST decides) and the optional built-in login.
 * Every form carries a CSRF token bound to the interaction, the form, the
 * browser (a cookie) and, for consent, the signed-in session; cross-site POSTs
 * (`Origin`, `Sec-Fetch-Site`) are refused; a decision is taken only from the
 * user the page was shown to (S33, S56). Answers of POSTs are 303 (S30);
 * pages carry the S31/S32 headers.
 */
export class InteractionPages {
  constructor(private readonly provider: InteractionHost) {}

  /** GET consent: login if needed, then the consent page (or straight back when consent is remembered). */
  async showConsent(req: Request, res: Response): Promise<void> {
    const interactionId = singleValue(req.query.interaction);
    const interaction = await this.findInteraction(interactionId);
    if (!interaction || !interactionId) return this.expired(res);
    const user = await this.currentUser(req, res, interactionId, interaction, 'GET');
    if (!user) return;
    if (interaction.subject !== undefined && interaction.subject !== user.subject) return this.foreign(res);
    if (interaction.subject === undefined) {
      await this.provider.store.saveInteraction(hashValue(interactionId), {
        ...interaction,
        subject: user.subject,
        subjectName: user.name,
      });
    }
    if (await this.consentRemembered(user.subject, interaction)) {
      const taken = await this.provider.store.takeInteraction(hashValue(interactionId));
      if (!taken) return this.expired(res);
      return redirect303(res, await this.provider.approveInteraction(taken, user.subject));
    }
    sendHtmlPage(
      res,
      200,
      `Authorize ${interaction.clientName || interaction.clientId}`,
      renderConsentPage({
        interactionId,
        interaction,
        csrfToken: interactionFormToken(interaction, 'consent', this.formBrowserId(req, res), req),
        formAction: this.provider.settings.consentPath,
        userName: user.name || user.subject,
        scopeHierarchy: this.provider.settings.scopeHierarchy,
        serverName: this.appearance.serverName,
        scopeDescriptions: this.provider.settings.pages.scopeDescriptions,
        ...(this.provider.passwordCheck && readCookie(req, SESSION_COOKIE_NAME)
          ? {
              switchAccountAction: this.provider.settings.switchAccountPath,
              switchAccountCsrfToken: interactionFormToken(
                interaction,
                'switch-account',
                this.formBrowserId(req, res),
                req,
              ),
            }
          : {}),
      }),
      this.appearance,
    );
  }

  /** POST consent: CSRF check, same user, single use; 303 to the client with a code or `access_denied` (S29, S30, S33). */
  async decideConsent(req: Request, res: Response): Promise<void> {
    const form = await this.verifiedForm(req, res, 'consent');
    if (!form) return;
    const { body, interactionId, interaction } = form;
    const user = await this.currentUser(req, res, interactionId, interaction, 'POST');
    if (!user) return;
    if (interaction.subject !== user.subject) return this.foreign(res);
    const decision = singleValue(body.decision);
    if (decision !== 'approve' && decision !== 'deny') return this.badForm(res);
    const taken = await this.provider.store.takeInteraction(hashValue(interactionId));
    if (!taken) return this.expired(res);
    if (decision === 'deny') return redirect303(res, this.provider.denyInteraction(taken));
    if (this.provider.rememberConsent && !taken.clientMetadataDocumentHost)
      await this.rememberConsent(user.subject, taken);
    redirect303(res, await this.provider.approveInteraction(taken, user.subject));
  }

  /**
   * POST "Not you? Switch account": same-site and CSRF-checked like the consent
   * form (S56); ends the session, frees the interaction for the next user and
   * sends the browser (303, S30) to the login page of the same request.
   */
  async switchAccount(req: Request, res: Response): Promise<void> {
    const form = await this.verifiedForm(req, res, 'switch-account');
    if (!form) return;
    const { interactionId, interaction } = form;
    const sessionId = readCookie(req, SESSION_COOKIE_NAME);
    const sessionUser = await this.sessionUser(req);
    if (!sessionId || !sessionUser) return this.badForm(res);
    if (interaction.subject !== undefined && interaction.subject !== sessionUser.subject) return this.foreign(res);
    await this.provider.store.deleteSession(hashValue(sessionId));
    const { subject: _subject, subjectName: _subjectName, ...unbound } = interaction;
    await this.provider.store.saveInteraction(hashValue(interactionId), unbound);
    const settings = this.provider.settings;
    res.append(
      'Set-Cookie',
      serializeSessionCookie('', { path: settings.cookiePath, secure: settings.secureCookies, maxAgeSeconds: 0 }),
    );
    const login = new URL(settings.loginUrl);
    login.searchParams.set('interaction', interactionId);
    redirect303(res, login.toString());
  }

  /** GET login: the built-in password form. */
  async showLogin(req: Request, res: Response): Promise<void> {
    const interactionId = singleValue(req.query.interaction);
    const interaction = await this.findInteraction(interactionId);
    if (!interaction || !interactionId) return this.expired(res);
    this.sendLogin(req, res, 200, interactionId, interaction);
  }

  /** POST login: checks the password, starts a session (cookie), 303 back to the consent page (S30). */
  async submitLogin(req: Request, res: Response, throttle?: LoginThrottle): Promise<void> {
    const form = await this.verifiedForm(req, res, 'login');
    if (!form) return;
    const { body, interactionId, interaction } = form;
    const username = singleValue(body.username) ?? '';
    const password = singleValue(body.password) ?? '';
    const waitSeconds = throttle?.blockedFor(username) ?? 0;
    if (waitSeconds > 0) return this.sendThrottled(req, res, waitSeconds, interactionId, interaction, username);
    const user = username && password ? await this.provider.passwordCheck?.(username, password) : undefined;
    if (!user) {
      this.provider.emit({ type: 'login.failed', clientId: interaction.clientId, username });
      const blockedSeconds = (await throttle?.recordFailure(username)) ?? 0;
      if (blockedSeconds > 0) return this.sendThrottled(req, res, blockedSeconds, interactionId, interaction, username);
      return this.sendLogin(req, res, 401, interactionId, interaction, 'Wrong username or password.', username);
    }
    const sessionId = randomValue();
    const lifetime = this.provider.lifetimes.session;
    await this.provider.store.saveSession(hashValue(sessionId), {
      subject: user.subject,
      name: user.name,
      expiresAtMs: this.provider.clock.now() + lifetime * 1000,
    });
    const settings = this.provider.settings;
    res.append(
      'Set-Cookie',
      serializeSessionCookie(sessionId, {
        path: settings.cookiePath,
        secure: settings.secureCookies,
        maxAgeSeconds: lifetime,
      }),
    );
    redirect303(res, this.consentUrl(interactionId));
  }

  private async currentUser(
    req: Request,
    res: Response,
    interactionId: string,
    interaction: InteractionRecord,
    method: 'GET' | 'POST',
  ): Promise<AuthenticatedUser | undefined> {
    const upstream = this.provider.upstream;
    const upstreamUser = upstream?.boundUser(req, interaction);
    if (upstreamUser) return upstreamUser;
    const hook = this.provider.authenticateHook;
    if (hook) {
      const result = await hook(req, res);
      if (res.headersSent) return undefined;
      if (result && 'redirectTo' in result) {
        redirect303(res, result.redirectTo);
        return undefined;
      }
      if (result?.subject) return result;
    }
    if (this.provider.passwordCheck) {
      const sessionUser = await this.sessionUser(req);
      if (sessionUser) return sessionUser;
      if (method === 'GET') {
        const login = new URL(this.provider.settings.loginUrl);
        login.searchParams.set('interaction', interactionId);
        redirect303(res, login.toString());
        return undefined;
      }
    }
    if (upstream && method === 'GET') {
      if (upstream.upstreamNames.length === 1 && !this.provider.passwordCheck) {
        await upstream.begin(req, res, interactionId, interaction, upstream.upstreamNames[0]);
      } else {
        const login = new URL(this.provider.settings.loginUrl);
        login.searchParams.set('interaction', interactionId);
        redirect303(res, login.toString());
      }
      return undefined;
    }
    sendMessagePage(
      res,
      401,
      'Sign-in required',
      'Your session ended. Go back to the app and try again.',
      this.appearance,
    );
    return undefined;
  }

  private async sessionUser(req: Request): Promise<AuthenticatedUser | undefined> {
    const sessionId = readCookie(req, SESSION_COOKIE_NAME);
    if (!sessionId) return undefined;
    const session = await this.provider.store.getSession(hashValue(sessionId));
    if (!session || session.expiresAtMs <= this.provider.clock.now()) return undefined;
    return { subject: session.subject, name: session.name };
  }

  private async findInteraction(interactionId: string | undefined): Promise<InteractionRecord | undefined> {
    if (!interactionId || interactionId.length > 256) return undefined;
    const interaction = await this.provider.store.getInteraction(hashValue(interactionId));
    return interaction && interaction.expiresAtMs > this.provider.clock.now() ? interaction : undefined;
  }

  private async consentRemembered(subject: string, interaction: InteractionRecord): Promise<boolean> {
    if (!this.provider.rememberConsent || interaction.clientMetadataDocumentHost) return false;
    const consent = await this.provider.store.getConsent(subject, interaction.clientId);
    if (!consent || consent.expiresAtMs <= this.provider.clock.now()) return false;
    return this.provider.settings.scopeHierarchy.hasAll(consent.scopes, interaction.scopes);
  }

  private async rememberConsent(subject: string, interaction: InteractionRecord): Promise<void> {
    const previous = await this.provider.store.getConsent(subject, interaction.clientId);
    const scopes = [...new Set([...(previous?.scopes ?? []), ...interaction.scopes])];
    await this.provider.store.saveConsent(subject, interaction.clientId, {
      scopes,
      expiresAtMs: this.provider.clock.now() + this.provider.lifetimes.consent * 1000,
    });
  }

  private consentUrl(interactionId: string): string {
    const url = new URL(this.provider.settings.consentUrl);
    url.searchParams.set('interaction', interactionId);
    return url.toString();
  }

  /** 429 with `Retry-After` (S55): the same page for a known and an unknown username. */
  private sendThrottled(
    req: Request,
    res: Response,
    waitSeconds: number,
    interactionId: string,
    interaction: InteractionRecord,
    username: string,
  ): void {
    res.setHeader('Retry-After', String(waitSeconds));
    const message = `Too many failed sign-ins. Try again in ${waitSeconds} seconds.`;
    this.sendLogin(req, res, 429, interactionId, interaction, message, username);
  }

  private sendLogin(
    req: Request,
    res: Response,
    status: number,
    interactionId: string,
    interaction: InteractionRecord,
    error?: string,
    username?: string,
  ): void {
    sendHtmlPage(
      res,
      status,
      `Sign in to ${this.appearance.serverName}`,
      renderLoginPage({
        interactionId,
        csrfToken: interactionFormToken(interaction, 'login', this.formBrowserId(req, res), req),
        formAction: this.provider.settings.loginPath,
        clientName: interaction.clientName || interaction.clientId,
        serverName: this.appearance.serverName,
        error,
        username,
        passwordForm: this.provider.passwordCheck !== undefined,
        upstreamButtons: this.provider.upstream?.upstreamNames.map((name) => ({
          label: `Continue with ${this.provider.upstream!.displayName(name)}`,
          action: this.provider.upstream!.startPath(name),
        })),
      }),
      this.appearance,
    );
  }

  /**
   * The posted form of a live interaction, sent from this site, whose CSRF
   * token is the one this browser (and session) got for this form (S33, S56);
   * otherwise the error page is sent and `undefined` returned.
   */
  private async verifiedForm(
    req: Request,
    res: Response,
    purpose: InteractionFormPurpose,
  ): Promise<{ body: Record<string, unknown>; interactionId: string; interaction: InteractionRecord } | undefined> {
    const crossSite = crossSiteProblem(req, new URL(this.provider.settings.issuer).origin);
    if (crossSite) {
      return void sendMessagePage(
        res,
        403,
        'Cross-site request refused',
        `${crossSite} Go back to the app and try again.`,
        this.appearance,
      );
    }
    const body = formBody(req);
    const interactionId = singleValue(body.interaction);
    const interaction = await this.findInteraction(interactionId);
    if (!interaction || !interactionId) return void this.expired(res);
    if (!verifyInteractionFormToken(req, interaction, purpose, singleValue(body.csrf_token))) {
      return void this.badForm(res);
    }
    return { body, interactionId, interaction };
  }

  /** The browser id cookie the forms are bound to (S56), created on first use. */
  private formBrowserId(req: Request, res: Response): string {
    const settings = this.provider.settings;
    return ensureFormBrowserId(req, res, {
      cookiePath: settings.cookiePath,
      secureCookies: settings.secureCookies,
      maxAgeSeconds: Math.max(this.provider.lifetimes.session, 86400),
    });
  }

  /** The server name and branding every page shows. */
  private get appearance(): PageAppearance {
    return this.provider.settings.pages.appearance;
  }

  private expired(res: Response): void {
    sendMessagePage(
      res,
      400,
      'Sign-in request expired',
      'This sign-in request has expired. Go back to the app and try again.',
      this.appearance,
    );
  }

  private badForm(res: Response): void {
    sendMessagePage(
      res,
      403,
      'Invalid form',
      'The form could not be verified. Go back to the app and try again.',
      this.appearance,
    );
  }

  private foreign(res: Response): void {
    sendMessagePage(
      res,
      403,
      'Wrong account',
      'This sign-in request belongs to another signed-in user.',
      this.appearance,
    );
  }
}

/** @internal A 303 redirect with the S30/S31/S32 headers. */
export function redirect303(res: Response, url: string): void {
  res.set(REDIRECT_HEADERS).redirect(303, url);
}

function formBody(req: Request): Record<string, unknown> {
  return req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
}

/** A parameter given exactly once as a string; repeated or structured values count as absent. */
function singleValue(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

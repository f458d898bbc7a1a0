import type { Request, Response } from 'express';
import type { McpAuthEventInput } from '../events/mcp-auth-events.js';
import type { ProviderSettings } from '../provider/provider-settings.js';
import type { AuthenticatedUser, AuthenticateHook, PasswordCheck } from '../provider/user-authentication.js';
import type { Clock } from '../rules/clock.js';
import type { InteractionRecord, OAuthStore } from '../stores/oauth-store.interface.js';

/** Sign-in at upstream identity providers as the login page uses it (`UpstreamLogin`). */
export interface UpstreamSignIn {
  readonly upstreamNames: readonly string[];
  displayName(name: string): string;
  /** Path of the login page's form that starts a sign-in at `name`. */
  startPath(name: string): string;
  /** The user who signed in upstream for this interaction, when this browser started that sign-in. */
  boundUser(req: Request, interaction: InteractionRecord): AuthenticatedUser | undefined;
  /** Sends the browser to upstream `name` for this interaction (303). */
  begin(
    req: Request,
    res: Response,
    interactionId: string,
    interaction: InteractionRecord,
    name: string,
  ): Promise<void>;
}

/**
 * What the login and consent pages and upstream sign-in use of the
 * authorization server behind them (`DefaultOAuthProvider`): its store, clock
 * and settings, how users sign in, and how an interaction ends. A contract of
 * its own, so that the pages and the provider do not import each other.
 */
export interface InteractionHost {
  readonly store: OAuthStore;
  readonly clock: Clock;
  readonly settings: ProviderSettings;
  /** Lifetimes in seconds of the login session and of remembered consent. */
  readonly lifetimes: { readonly session: number; readonly consent: number };
  readonly authenticateHook?: AuthenticateHook;
  readonly passwordCheck?: PasswordCheck;
  readonly rememberConsent: boolean;
  readonly upstream?: UpstreamSignIn;
  /** Issues the code of an approved interaction; returns the client redirect. */
  approveInteraction(interaction: InteractionRecord, subject: string): Promise<string>;
  /** The client redirect of a denied interaction (`access_denied`). */
  denyInteraction(interaction: InteractionRecord): string;
  emit(event: McpAuthEventInput): void;
}

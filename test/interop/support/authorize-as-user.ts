import { formWithField, HtmlUserAgent, type FollowResult } from '../../support/html-user-agent.js';

/** What the user agent saw on the way to the client's redirect URI. */
export interface AuthorizationOutcome {
  /** The redirect the authorization server sent to the client's redirect URI (not requested). */
  callbackUrl: URL;
  /** Whether a login form was shown (no session yet). */
  sawLogin: boolean;
  /** The consent page HTML, when one was shown. */
  consentHtml?: string;
}

/** How the user answers. */
export interface UserChoice {
  username?: string;
  password?: string;
  /** `approve` (default) or `deny` on the consent page. */
  decision?: 'approve' | 'deny';
}

/**
 * Plays the user in a browser: opens `authorizationUrl`, signs in on the
 * built-in login page when asked, answers the consent page, and stops at the
 * redirect to `redirectUri` (returned, not requested, so no listener is needed).
 */
export async function authorizeAsUser(
  agent: HtmlUserAgent,
  authorizationUrl: string | URL,
  redirectUri: string,
  choice: UserChoice = {},
): Promise<AuthorizationOutcome> {
  const stopAt = (url: string) => url.startsWith(redirectUri);
  let step: FollowResult = await agent.open(String(authorizationUrl), { stopAt });
  let sawLogin = false;
  let consentHtml: string | undefined;
  for (let page = 0; page < 4 && !step.stoppedAt; page++) {
    const response = step.response;
    if (response.status !== 200) {
      throw new Error(
        `Authorization stopped at ${response.url} with status ${response.status}: ${response.body.slice(0, 300)}`,
      );
    }
    if (/name="password"/.test(response.body)) {
      sawLogin = true;
      const form = formWithField(response, 'password');
      step = await agent.submit(
        form,
        { username: choice.username ?? 'alice', password: choice.password ?? 'alice' },
        undefined,
        { stopAt },
      );
      continue;
    }
    consentHtml = response.body;
    const form = formWithField(response, 'decision');
    step = await agent.submit(form, {}, { name: 'decision', value: choice.decision ?? 'approve' }, { stopAt });
  }
  if (!step.stoppedAt) throw new Error(`No redirect to ${redirectUri} after login and consent`);
  return { callbackUrl: new URL(step.stoppedAt), sawLogin, consentHtml };
}

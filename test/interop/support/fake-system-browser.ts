import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HtmlUserAgent } from '../../support/html-user-agent.js';
import { authorizeAsUser, type AuthorizationOutcome, type UserChoice } from './authorize-as-user.js';

/**
 * The system browser of a CLI MCP client, replaced for tests. CLI clients open the authorization
 * URL with the `open` package or `xdg-open`, and both honour the `BROWSER` variable: point it at
 * {@link FakeSystemBrowser.command}, a script that only appends the URL to a file. This class
 * watches that file and, for every URL, plays the person: signs in and consents with
 * {@link authorizeAsUser}, then loads the client's own loopback redirect URI from the authorization
 * request, as a browser following the redirect would.
 */
export class FakeSystemBrowser {
  /** Every URL the client asked the browser to open, in order. */
  readonly openedUrls: URL[] = [];
  /** What the person saw for each of them. */
  readonly outcomes: AuthorizationOutcome[] = [];
  /** The statuses the client's callback server answered with. */
  readonly callbackStatuses: number[] = [];
  /** What went wrong in the browser (the authorization server refused, the callback failed). */
  readonly errors: string[] = [];
  /** A temp directory that is removed by {@link stop}; clients may keep their state in it. */
  readonly workDir = mkdtempSync(join(tmpdir(), 'mcp-cli-client-'));
  /** The `BROWSER` value for the client process. */
  readonly command = join(this.workDir, 'fake-browser.sh');

  private readonly urlFile = join(this.workDir, 'opened-urls.txt');
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly choice: UserChoice = {},
    private readonly agent = new HtmlUserAgent(),
  ) {
    writeFileSync(this.urlFile, '');
    writeFileSync(this.command, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${this.urlFile}'\n`);
    chmodSync(this.command, 0o755);
    this.loop = this.watch();
  }

  /** Stops watching (after finishing the URL in hand) and removes the temp directory. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    rmSync(this.workDir, { recursive: true, force: true });
  }

  private async watch(): Promise<void> {
    while (this.running) {
      const lines = readFileSync(this.urlFile, 'utf8').split('\n').filter(Boolean);
      for (const line of lines.slice(this.openedUrls.length)) await this.visit(new URL(line));
      await new Promise((wait) => setTimeout(wait, 50));
    }
  }

  private async visit(url: URL): Promise<void> {
    this.openedUrls.push(url);
    try {
      const outcome = await authorizeAsUser(this.agent, url, url.searchParams.get('redirect_uri') ?? '', this.choice);
      this.outcomes.push(outcome);
      const response = await fetch(outcome.callbackUrl, { signal: AbortSignal.timeout(10_000) });
      await response.text();
      this.callbackStatuses.push(response.status);
    } catch (error) {
      this.errors.push((error as Error).message);
    }
  }
}

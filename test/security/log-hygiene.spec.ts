import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFuzzApp, type FuzzApp } from '../support/fuzz/fuzz-app.js';
import { captureProcessOutput, CapturingLogger } from '../support/fuzz/log-capture.js';
import { type FlowResponses, type FlowSecrets, runFullFlow } from '../support/fuzz/oauth-flow.js';

const MARKER = 'db-password-Zq9xK2';

/** The secret values, each with its name. */
function secretEntries(secrets: FlowSecrets): Array<[string, string]> {
  return Object.entries(secrets).filter(([name]) => !['clientId', 'interactionId'].includes(name));
}

describe('log and error hygiene (S46)', () => {
  let t: FuzzApp;
  const logger = new CapturingLogger();
  let output: ReturnType<typeof captureProcessOutput>;
  let secrets: FlowSecrets;
  let responses: FlowResponses;
  const failures: FlowResponses = [];

  beforeAll(async () => {
    output = captureProcessOutput();
    t = await createFuzzApp(logger);
    ({ secrets, responses } = await runFullFlow(t));
    const fresh = await runFullFlow(t);
    const leak = (value: string) => new Error(`store failure for ${value} (password ${MARKER})`);
    const spies = [
      vi.spyOn(t.provider, 'loadRefreshToken').mockImplementation(async (_client, token) => {
        throw leak(token);
      }),
      vi.spyOn(t.provider, 'loadAccessToken').mockImplementation(async (token) => {
        throw leak(token);
      }),
      vi.spyOn(t.provider, 'verifyClientSecret').mockImplementation(async (_client, secret) => {
        throw leak(secret);
      }),
    ];
    const basic = `Basic ${Buffer.from(`${fresh.secrets.clientId}:${fresh.secrets.clientSecret}`).toString('base64')}`;
    failures.push({
      step: 'refresh-provider-throws',
      res: await t.http
        .post('/token')
        .type('form')
        .set('Authorization', basic)
        .send({ grant_type: 'refresh_token', refresh_token: fresh.secrets.rotatedRefreshToken }),
    });
    failures.push({
      step: 'mcp-verifier-throws',
      res: await t.http.post('/mcp').set('Authorization', `Bearer ${fresh.secrets.rotatedAccessToken}`).send({}),
    });
    spies.forEach((spy) => spy.mockRestore());
    secrets = {
      ...secrets,
      ...Object.fromEntries(secretEntries(fresh.secrets).map(([k, v]) => [`fresh-${k}`, v])),
    } as FlowSecrets;
    output.stop();
  });
  afterAll(async () => {
    output?.stop();
    await t?.close();
  });

  it('S46 a full flow and provider failures log no token, code, secret, verifier, password or session cookie', () => {
    const logged = `${logger.lines.join('\n')}\n${output.text()}`;
    expect(logger.lines.some((line) => line.startsWith('error Unexpected Error'))).toBe(true);
    for (const [name, value] of [...secretEntries(secrets), ['marker', MARKER]]) {
      expect(value.length, name).toBeGreaterThan(8);
      expect(logged.includes(value), `${name} appears in the log`).toBe(false);
    }
  });

  it('S46 provider exceptions with secrets in their messages become a bare server_error (guard: invalid_token or 500)', () => {
    const [refresh, guarded] = failures;
    expect(refresh!.res.status).toBe(500);
    expect(refresh!.res.body).toEqual({
      error: 'server_error',
      error_description: 'The server encountered an unexpected error',
    });
    expect(guarded!.res.status).toBeGreaterThanOrEqual(401);
    expect(guarded!.res.text).not.toContain(MARKER);
    expect(JSON.stringify(guarded!.res.headers)).not.toContain(MARKER);
  });

  it('S46 no error body, WWW-Authenticate or Location carries a secret (the login form keeps its CSRF token); a code appears only in the success redirect', () => {
    const all = [...responses, ...failures];
    expect(all.length).toBeGreaterThan(20);
    for (const { step, res } of all) {
      const headersText = [res.headers['www-authenticate'], res.headers.location].filter(Boolean).join('\n');
      const errorBody = res.status >= 400 ? res.text : '';
      for (const [name, value] of [...secretEntries(secrets), ['marker', MARKER]]) {
        if (name.endsWith('csrfToken')) continue;
        const codeInSuccessRedirect = step === 'consent-approve' && name === 'code';
        if (!codeInSuccessRedirect) expect(headersText.includes(value), `${name} in headers of ${step}`).toBe(false);
        expect(errorBody.includes(value), `${name} in error body of ${step}`).toBe(false);
      }
    }
    const success = all.find(({ step }) => step === 'consent-approve')!.res.headers.location!;
    expect(new URL(success).searchParams.get('code')).toBe(secrets.code);
  });
});

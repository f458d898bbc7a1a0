import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HtmlUserAgent } from '../support/html-user-agent.js';
import { authorizeAsUser } from './support/authorize-as-user.js';
import { ensureConformanceCli, runConformance, type ConformanceCheck } from './support/conformance-cli.js';
import { freePort, startSampleServer, type RunningServer } from './support/interop-server.js';
import { skipWithoutTool } from './support/tool-availability.js';

/**
 * The MCP conformance suite (`@modelcontextprotocol/conformance` 0.2.0-alpha.12),
 * authorization-server scenarios with the requirement sets of both spec versions
 * (`--spec-version 2025-11-25` and `2026-07-28`), run as a subprocess on Node 22
 * against the sample's configuration on loopback (CIMD on with the SSRF guard,
 * DCR on, scope hierarchy). Installed on demand into `.tools/conformance`.
 */
const OUTPUT = 'test-output/conformance';
const SPEC_VERSIONS = ['2025-11-25', '2026-07-28'] as const;
const unavailable = skipWithoutTool('MCP conformance suite', await ensureConformanceCli());

function summary(checks: ConformanceCheck[]): string[] {
  return checks.map((check) => `${check.status} ${check.id}${check.errorMessage ? `: ${check.errorMessage}` : ''}`);
}

describe.skipIf(unavailable).each(SPEC_VERSIONS)(
  'MCP conformance suite %s: authorization server scenarios (interop)',
  (specVersion) => {
    let server: RunningServer;

    beforeAll(async () => {
      server = await startSampleServer();
    });
    afterAll(async () => {
      await server?.close();
    });

    it('S28 authorization-server-metadata-endpoint: every check SUCCESS, no CIMD warning', async () => {
      const { exitCode, output, checks } = await runConformance(
        {
          args: [
            '--url',
            server.baseUrl,
            '--spec-version',
            specVersion,
            '--scenario',
            'authorization-server-metadata-endpoint',
          ],
        },
        `${OUTPUT}/${specVersion}/metadata`,
      );
      expect(checks.find((check) => check.id === 'authorization-server-metadata-cimd')?.status, output).toBe('SUCCESS');
      expect(
        summary(checks).filter((line) => !line.startsWith('SUCCESS')),
        output,
      ).toEqual([]);
      expect(exitCode, output).toBe(0);
    });

    // With --scenario the CLI gives authorization-code-grant no metadata (it reads the metadata scenario's result),
    // so this runs the whole authorization-server suite: metadata first, then the code grant.
    it('S20 S28 S29 S30 S31 all scenarios incl. authorization-code-grant: the suite drives /authorize (user agent logs in and approves), /token; every check SUCCESS', async () => {
      const callbackPort = await freePort();
      const redirectUri = `http://127.0.0.1:${callbackPort}/callback`;
      const registration = await fetch(`${server.baseUrl}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_name: 'MCP conformance suite',
          redirect_uris: [redirectUri],
          token_endpoint_auth_method: 'none',
        }),
      });
      expect(registration.status).toBe(201);
      const { client_id: clientId } = (await registration.json()) as { client_id: string };

      let userDone: Promise<void> | undefined;
      const { exitCode, output, checks } = await runConformance(
        {
          args: [
            '--url',
            server.baseUrl,
            '--spec-version',
            specVersion,
            '--client-id',
            clientId,
            '--resource',
            server.mcpUrl,
            '-p',
            String(callbackPort),
          ],
          onLine: (line) => {
            const url = line.trim();
            if (userDone || !url.startsWith(`${server.baseUrl}/authorize?`)) return;
            const agent = new HtmlUserAgent();
            userDone = authorizeAsUser(agent, url, redirectUri).then(async ({ callbackUrl }) => {
              await agent.request(callbackUrl.toString());
            });
          },
          timeoutMs: 90_000,
        },
        `${OUTPUT}/${specVersion}/all`,
      );
      expect(userDone, output).toBeDefined();
      await userDone;
      expect(checks.map((check) => check.id)).toEqual(
        expect.arrayContaining([
          'authorization-server-metadata',
          'authorization-server-metadata-cimd',
          'authorization-code-grant',
        ]),
      );
      expect(
        summary(checks).filter((line) => !line.startsWith('SUCCESS')),
        output,
      ).toEqual([]);
      expect(exitCode, output).toBe(0);
    });
  },
);

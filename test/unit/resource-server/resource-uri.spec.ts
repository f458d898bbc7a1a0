import { describe, expect, it } from 'vitest';
import { buildProtectedResourceMetadata } from '../../../lib/endpoints/protected-resource-metadata.endpoint.js';
import type { TokenVerifier } from '../../../lib/interfaces/token-verifier.interface.js';
import { resolveMcpAuthConfig } from '../../../lib/services/mcp-auth-config.factory.js';
import { AudienceMatcher, audienceIncludes } from '../../../lib/rules/resource-indicators.js';
import { readResourceParameter, validateResourceIndicator } from '../../../lib/rules/resource-indicators.js';
import { canonicalResourceUri, sameResource } from '../../../lib/rules/resource-uri.js';

/** [configured resource, presented URI, same resource?] */
const PAIRS: ReadonlyArray<readonly [string, string, boolean]> = [
  ['https://mcp.example.com/mcp', 'https://mcp.example.com/mcp', true],
  ['https://mcp.example.com/mcp', 'https://mcp.example.com/./mcp', true],
  ['https://mcp.example.com/mcp', 'https://mcp.example.com/a/../mcp', true],
  ['https://mcp.example.com/mcp', 'https://mcp.example.com:443/mcp', true],
  ['http://127.0.0.1/mcp', 'http://127.0.0.1:80/mcp', true],
  ['https://mcp.example.com/mcp', 'HTTPS://MCP.Example.COM/mcp', true],
  ['https://bücher.example/mcp', 'https://xn--bcher-kva.example/mcp', true],
  ['https://mcp.example.com', 'https://mcp.example.com/', true],
  ['https://mcp.example.com/mcp', 'https://mcp.example.com/%6Dcp', true],
  ['https://mcp.example.com/~me', 'https://mcp.example.com/%7eme', true],
  ['https://mcp.example.com/a%2fb', 'https://mcp.example.com/a%2Fb', true],
  ['https://mcp.example.com/mcp?x=1', 'https://mcp.example.com/mcp?x=%31', true],
  ['https://mcp.example.com/mcp', 'https://mcp.example.com/mcp/', false],
  ['https://mcp.example.com/mcp', 'https://mcp.example.com/MCP', false],
  ['https://mcp.example.com/a%2Fb', 'https://mcp.example.com/a/b', false],
  ['https://mcp.example.com/mcp', 'https://mcp.example.com:8443/mcp', false],
  ['https://mcp.example.com/mcp', 'http://mcp.example.com/mcp', false],
  ['https://mcp.example.com/mcp', 'https://mcp.example.com/mcp#', false],
  ['https://mcp.example.com/mcp', 'https://mcp.example.com/mcp?x=1', false],
  ['https://mcp.example.com/mcp', 'https://other.example.com/mcp', false],
];

const verifier: TokenVerifier = { verifyToken: async () => undefined };

/** Whether each place that compares resource URIs accepts `presented` for the configured `resource`. */
function verdicts(resource: string, presented: string): Record<string, boolean> {
  const accepts = (check: () => unknown) => {
    try {
      check();
      return true;
    } catch {
      return false;
    }
  };
  const config = resolveMcpAuthConfig({
    resourceServerUrl: resource,
    tokenVerifier: verifier,
    authorizationServers: ['https://as.example.com'],
  });
  return {
    sameResource: sameResource(resource, presented),
    symmetric: sameResource(presented, resource),
    authorizeResourceParameter: accepts(() => readResourceParameter({ resource: presented }, config.resource)),
    tokenResourceParameter: accepts(() => validateResourceIndicator(presented, config.resource)),
    guardAudience: new AudienceMatcher(config.resource).matches(presented),
    guardAudienceList: audienceIncludes(['https://elsewhere.example/x', presented], config.resource),
    protectedResourceMetadata: sameResource(buildProtectedResourceMetadata(config).resource, presented),
  };
}

describe('S60 one canonical resource-URI rule everywhere', () => {
  it.each(PAIRS)('S60 %s vs %s: every place answers %s', (resource, presented, expected) => {
    const answers = verdicts(resource, presented);
    expect(answers).toEqual(Object.fromEntries(Object.keys(answers).map((place) => [place, expected])));
  });

  it("S60 the review's pair: sameResource and the audience check agree on https://h/./mcp", () => {
    expect(sameResource('https://h/mcp', 'https://h/./mcp')).toBe(true);
    expect(audienceIncludes('https://h/./mcp', 'https://h/mcp')).toBe(true);
  });

  it('S60 the canonical form: lowercase scheme and host, no default port, dots resolved, %XX uppercase, unreserved decoded', () => {
    expect(canonicalResourceUri('HTTPS://H.Example:443/a/./b/../%7e%2f%41?q=%7e%2f')).toBe(
      'https://h.example/a/~%2FA?q=~%2F',
    );
    expect(canonicalResourceUri('https://h.example/mcp#x')).toBeUndefined();
    expect(canonicalResourceUri('urn:example:mcp')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { audienceIncludes } from '../../../lib/rules/resource-indicators.js';
import { canonicalResourceUri } from '../../../lib/rules/resource-uri.js';

describe('audience canonicalisation (RFC 8707, S4)', () => {
  it.each([
    ['HTTPS://MCP.Example.COM/mcp', 'https://mcp.example.com/mcp'],
    ['https://mcp.example.com:443/mcp', 'https://mcp.example.com/mcp'],
    ['http://127.0.0.1:80/mcp', 'http://127.0.0.1/mcp'],
    ['http://127.0.0.1:8080/mcp', 'http://127.0.0.1:8080/mcp'],
    ['https://mcp.example.com', 'https://mcp.example.com/'],
    ['https://mcp.example.com/MCP?x=1', 'https://mcp.example.com/MCP?x=1'],
  ])('canonicalises %s', (input, expected) => {
    expect(canonicalResourceUri(input)).toBe(expected);
  });

  it.each([
    'https://mcp.example.com/mcp#frag',
    'https://mcp.example.com/mcp#',
    'not a url',
    '/mcp',
    'urn:example:mcp',
    42,
    undefined,
  ])('S4 refuses %j', (input) => {
    expect(canonicalResourceUri(input)).toBeUndefined();
  });

  it('S4 the path stays case-sensitive and ports other than the default matter', () => {
    expect(audienceIncludes('https://mcp.example.com/MCP', 'https://mcp.example.com/mcp')).toBe(false);
    expect(audienceIncludes('https://mcp.example.com:8443/mcp', 'https://mcp.example.com/mcp')).toBe(false);
    expect(audienceIncludes('http://mcp.example.com/mcp', 'https://mcp.example.com/mcp')).toBe(false);
  });

  it('S4 matches a string or any entry of a list, never a missing or empty audience', () => {
    expect(audienceIncludes('HTTPS://MCP.EXAMPLE.COM:443/mcp', 'https://mcp.example.com/mcp')).toBe(true);
    expect(
      audienceIncludes(['https://other.example', 'https://mcp.example.com/mcp'], 'https://mcp.example.com/mcp'),
    ).toBe(true);
    expect(audienceIncludes(['https://other.example'], 'https://mcp.example.com/mcp')).toBe(false);
    expect(audienceIncludes(undefined, 'https://mcp.example.com/mcp')).toBe(false);
    expect(audienceIncludes([], 'https://mcp.example.com/mcp')).toBe(false);
    expect(audienceIncludes('https://mcp.example.com/mcp#x', 'https://mcp.example.com/mcp')).toBe(false);
  });
});

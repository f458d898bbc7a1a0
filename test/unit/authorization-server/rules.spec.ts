import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidScopeError } from '../../../lib/errors/oauth-error.js';
import {
  computeS256Challenge,
  isValidCodeVerifier,
  isValidS256Challenge,
  verifyS256,
} from '../../../lib/rules/pkce.js';
import {
  redirectUriMatches,
  redirectUriRegistrationProblem,
  resolveRedirectUri,
} from '../../../lib/rules/redirect-uri-rules.js';
import { inspectParameter } from '../../../lib/rules/request-parameters.js';
import { sameResource, validateResourceIndicator } from '../../../lib/rules/resource-indicators.js';
import { parseScope, resolveRefreshScopes } from '../../../lib/rules/scope-rules.js';
import { constantTimeEquals } from '../../../lib/rules/secure-values.js';

describe('PKCE (RFC 7636)', () => {
  it('S16 computes BASE64URL(SHA256(verifier)) without padding', () => {
    const verifier = 'dBjftJeZ4CVP-mJ92K9Ul2X0iK6ViTR3ZhO3Y4mWEfk';
    const expected = createHash('sha256')
      .update(verifier)
      .digest('base64')
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    expect(computeS256Challenge(verifier)).toBe(expected);
  });
  it('S16 verifies in constant time and refuses malformed verifiers', () => {
    const verifier = 'dBjftJeZ4CVP-mJ92K9Ul2X0iK6ViTR3ZhO3Y4mWEfk';
    const challenge = computeS256Challenge(verifier);
    expect(verifyS256(verifier, challenge)).toBe(true);
    expect(verifyS256(`${verifier}x`, challenge)).toBe(false);
    expect(verifyS256(undefined, challenge)).toBe(false);
    expect(isValidCodeVerifier('a'.repeat(42))).toBe(false);
    expect(isValidCodeVerifier('a'.repeat(128))).toBe(true);
    expect(isValidCodeVerifier('a'.repeat(129))).toBe(false);
    expect(isValidS256Challenge(challenge)).toBe(true);
    expect(isValidS256Challenge(`${challenge}=`)).toBe(false);
  });
});

describe('redirect URI rules', () => {
  it('S17 exact string match', () => {
    expect(redirectUriMatches('https://a.example/cb', 'https://a.example/cb')).toBe(true);
    expect(redirectUriMatches('https://a.example/cb', 'https://A.example/cb')).toBe(false);
    expect(redirectUriMatches('https://a.example/cb', 'https://a.example/cb/')).toBe(false);
  });
  it('S19 loopback any port, exact path and query', () => {
    expect(redirectUriMatches('http://127.0.0.1/cb', 'http://127.0.0.1:1234/cb')).toBe(true);
    expect(redirectUriMatches('http://127.0.0.1:80/cb?a=1', 'http://127.0.0.1:1234/cb?a=1')).toBe(true);
    expect(redirectUriMatches('http://127.0.0.1/cb', 'http://127.0.0.1:1234/cb?a=1')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1/cb', 'http://user@127.0.0.1:1234/cb')).toBe(false);
    expect(redirectUriMatches('https://127.0.0.1/cb', 'https://127.0.0.1:1234/cb')).toBe(false);
  });
  it('S21 omission only with exactly one registered URI', () => {
    expect(resolveRedirectUri(['https://a.example/cb'], undefined)).toBe('https://a.example/cb');
    expect(resolveRedirectUri(['https://a.example/cb', 'https://a.example/2'], undefined)).toBeUndefined();
  });
  it('S39 registration rules', () => {
    expect(redirectUriRegistrationProblem('https://a.example/cb', 'web')).toBeUndefined();
    expect(redirectUriRegistrationProblem('http://localhost:3000/cb', 'web')).toBeUndefined();
    expect(redirectUriRegistrationProblem('com.example.app:/cb', 'native')).toBeUndefined();
    for (const bad of [
      'http://a.example/cb',
      'javascript:alert(1)',
      'data:x',
      'https://a.example/cb#',
      'https://*.a.example/',
      'https://u:p@a.example/',
    ]) {
      expect(redirectUriRegistrationProblem(bad, 'native')).toBeDefined();
    }
  });
});

describe('scopes, resources, parameters', () => {
  it('parses scope strings (RFC 6749 §3.3)', () => {
    expect(parseScope('a  b a')).toEqual(['a', 'b']);
    expect(parseScope('a "b"')).toBeUndefined();
  });
  it('S24 refresh scopes may only narrow', () => {
    expect(resolveRefreshScopes(['a', 'b'], 'a')).toEqual(['a']);
    expect(resolveRefreshScopes(['a', 'b'], undefined)).toEqual(['a', 'b']);
    expect(() => resolveRefreshScopes(['a'], 'a b')).toThrow(InvalidScopeError);
  });
  it('S25 resource indicators compare scheme and host case-insensitively, the rest exactly', () => {
    expect(sameResource('HTTPS://MCP.example.com/mcp', 'https://mcp.example.com/mcp')).toBe(true);
    expect(sameResource('https://mcp.example.com/MCP', 'https://mcp.example.com/mcp')).toBe(false);
    expect(sameResource('https://mcp.example.com:443/mcp', 'https://mcp.example.com/mcp')).toBe(true);
    expect(() => validateResourceIndicator('https://mcp.example.com/mcp#', 'https://mcp.example.com/mcp')).toThrow();
    expect(validateResourceIndicator(undefined, 'https://x.example')).toBeUndefined();
  });
  it('S35 repeated and bracketed parameters are invalid; empty means absent', () => {
    expect(inspectParameter({ a: ['1', '2'] }, 'a')).toEqual({ invalid: true });
    expect(inspectParameter({ a: { b: 'c' } }, 'a')).toEqual({ invalid: true });
    expect(inspectParameter({ a: '' }, 'a')).toEqual({ invalid: false });
    expect(inspectParameter({ a: 'x' }, 'a')).toEqual({ value: 'x', invalid: false });
    expect(inspectParameter(Object.create({ a: 'inherited' }), 'a')).toEqual({ invalid: false });
  });
  it('S37 constant-time comparison', () => {
    expect(constantTimeEquals('secret', 'secret')).toBe(true);
    expect(constantTimeEquals('secret', 'secreT')).toBe(false);
    expect(constantTimeEquals('secret', 'secret-longer')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { parseBearerAuthorizationHeader } from '../../../lib/rules/bearer-token.js';

describe('parseBearerAuthorizationHeader (RFC 6750 §2.1)', () => {
  it('S1 no header is absent', () => {
    expect(parseBearerAuthorizationHeader(undefined)).toEqual({ kind: 'absent' });
  });

  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['Bearer   abc', 'abc'],
    ['  Bearer abc  ', 'abc'],
    ['Bearer a-b.c_d~e+f/g==', 'a-b.c_d~e+f/g=='],
    ['Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'],
  ])('S2 accepts %j', (header, token) => {
    expect(parseBearerAuthorizationHeader(header)).toEqual({ kind: 'token', token });
  });

  it.each([
    '',
    'Bearer',
    'Bearer ',
    'abc',
    'Basic YTpi',
    'Bearerabc',
    'Bearer a b',
    'Bearer a,b',
    'Bearer "abc"',
    'Bearer =abc',
    'Bearer abc=def',
    'Bearer\tabc',
    'Bearer abc\u00e9',
    'Bearer abc, Bearer def',
  ])('S2 rejects %j as malformed', (header) => {
    expect(parseBearerAuthorizationHeader(header)).toEqual({ kind: 'malformed' });
  });

  it('S2 several header values are malformed unless exactly one', () => {
    expect(parseBearerAuthorizationHeader(['Bearer a', 'Bearer b'])).toEqual({ kind: 'malformed' });
    expect(parseBearerAuthorizationHeader(['Bearer a'])).toEqual({ kind: 'token', token: 'a' });
  });
});

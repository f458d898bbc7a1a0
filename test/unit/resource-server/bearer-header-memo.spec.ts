import { describe, expect, it } from 'vitest';
import { BearerHeaderMemo } from '../../../lib/guards/bearer-header-memo.js';
import { parseBearerAuthorizationHeader } from '../../../lib/rules/bearer-token.js';

/** What the memo must return for a header: exactly what the parser says. */
function expected(header: string | string[] | undefined): string | null | undefined {
  const parsed = parseBearerAuthorizationHeader(header);
  return parsed.kind === 'token' ? parsed.token : parsed.kind === 'absent' ? undefined : null;
}

const HEADERS = [
  undefined,
  '',
  'Bearer',
  'Bearer abc',
  'bearer   abcdefgh',
  '  Bearer abc  ',
  'Bearer a b',
  'Bearer abc=def',
  'Basic YTpiYzpkZWY=',
  ['Bearer a'],
  ['Bearer a', 'Bearer b'],
  `Bearer ${'x'.repeat(9000)}`,
];

describe('BearerHeaderMemo (S2: the memo never changes what a header means)', () => {
  it('S2 answers every header as the parser does, first time and from the memo', () => {
    const memo = new BearerHeaderMemo();
    for (let pass = 0; pass < 3; pass++) {
      for (const header of HEADERS) expect(memo.token(header)).toBe(expected(header));
    }
  });

  it('S2 a header that differs from a remembered one in any character is parsed on its own', () => {
    const memo = new BearerHeaderMemo();
    const token = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    expect(memo.token(`Bearer ${token}`)).toBe(token);
    for (let i = 0; i < token.length; i++) {
      const altered = `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
      expect(memo.token(`Bearer ${altered}`)).toBe(altered);
      expect(memo.token(`Bearer ${altered} `)).toBe(altered);
      expect(memo.token(`Bearer ${altered},`)).toBeNull();
    }
    expect(memo.token(`Bearer ${token}`)).toBe(token);
  });

  it('S2 many distinct headers (slot collisions) each keep their own token', () => {
    const memo = new BearerHeaderMemo();
    const tokens = Array.from({ length: 500 }, (_, i) => `token-${i.toString(36)}.${'s'.repeat(i % 7)}`);
    for (let pass = 0; pass < 2; pass++) {
      for (const token of tokens) expect(memo.token(`Bearer ${token}`)).toBe(token);
    }
  });
});

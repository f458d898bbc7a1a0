import fc from 'fast-check';

/** Runs per property: `FUZZ_RUNS` (e.g. 2000 in `npm run fuzz`), a small bounded default in `npm test`. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 25);

const PARAM_NAMES = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'resource',
  'grant_type',
  'code',
  'code_verifier',
  'refresh_token',
  'client_secret',
  'token',
  'token_type_hint',
  'interaction',
  'csrf_token',
  'decision',
  'username',
  'password',
  'access_token',
];
const ADVERSARIAL_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'a[b]',
  'redirect_uri[]',
  'client_id[0]',
  '__proto__[admin]',
  'constructor[prototype][x]',
  '',
];

/** A raw, already percent-encoded (or deliberately broken) query/form component. */
const encoded = (s: fc.Arbitrary<string>) => s.map((value) => encodeURIComponent(value));
const brokenPercent = fc.constantFrom(
  '%',
  '%Z',
  '%E0%A4%A',
  '%FF%FE',
  '%C0%AF',
  '%00',
  '%ED%A0%80',
  '%0D%0ASet-Cookie:%20x=1',
  '%25',
);

/** A parameter value: arbitrary text, unicode, long, empty, or broken percent-encoding. */
export const paramValue: fc.Arbitrary<string> = fc.oneof(
  encoded(fc.string()),
  encoded(fc.string({ unit: 'grapheme', maxLength: 20 })),
  encoded(fc.string({ unit: 'binary', maxLength: 20 })),
  encoded(
    fc.constantFrom(
      'S256',
      'plain',
      'code',
      'authorization_code',
      'refresh_token',
      'approve',
      'http://127.0.0.1/cb',
      'https://evil.example/cb',
      'javascript:alert(1)',
    ),
  ),
  fc.integer({ min: 1000, max: 9000 }).map((n) => 'a'.repeat(n)),
  fc.integer({ min: 20_000, max: 70_000 }).map((n) => 'A'.repeat(n)),
  fc.constant(''),
  brokenPercent,
);

/** A parameter name: a protocol name, a prototype-polluting or bracket name, or arbitrary text. */
export const paramName: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PARAM_NAMES) },
  { weight: 2, arbitrary: encoded(fc.constantFrom(...ADVERSARIAL_NAMES)) },
  { weight: 1, arbitrary: fc.constantFrom(...ADVERSARIAL_NAMES) },
  { weight: 1, arbitrary: encoded(fc.string({ maxLength: 12 })) },
  { weight: 1, arbitrary: brokenPercent },
);

/** A query string or form body: random pairs, duplicates likely (names come from a small set). */
export const encodedParams: fc.Arbitrary<string> = fc
  .array(fc.tuple(paramName, paramValue, fc.boolean()), { maxLength: 12 })
  .map((pairs) => pairs.map(([name, value, withEquals]) => (withEquals ? `${name}=${value}` : name)).join('&'));

/** A JSON value with adversarial keys, huge nesting or plain arbitrary content. */
export const jsonBody: fc.Arbitrary<string> = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 3 }).map((value) =>
    JSON.stringify({
      redirect_uris: value,
      client_name: value,
      grant_types: value,
      scope: value,
      token_endpoint_auth_method: value,
    }),
  ),
  fc.constantFrom(
    '{"__proto__":{"admin":true},"redirect_uris":["http://127.0.0.1/cb"]}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    '{"redirect_uris":"http://127.0.0.1/cb"}',
    '{"redirect_uris":[{"toString":1}]}',
    '[]',
    'null',
    '""',
    '{"jsonrpc":"2.0","method":"tools/call","params":{"name":{"__proto__":1}},"id":1}',
    '[{"jsonrpc":"2.0","method":"tools/call","params":null,"id":1}]',
  ),
  fc.integer({ min: 100, max: 5000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc
    .tuple(
      fc.constantFrom('contacts', 'redirect_uris', 'client_name', 'grant_types', 'jwks'),
      fc.integer({ min: 30, max: 5000 }),
    )
    .map(
      ([field, depth]) =>
        `{"redirect_uris":["http://127.0.0.1:7777/cb"],"${field}":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    ),
  fc
    .integer({ min: 30, max: 5000 })
    .map(
      (depth) =>
        `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add_note","arguments":{"text":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}}`,
    ),
  fc.integer({ min: 100, max: 3000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.string(),
);

/** A request content type, right, wrong or odd. */
export const contentType: fc.Arbitrary<string | undefined> = fc.constantFrom(
  undefined,
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/x-www-form-urlencoded; charset=latin1',
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/xml',
  '*/*',
  'garbage',
  'APPLICATION/JSON',
  'application/json; charset=UTF-8',
  'application/json\u00a0',
  '\u00a0application/json',
  'application/json;',
  'application/json; charset=',
  'application/json garbage',
  'application/json, text/plain',
  'application/vnd.api+json',
  'application/merge-patch+json',
  'Application/X-WWW-Form-Urlencoded',
  'application/x-www-form-urlencoded\u00a0',
  'application/x-www-form-urlencoded;;',
);

/**
 * `Content-Type` values around `application/json` that a body parser and the MCP
 * transport may read differently (S51): case, parameters, HTTP and non-HTTP
 * whitespace, trailing junk, structured-syntax suffixes, joined duplicates.
 */
export const jsonContentTypeVariant: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc
    .tuple(
      fc.constantFrom('', ' ', '\t', '\u00a0', '\u0085'),
      fc.constantFrom(
        'application/json',
        'APPLICATION/JSON',
        'Application/Json',
        'application/vnd.mcp+json',
        'text/plain',
      ),
      fc.constantFrom(
        '',
        ' ',
        '\t',
        '\u00a0',
        ';',
        ';;',
        '; charset=utf-8',
        '; charset=latin1',
        '; charset=',
        ', text/plain',
        ' x',
        'x',
      ),
    )
    .map(([before, type, after]) => `${before}${type}${after}`),
);

/** An `Authorization` header value (or none). */
export const authorizationHeader: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    'bearer x.y.z',
    'Basic',
    'Basic !!!',
    'Basic Og==',
    'Basic ' + Buffer.from('a:b:c').toString('base64'),
    'Bearer eyJhbGciOiJub25lIn0.e30.',
    'Digest x',
    'Bearer a b',
  ),
  fc.string({ maxLength: 40 }).map((s) => `Bearer ${s.replace(/[^\x20-\x7e]/g, '')}`),
  fc.string({ maxLength: 40 }).map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
);

/** Invalid UTF-8 byte sequences. */
export const invalidUtf8: fc.Arbitrary<Buffer> = fc
  .array(fc.constantFrom(0xff, 0xfe, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xe0, 0x3d, 0x26, 0x7b, 0x22), {
    minLength: 1,
    maxLength: 64,
  })
  .map((bytes) => Buffer.from(bytes));

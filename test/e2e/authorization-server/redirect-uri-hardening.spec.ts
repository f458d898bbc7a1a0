import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFromMetadataDocument } from '../../../lib/cimd/index.js';
import { InvalidClientError } from '../../../lib/errors/index.js';
import { redirectUriMatches } from '../../../lib/rules/redirect-uri-rules.js';
import { type AsTestApp, authorizeParams, createAsTestApp, pkcePair } from '../../support/as-test-app.js';

const CIMD_URL = 'https://app.example.com/client.json';
const cimdContext = {
  clientId: CIMD_URL,
  host: 'app.example.com',
  supportedAuthMethods: ['none'] as const,
  fetchedAt: 0,
};

function cimdRefusal(redirectUri: string, applicationType: 'web' | 'native' = 'native'): string | undefined {
  try {
    clientFromMetadataDocument(
      { client_id: CIMD_URL, redirect_uris: [redirectUri], application_type: applicationType },
      cimdContext,
    );
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidClientError);
    return (error as InvalidClientError).description;
  }
}

/** URIs refused for native clients at registration and in CIMD documents alike (S53, S54). */
const REFUSED_NATIVE_URIS: [string, string][] = [
  ['Windows search handler', 'search-ms:query=invoice&crumb=location:\\\\evil.example\\share'],
  ['search-ms without backslashes', 'search-ms:query=invoice'],
  ['ms-msdt handler', 'ms-msdt:/id PCWDiagnostic'],
  ['ms-msdt handler (no space)', 'ms-msdt:/id'],
  ['ms-settings handler', 'ms-settings:privacy'],
  ['chrome internal page', 'chrome://settings'],
  ['view-source', 'view-source:https://app.example.com/'],
  ['about', 'about:blank'],
  ['file', 'file:///etc/passwd'],
  ['javascript', 'javascript:alert(1)'],
  ['data', 'data:text/html,hi'],
  ['vbscript', 'vbscript:msgbox(1)'],
  ['blob', 'blob:https://app.example.com/uuid'],
  ['ws', 'ws://127.0.0.1/cb'],
  ['wss', 'wss://app.example.com/cb'],
  ['ftp', 'ftp://app.example.com/cb'],
  ['single-label private-use scheme', 'myapp:/cb'],
  ['private-use scheme with userinfo', 'com.example.app://user@host/cb'],
  ['https with userinfo', 'https://good.example@evil.example/cb'],
  ['loopback with backslash', 'http://127.0.0.1:5555\\attacker/callback'],
  ['tab in the path', 'https://app.example.com/c\tb'],
  ['newline in the host', 'https://app.exa\nmple.com/cb'],
  ['encoded slash in the authority', 'https://evil.example%2F.app.example.com/cb'],
  ['encoded backslash in the authority', 'http://127.0.0.1%5Cevil/cb'],
  ['dot segment the parser removes', 'https://app.example.com/cb/../other'],
  ['numeric IPv4 form', 'http://0x7f.1/cb'],
];

describe('S53 S54 redirect-URI rules: registration and CIMD documents apply one rule', () => {
  let t: AsTestApp;
  beforeAll(async () => {
    t = await createAsTestApp({ clientRegistration: { enabled: true } });
  });
  afterAll(() => t.close());

  const register = (redirectUri: string, applicationType: 'web' | 'native' = 'native') =>
    t.http.post('/register').send({
      redirect_uris: [redirectUri],
      application_type: applicationType,
      token_endpoint_auth_method: 'none',
    });

  it.each(REFUSED_NATIVE_URIS)('S53 S54 /register refuses a %s redirect URI (native client)', async (_name, uri) => {
    const res = await register(uri);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_redirect_uri');
  });

  it.each(REFUSED_NATIVE_URIS)('S53 S54 a CIMD document with a %s redirect URI is refused', (_name, uri) => {
    expect(cimdRefusal(uri)).toBeDefined();
  });

  it('S53 a CIMD document of a web client may not use a private-use scheme, as at registration', async () => {
    expect(cimdRefusal('com.example.app:/cb', 'web')).toContain('native');
    const res = await register('com.example.app:/cb', 'web');
    expect(res.body.error).toBe('invalid_redirect_uri');
  });

  it.each([
    'com.example.app:/oauth2redirect',
    'com.example.app://callback',
    'io.github.someone.client:/cb',
    'http://127.0.0.1/callback',
    'http://localhost:8080/cb?x=1',
    'https://app.example.com/cb',
    'HTTPS://App.Example.com:443/cb',
  ])('S53 S54 reverse-domain and web redirect URIs stay accepted everywhere: %s', async (uri) => {
    const res = await register(uri);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(cimdRefusal(uri)).toBeUndefined();
  });
});

describe('S54 requested redirect URIs are compared as text and as parsed URL', () => {
  let t: AsTestApp;
  beforeAll(async () => {
    t = await createAsTestApp();
  });
  afterAll(() => t.close());

  it.each([
    ['backslash after the port', 'http://127.0.0.1:5555\\attacker/callback'],
    ['backslash without a port', 'http://127.0.0.1\\attacker/callback'],
    ['tab in the path', 'http://127.0.0.1:5555/call\tback'],
    ['encoded slash in the authority', 'http://127.0.0.1:5555%2Fattacker/callback'],
    ['dot segments', 'http://127.0.0.1:5555/attacker/../callback'],
  ])('S54 a loopback redirect_uri with %s never matches http://127.0.0.1/callback', async (_name, requested) => {
    const client = await t.provider.addClient({ redirectUris: ['http://127.0.0.1/callback'] });
    expect(redirectUriMatches('http://127.0.0.1/callback', requested)).toBe(false);
    const { challenge } = pkcePair();
    const res = await t.http.get('/authorize').query(authorizeParams(client, challenge, { redirect_uri: requested }));
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });

  it('S54 S19 the any-port rule keeps working for a faithful loopback URI', async () => {
    const client = await t.provider.addClient({ redirectUris: ['http://127.0.0.1/callback'] });
    const { challenge } = pkcePair();
    const res = await t.http
      .get('/authorize')
      .query(authorizeParams(client, challenge, { redirect_uri: 'http://127.0.0.1:5555/callback' }));
    expect(res.status).toBe(302);
    expect(new URL(res.headers.location!).pathname).toBe('/callback');
    expect(new URL(res.headers.location!).port).toBe('5555');
  });
});

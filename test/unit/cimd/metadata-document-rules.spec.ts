import { describe, expect, it } from 'vitest';
import { InvalidClientError } from '../../../lib/errors/index.js';
import { clientFromMetadataDocument, isMetadataDocumentClient } from '../../../lib/cimd/index.js';

const CLIENT_ID = 'https://app.example.com/oauth/client.json';
const context = {
  clientId: CLIENT_ID,
  host: 'app.example.com',
  supportedAuthMethods: ['none'] as const,
  fetchedAt: 1_000,
};
const JWKS_URI = 'https://app.example.com/oauth/jwks.json';
const PUBLIC_RSA = { kty: 'RSA', n: 'sXch', e: 'AQAB', kid: 'k1', alg: 'RS256', use: 'sig' };
const withKeys = { ...context, supportedAuthMethods: ['none', 'private_key_jwt'] as const };

function refusalWithKeys(document: unknown): string {
  try {
    clientFromMetadataDocument(document, withKeys);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidClientError);
    return (error as InvalidClientError).description ?? '';
  }
  throw new Error('expected the document to be refused');
}

const valid = {
  client_id: CLIENT_ID,
  client_name: 'Example MCP Client',
  client_uri: 'https://app.example.com',
  logo_uri: 'https://app.example.com/logo.png',
  redirect_uris: ['http://127.0.0.1:3000/callback', 'https://app.example.com/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
  unknown_field: 'ignored',
};

function refusal(document: unknown): string {
  try {
    clientFromMetadataDocument(document, context);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidClientError);
    expect((error as InvalidClientError).error).toBe('invalid_client');
    return (error as InvalidClientError).description ?? '';
  }
  throw new Error('expected the document to be refused');
}

describe('CIMD document rules (S40)', () => {
  it('maps a valid document to a public metadata-document client', () => {
    const client = clientFromMetadataDocument(valid, context);
    expect(client).toEqual({
      clientId: CLIENT_ID,
      clientName: 'Example MCP Client',
      clientUri: 'https://app.example.com',
      logoUri: 'https://app.example.com/logo.png',
      redirectUris: valid.redirect_uris,
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      tokenEndpointAuthMethod: 'none',
      metadataDocument: { url: CLIENT_ID, host: 'app.example.com', fetchedAt: 1_000 },
    });
    expect(isMetadataDocumentClient(client)).toBe(true);
    expect(isMetadataDocumentClient({ ...client, metadataDocument: undefined } as never)).toBe(false);
    expect(client).not.toHaveProperty('clientSecret');
  });

  it('defaults token_endpoint_auth_method to none and grant/response types to the code flow', () => {
    const client = clientFromMetadataDocument(
      { client_id: CLIENT_ID, redirect_uris: ['https://app.example.com/cb'] },
      context,
    );
    expect(client.tokenEndpointAuthMethod).toBe('none');
    expect(client.grantTypes).toEqual(['authorization_code', 'refresh_token']);
    expect(client.responseTypes).toEqual(['code']);
  });

  it.each([
    ['an array', [valid], 'JSON object'],
    ['null', null, 'JSON object'],
    ['a string', 'x', 'JSON object'],
  ])('S40 refuses a document that is %s', (_, document, rule) => {
    expect(refusal(document)).toContain(rule);
  });

  it('S40 refuses a client_id that is missing', () => {
    expect(refusal({ ...valid, client_id: undefined })).toContain('client_id is missing');
  });

  it.each([
    `${CLIENT_ID}/`,
    'https://APP.example.com/oauth/client.json',
    'https://app.example.com/oauth/client.json?',
    'https://app.example.com:443/oauth/client.json',
    'https://other.example.com/oauth/client.json',
  ])('S40 refuses client_id %s that is not identical to the URL (no normalisation)', (clientId) => {
    expect(refusal({ ...valid, client_id: clientId })).toContain('does not match');
  });

  it('S40 refuses a document without redirect_uris, or with an empty or non-string list', () => {
    const { redirect_uris: _omit, ...withoutRedirects } = valid;
    expect(refusal(withoutRedirects)).toContain('redirect_uris');
    expect(refusal({ ...valid, redirect_uris: [] })).toContain('redirect_uris');
    expect(refusal({ ...valid, redirect_uris: 'https://app.example.com/cb' })).toContain('redirect_uris');
    expect(refusal({ ...valid, redirect_uris: [42] })).toContain('redirect_uris');
  });

  it('S40 refuses a document that carries client_secret or client_secret_expires_at', () => {
    expect(refusal({ ...valid, client_secret: 'shh' })).toContain('client_secret must not be present');
    expect(refusal({ ...valid, client_secret: null })).toContain('client_secret must not be present');
    expect(refusal({ ...valid, client_secret_expires_at: 0 })).toContain('client_secret_expires_at');
  });

  it('S40 descriptions never echo a secret from the document (S46)', () => {
    expect(refusal({ ...valid, client_secret: 'super-secret-value' })).not.toContain('super-secret-value');
  });

  it.each(['client_secret_basic', 'client_secret_post', 'client_secret_jwt'])(
    'S40 refuses token_endpoint_auth_method %s',
    (method) => {
      expect(refusal({ ...valid, token_endpoint_auth_method: method })).toContain('shared secret');
    },
  );

  it('S40 refuses an auth method that supportedAuthMethods does not list (private_key_jwt switched off)', () => {
    expect(refusal({ ...valid, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: JWKS_URI })).toContain(
      'not supported',
    );
    expect(refusal({ ...valid, token_endpoint_auth_method: 7 })).toContain('must be a string');
  });

  it.each([
    ['relative', '/callback', 'absolute'],
    ['fragment', 'https://app.example.com/cb#x', 'fragment'],
    ['wildcard', 'https://*.example.com/cb', 'wildcard'],
    ['javascript', 'javascript:alert(1)', 'not allowed'],
    ['data', 'data:text/html,hi', 'not allowed'],
    ['non-loopback http', 'http://app.example.com/cb', 'loopback'],
  ])('S40 refuses a %s redirect URI', (_, uri, rule) => {
    expect(refusal({ ...valid, redirect_uris: ['https://app.example.com/ok', uri] })).toContain(rule);
  });

  it('accepts loopback http and (for native clients) private-use scheme redirect URIs (RFC 8252)', () => {
    const uris = ['http://localhost/cb', 'http://[::1]:9000/cb', 'com.example.app:/oauth2redirect'];
    const document = { ...valid, application_type: 'native', redirect_uris: uris };
    expect(clientFromMetadataDocument(document, context).redirectUris).toEqual(uris);
  });

  it('S40 refuses mistyped optional fields', () => {
    expect(refusal({ ...valid, client_name: 42 })).toContain('client_name must be a string');
    expect(refusal({ ...valid, logo_uri: 'javascript:alert(1)' })).toContain('logo_uri');
    expect(refusal({ ...valid, grant_types: ['client_credentials'] })).toContain('authorization_code');
    expect(refusal({ ...valid, application_type: 'desktop' })).toContain('application_type');
  });

  it('S40 S65 a ChatGPT-shaped document (private_key_jwt, methods list, RS256, jwks_uri) gets private_key_jwt', () => {
    const client = clientFromMetadataDocument(
      {
        ...valid,
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
        token_endpoint_auth_signing_alg: 'RS256',
        jwks_uri: JWKS_URI,
      },
      withKeys,
    );
    expect(client.tokenEndpointAuthMethod).toBe('private_key_jwt');
    expect(client.jwksUri).toBe(JWKS_URI);
    expect(client.tokenEndpointAuthSigningAlg).toBe('RS256');
    expect(client.clientSecret).toBeUndefined();
    const inline = clientFromMetadataDocument(
      { ...valid, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [PUBLIC_RSA] } },
      withKeys,
    );
    expect(inline.tokenEndpointAuthMethod).toBe('private_key_jwt');
    expect(inline.jwks).toEqual({ keys: [PUBLIC_RSA] });
  });

  it('S40 S65 a document listing several methods gets one the server supports: private_key_jwt with keys, else none', () => {
    const listing = { ...valid, token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'] };
    const declaredKeyless = { ...listing, token_endpoint_auth_method: 'private_key_jwt' };
    expect(clientFromMetadataDocument(declaredKeyless, withKeys).tokenEndpointAuthMethod).toBe('none');
    expect(
      clientFromMetadataDocument({ ...declaredKeyless, jwks_uri: JWKS_URI }, context).tokenEndpointAuthMethod,
    ).toBe('none');
    const undeclared = { ...listing, token_endpoint_auth_method: undefined, jwks_uri: JWKS_URI };
    expect(clientFromMetadataDocument(undeclared, withKeys).tokenEndpointAuthMethod).toBe('none');
    const onlyListed = {
      ...valid,
      token_endpoint_auth_method: 'tls_client_auth',
      token_endpoint_auth_methods_supported: ['tls_client_auth', 'private_key_jwt', 'none'],
      jwks_uri: JWKS_URI,
    };
    expect(clientFromMetadataDocument(onlyListed, withKeys).tokenEndpointAuthMethod).toBe('private_key_jwt');
    expect(clientFromMetadataDocument({ ...onlyListed, jwks_uri: undefined }, withKeys).tokenEndpointAuthMethod).toBe(
      'none',
    );
  });

  it('S40 S65 refuses private_key_jwt without keys, with both jwks and jwks_uri, or with an http jwks_uri', () => {
    const pkjwt = { ...valid, token_endpoint_auth_method: 'private_key_jwt' };
    expect(refusalWithKeys(pkjwt)).toContain('needs jwks or jwks_uri');
    expect(refusalWithKeys({ ...pkjwt, jwks: { keys: [PUBLIC_RSA] }, jwks_uri: JWKS_URI })).toContain('both');
    expect(refusalWithKeys({ ...pkjwt, jwks_uri: 'http://app.example.com/jwks.json' })).toContain('https');
  });

  it('S40 S65 refuses inline jwks with private key material or symmetric keys', () => {
    const pkjwt = { ...valid, token_endpoint_auth_method: 'private_key_jwt' };
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
      expect(refusalWithKeys({ ...pkjwt, jwks: { keys: [{ ...PUBLIC_RSA, [member]: 'AQAB' }] } })).toContain(
        `private member "${member}"`,
      );
    }
    expect(refusalWithKeys({ ...pkjwt, jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } })).toContain('symmetric');
    expect(refusalWithKeys({ ...pkjwt, jwks: { keys: 'none' } })).toContain('non-empty array');
  });

  it('S40 S65 a shared-secret method is refused in token_endpoint_auth_methods_supported too', () => {
    expect(
      refusalWithKeys({
        ...valid,
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'none'],
      }),
    ).toContain('shared secret');
  });
});

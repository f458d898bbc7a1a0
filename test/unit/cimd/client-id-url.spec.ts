import { describe, expect, it } from 'vitest';
import { InvalidClientError } from '../../../lib/errors/index.js';
import { assertClientIdMetadataUrl, isClientIdMetadataUrl } from '../../../lib/cimd/index.js';

function refusal(url: string, options?: { allowPrivateNetworks?: boolean }): string {
  try {
    assertClientIdMetadataUrl(url, options);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidClientError);
    const oauth = error as InvalidClientError;
    expect(oauth.error).toBe('invalid_client');
    expect(oauth.getStatus()).toBe(401);
    return oauth.description ?? '';
  }
  throw new Error(`expected ${url} to be refused`);
}

describe('CIMD client_id URL rules (S41)', () => {
  it('recognises https client ids only', () => {
    expect(isClientIdMetadataUrl('https://app.example.com/client.json')).toBe(true);
    expect(isClientIdMetadataUrl('HTTPS://app.example.com/client.json')).toBe(true);
    expect(isClientIdMetadataUrl('http://app.example.com/client.json')).toBe(false);
    expect(isClientIdMetadataUrl('4f1c2a9e-client')).toBe(false);
    expect(isClientIdMetadataUrl(undefined)).toBe(false);
  });

  it('accepts a normalised https URL with a path, port and query', () => {
    for (const url of [
      'https://app.example.com/client.json',
      'https://app.example.com:8443/oauth/client?v=1',
      'https://app.example.com/a/b/',
    ]) {
      expect(assertClientIdMetadataUrl(url).href).toBe(url);
    }
  });

  it.each([
    ['http://app.example.com/client.json', 'https'],
    ['HTTPS://app.example.com/client.json', 'https'],
    ['https://user:pass@app.example.com/client.json', 'userinfo'],
    ['https://user@app.example.com/client.json', 'userinfo'],
    ['https://@app.example.com/client.json', 'userinfo'],
    ['https://app.example.com/client.json#frag', 'fragment'],
    ['https://app.example.com/client.json#', 'fragment'],
    ['https://app.example.com', 'path'],
    ['https://app.example.com/', 'path'],
    ['https://app.example.com?x=1', 'path'],
    ['https://app.example.com/a/../client.json', 'dot segments'],
    ['https://app.example.com/a/./client.json', 'dot segments'],
    ['https://app.example.com/a/%2e%2e/client.json', 'dot segments'],
    ['https://app.example.com/a/%2E/client.json', 'dot segments'],
    ['https://app.example.com/a/.%2e/client.json', 'dot segments'],
    ['https://app.example.com/..', 'dot segments'],
    ['https://app.example.com\\client.json', 'backslash'],
    ['https://app.example.com/client .json', 'printable ASCII'],
    ['https://app.example.com/cli\tent.json', 'printable ASCII'],
    ['https://bücher.example/client.json', 'printable ASCII'],
    ['https://App.Example.com/client.json', 'normalised'],
    ['https://app.example.com:443/client.json', 'normalised'],
    ['https://app.example.com/a/%7', 'percent-encoding'],
    [`https://app.example.com/${'a'.repeat(2100)}`, 'longer than'],
  ])('S41 refuses %s (%s) without connecting', (url, rule) => {
    expect(refusal(url)).toMatch(new RegExp(rule));
  });

  it.each([
    ['https://127.0.0.1/client.json', 'loopback'],
    ['https://10.1.2.3/client.json', 'private (RFC 1918)'],
    ['https://169.254.169.254/latest/meta-data', 'link-local'],
    ['https://100.64.1.1/client.json', 'CGNAT'],
    ['https://0.0.0.0/client.json', 'unspecified'],
    ['https://224.0.0.1/client.json', 'multicast'],
    ['https://[::1]/client.json', 'loopback'],
    ['https://[fd00::1]/client.json', 'unique local'],
    ['https://[fe80::1]/client.json', 'link-local'],
    ['https://[::ffff:127.0.0.1]/client.json', 'IPv4-mapped'],
    ['https://[::ffff:8.8.8.8]/client.json', 'IPv4-mapped'],
  ])('S41 refuses IP-literal host %s (%s)', (url, label) => {
    const description = refusal(url);
    expect(description).toContain('IP address');
    expect(description).toContain(label);
  });

  it('S41 refuses a public IP-literal host too', () => {
    expect(refusal('https://8.8.8.8/client.json')).toMatch(/the host is an IP address$/);
  });

  it.each([
    'https://2130706433/client.json',
    'https://0x7f.1/client.json',
    'https://0177.0.0.1/client.json',
    'https://127.1/client.json',
    'https://0x7f000001/client.json',
  ])('S41 IPv4 shorthand %s is normalised by WHATWG URL parsing to 127.0.0.1 and refused as loopback', (url) => {
    expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(refusal(url)).toContain('loopback');
  });

  it.each(['https://localhost/client.json', 'https://LOCALHOST./client.json', 'https://api.localhost/client.json'])(
    'S41 refuses the loopback name %s',
    (url) => {
      expect(refusal(url)).toContain('loopback name');
    },
  );

  it('S41 refuses a single-label host name', () => {
    expect(refusal('https://intranet/client.json')).toContain('fully qualified');
  });

  it('allowPrivateNetworks (tests/dev only) lets loopback hosts through, but not the other rules', () => {
    expect(
      assertClientIdMetadataUrl('https://localhost:8443/client.json', { allowPrivateNetworks: true }).hostname,
    ).toBe('localhost');
    expect(assertClientIdMetadataUrl('https://127.0.0.1:8443/client.json', { allowPrivateNetworks: true }).port).toBe(
      '8443',
    );
    expect(refusal('https://localhost/a/../client.json', { allowPrivateNetworks: true })).toContain('dot segments');
    expect(refusal('http://localhost/client.json', { allowPrivateNetworks: true })).toContain('https');
  });
});

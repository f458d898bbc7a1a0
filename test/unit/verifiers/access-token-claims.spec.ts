import { describe, expect, it } from 'vitest';
import { accessTokenFromClaims } from '../../../lib/verifiers/access-token-claims.js';

describe('accessTokenFromClaims (JWT and introspection claims → AccessToken)', () => {
  it('maps scope, client_id, sub, aud → resource, exp, iss', () => {
    const claims = {
      scope: 'a b',
      client_id: 'c',
      sub: 'alice',
      aud: 'https://mcp.example/mcp',
      exp: 10,
      iss: 'https://as',
    };
    expect(accessTokenFromClaims('t', claims)).toEqual({
      token: 't',
      clientId: 'c',
      scopes: ['a', 'b'],
      subject: 'alice',
      resource: 'https://mcp.example/mcp',
      expiresAt: 10,
      issuer: 'https://as',
      claims,
    });
  });

  it('accepts scp arrays, scp strings (Entra ID v2) and azp; refuses claims of the wrong type', () => {
    expect(accessTokenFromClaims('t', { scp: ['x'], azp: 'c', aud: ['r1', 'r2'] })).toMatchObject({
      scopes: ['x'],
      clientId: 'c',
      resource: ['r1', 'r2'],
    });
    expect(accessTokenFromClaims('t', { scp: 'notes:read  notes:write', azp: 'c' })?.scopes).toEqual([
      'notes:read',
      'notes:write',
    ]);
    expect(accessTokenFromClaims('t', { scp: 7, azp: 'c' })).toBeUndefined();
    expect(accessTokenFromClaims('t', { scope: 1, client_id: 'c' })).toBeUndefined();
    expect(accessTokenFromClaims('t', { scope: 'a' })).toBeUndefined();
    expect(accessTokenFromClaims('t', { client_id: 'c', aud: [1] })).toBeUndefined();
    expect(accessTokenFromClaims('t', { client_id: 'c', exp: '10' })).toBeUndefined();
  });
});

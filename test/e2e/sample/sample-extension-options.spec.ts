import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleAuthOptions } from '../../../sample/sample.module.js';
import { sampleSettingsFromEnv } from '../../../sample/sample-options.js';

describe('sample settings of the authorization extensions (S67, S68)', () => {
  it('S67 MACHINE_CLIENT_JWKS_FILE is read as the public JWKS of notes-bot-jwt; client credentials are on', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sample-jwks-')), 'jwks.json');
    const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' }] };
    writeFileSync(file, JSON.stringify(jwks));
    const { options } = sampleSettingsFromEnv({ MACHINE_CLIENT_JWKS_FILE: file });
    expect(options.machineClientJwks).toEqual(jwks);
    expect(sampleAuthOptions(options).clientCredentials).toEqual({ enabled: true });
  });

  it('S68 ENTERPRISE_IDP_ISSUER and ENTERPRISE_IDP_JWKS_URL together configure the trusted IdP; sub maps to a demo user only', async () => {
    const { options } = sampleSettingsFromEnv({
      ENTERPRISE_IDP_ISSUER: 'http://127.0.0.1:9000',
      ENTERPRISE_IDP_JWKS_URL: 'http://127.0.0.1:9000/jwks',
    });
    const emp = sampleAuthOptions(options).enterpriseManagedAuthorization!;
    expect(emp.identityProviders).toEqual([{ issuer: 'http://127.0.0.1:9000', jwksUrl: 'http://127.0.0.1:9000/jwks' }]);
    const subject = (sub: string) =>
      emp.mapSubject!({ issuer: 'http://127.0.0.1:9000', subject: sub, clientId: 'c', claims: {} });
    expect(await subject('alice')).toBe('alice');
    expect(await subject('mallory')).toBeUndefined();
    expect(await subject('constructor')).toBeUndefined();
    expect(sampleAuthOptions(sampleSettingsFromEnv({}).options).enterpriseManagedAuthorization).toBeUndefined();
  });

  it('S68 only one of the two IdP variables is a startup error', () => {
    expect(() => sampleSettingsFromEnv({ ENTERPRISE_IDP_ISSUER: 'https://idp.example' })).toThrow(/both/);
  });
});

import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../../e2e/cimd/self-signed-certificate.js';

describe('test helper: self-signed certificate', () => {
  it('always encodes a parseable certificate (random serials included)', () => {
    for (let i = 0; i < 2000; i++) {
      const { certPem } = createSelfSignedCertificate();
      expect(() => new X509Certificate(certPem)).not.toThrow();
    }
  });
});

import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpAuthModule } from '../../lib/mcp-auth.module.js';
import { DefaultOAuthProvider } from '../../lib/provider/default-oauth-provider.js';
import { MemoryOAuthStore } from '../../lib/stores/memory-oauth-store.js';
import { pkcePair } from '../support/as-test-app.js';
import { ecKeyPem } from '../support/provider-fixtures.js';
import { createTestApplication } from '../support/test-app.js';

const ISSUER = 'http://127.0.0.1:4500';
const REDIRECT = 'http://127.0.0.1:7000/callback';
const ABUSE_REQUESTS = 1000;
const ABUSIVE_VALUE = 'x'.repeat(60 * 1024);
/** Stated bound: what 1000 abusive authorize requests plus 1000 abusive registrations may add to the heap. */
const HEAP_GROWTH_BOUND_BYTES = 8 * 1024 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;

function heapUsedAfterGc(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

async function inBatches(count: number, send: () => Promise<void>, batch = 25): Promise<void> {
  for (let sent = 0; sent < count; sent += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - sent) }, send));
  }
}

describe('S57 memory stays bounded under abuse (1000 × 60 KB state, 1000 × 60 KB contacts)', () => {
  let app: INestApplication;
  let store: MemoryOAuthStore;
  let clientId: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    store = new MemoryOAuthStore({ sweepIntervalMs: 0 });
    const provider = new DefaultOAuthProvider({
      store,
      signingKeys: [{ kid: 'k1', privateKey: ecKeyPem().privateKey }],
      users: { alice: { password: 'wonderland' } },
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        McpAuthModule.forRoot({
          issuerUrl: ISSUER,
          resourceServerUrl: `${ISSUER}/mcp`,
          provider,
          scopesSupported: ['notes:read'],
          rateLimits: false,
        }),
      ],
    }).compile();
    app = createTestApplication(moduleRef, { logger: false });
    await app.init();
    const registered = await http()
      .post('/register')
      .send({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' })
      .expect(201);
    clientId = registered.body.client_id;
  });
  afterAll(() => app.close());

  const authorizeForm = (state: string) => ({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    scope: 'notes:read',
    state,
  });

  it(`S57 heap growth stays under ${HEAP_GROWTH_BOUND_BYTES / 1024 / 1024} MiB and nothing is stored; normal traffic still works`, async () => {
    const clientsBefore = store.clientCount;
    const before = heapUsedAfterGc();

    await inBatches(ABUSE_REQUESTS, async () => {
      const res = await http().post('/authorize').type('form').send(authorizeForm(ABUSIVE_VALUE));
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
    });
    await inBatches(ABUSE_REQUESTS, async () => {
      const res = await http()
        .post('/register')
        .send({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', contacts: [ABUSIVE_VALUE] });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_client_metadata');
    });

    const growth = heapUsedAfterGc() - before;
    console.info(
      `S57 heap growth after ${ABUSE_REQUESTS} abusive authorize + ${ABUSE_REQUESTS} abusive registrations: ` +
        `${(growth / 1024 / 1024).toFixed(2)} MiB (gc ${gc ? 'exposed' : 'not exposed'})`,
    );
    expect(store.size).toBe(0);
    expect(store.clientCount).toBe(clientsBefore);
    if (gc) expect(growth).toBeLessThan(HEAP_GROWTH_BOUND_BYTES);

    const normal = await http().post('/authorize').type('form').send(authorizeForm('a-normal-state'));
    expect(normal.status).toBe(303);
    expect(new URL(normal.headers.location!).pathname).toBe('/consent');
    expect(store.size).toBe(1);
    const registration = await http()
      .post('/register')
      .send({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', contacts: ['ops@example.com'] });
    expect(registration.status).toBe(201);
    const stored = await store.getClient(registration.body.client_id);
    expect(stored?.unconfirmedExpiresAtMs).toBeGreaterThan(Date.now() + 86_400_000 - 60_000);
    expect(stored?.unconfirmedExpiresAtMs).toBeLessThanOrEqual(Date.now() + 86_400_000);
  }, 120_000);

  it('S57 the global cap holds even for valid requests: pending interactions never exceed maxInteractions', async () => {
    const capped = new MemoryOAuthStore({ sweepIntervalMs: 0, maxInteractions: 100 });
    const record = (n: number) => ({
      clientId: 'c',
      clientRedirectsOnlyToLoopback: true,
      state: 's'.repeat(1024),
      scopes: ['notes:read'],
      codeChallenge: 'x'.repeat(43),
      redirectUri: REDIRECT,
      redirectUriProvidedExplicitly: true,
      csrfToken: `t${n}`,
      expiresAtMs: Date.now() + 600_000,
    });
    for (let n = 0; n < ABUSE_REQUESTS; n++) await capped.saveInteraction(`i${n}`, record(n));
    expect(capped.size).toBe(100);
    expect(await capped.getInteraction('i0')).toBeUndefined();
    expect((await capped.getInteraction(`i${ABUSE_REQUESTS - 1}`))?.csrfToken).toBe(`t${ABUSE_REQUESTS - 1}`);
    capped.close();
  });
});

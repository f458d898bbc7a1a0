import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  announcePostgresSkip,
  createTestSchema,
  postgresUnavailableReason,
  type TestSchema,
} from '../../support/postgres-server.js';
import { type SampleProcess, ensureSampleBuilt, startSampleProcess } from './sample-process.js';

announcePostgresSkip('sample on PostgreSQL (S70)');

/** `DATABASE_URL=… npm run sample`: the built sample process on PostgreSQL, migrated at start, durable across restarts. */
describe.skipIf(postgresUnavailableReason())('sample on PostgreSQL (DATABASE_URL)', () => {
  let db: TestSchema;
  let sample: SampleProcess | undefined;
  const env = () => ({ DATABASE_URL: db.url, PGOPTIONS: `-csearch_path=${db.schema}` });
  const stop = async () => {
    if (sample && sample.child.exitCode === null && sample.child.signalCode === null) {
      sample.child.kill('SIGKILL');
      await sample.exited;
    }
  };

  beforeAll(async () => {
    ensureSampleBuilt();
    db = await createTestSchema('sample', { migrate: false });
  }, 180_000);
  afterAll(async () => {
    await stop();
    await db?.drop();
  });

  it('S70 migrates at start, keeps a registered client in PostgreSQL, and still knows it after a restart', async () => {
    sample = await startSampleProcess(env());
    expect(sample.output()).toContain('Store: PostgreSQL');
    const registered = await fetch(`${sample.baseUrl}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        redirect_uris: ['http://127.0.0.1:9/cb'],
        token_endpoint_auth_method: 'none',
        client_name: 'Durable',
      }),
    });
    expect(registered.status).toBe(201);
    const { client_id: clientId } = (await registered.json()) as { client_id: string };
    const { rows } = await db.pool().query('SELECT client_id FROM mcp_auth_clients');
    expect(rows.map((row) => row.client_id)).toContain(clientId);

    await stop();
    sample = await startSampleProcess(env());
    const authorize = await fetch(
      `${sample.baseUrl}/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: 'http://127.0.0.1:9/cb',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      })}`,
      { redirect: 'manual' },
    );
    expect(authorize.status).toBe(302);
    expect(authorize.headers.get('location')).toContain('interaction=');
  }, 60_000);
});

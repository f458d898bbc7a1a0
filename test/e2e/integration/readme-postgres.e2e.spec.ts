import { Injectable, Logger, Module } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DefaultOAuthProvider,
  McpAuthModule,
  type McpAuthEvent,
  McpAuthOperations,
  POSTGRES_FAIL_FAST_OPTIONS,
  PostgresOAuthStore,
} from '../../../lib/index.js';
import { HtmlUserAgent } from '../../support/html-user-agent.js';
import {
  announcePostgresSkip,
  createTestSchema,
  postgresUnavailableReason,
  type TestSchema,
} from '../../support/postgres-server.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';
import { freeLoopbackPort } from '../../support/redis-server.js';
import {
  type AsMetadata,
  authorizeThroughPages,
  registerPublicClient,
  REDIRECT_URI,
  tokenRequest,
} from '../sample/sample-client.js';
import { createTestApplicationFromModule } from '../../support/test-app.js';

announcePostgresSkip('README PostgreSQL, operations and events examples');

/** README "Operations": an application service built on McpAuthOperations. */
@Injectable()
class Offboarding {
  constructor(private readonly operations: McpAuthOperations) {}

  /** Someone left: every grant of theirs ends now. */
  userLeft(subject: string): Promise<number> {
    return this.operations.revokeAllOfUser(subject);
  }

  /** What a user has authorized (for a support screen). */
  grantsOf(subject: string) {
    return this.operations.grantsOfUser(subject);
  }

  removeClient(clientId: string): Promise<void> {
    return this.operations.deleteClient(clientId);
  }
}

/** README "Events": a logger and a metric per event type (`prom-client`'s `Counter.inc` in a real app). */
const logger = new Logger('OAuthEvents');
const eventCounts = new Map<string, number>();
function onEvent(event: McpAuthEvent): void {
  eventCounts.set(event.type, (eventCounts.get(event.type) ?? 0) + 1);
  if (event.type === 'refresh.reuse_detected')
    logger.warn(`replayed ${event.credential} on grant ${event.grantId} (client ${event.clientId}): grant revoked`);
}

/** `@nestjs/event-emitter`'s EventEmitter2 has the same `emit(name, payload)` as this emitter. */
const eventEmitter = new EventEmitter();

function appModule(issuer: string, db: TestSchema) {
  @Module({
    imports: [
      McpAuthModule.forRootAsync({
        useFactory: async () => {
          // README: new Pool({ connectionString: process.env.DATABASE_URL, ...POSTGRES_FAIL_FAST_OPTIONS })
          // (here on a private schema of the test database).
          const pool = new Pool({
            connectionString: db.url,
            ...POSTGRES_FAIL_FAST_OPTIONS,
            options: `-c search_path=${db.schema}`,
          });
          pools.push(pool);
          const store = await PostgresOAuthStore.open({ pool, migrate: true });
          return {
            issuerUrl: issuer,
            resourceServerUrl: `${issuer}/mcp`,
            scopesSupported: ['notes:read', 'notes:write'],
            rateLimits: false,
            provider: new DefaultOAuthProvider({
              store,
              signingKeys: [{ kid: 'k', privateKey: ecKeyPem().privateKey }],
              users: async (username, password) =>
                username === 'alice' && password === 'alice' ? { subject: 'alice' } : undefined,
            }),
            onEvent: (event) => {
              onEvent(event);
              eventEmitter.emit(event.type, event);
            },
          };
        },
      }),
    ],
    providers: [Offboarding],
  })
  class AppModule {}
  return AppModule;
}

const pools: Pool[] = [];

describe.skipIf(postgresUnavailableReason())('README: PostgreSQL store, operations and events', () => {
  let db: TestSchema;
  let app: INestApplication;
  let issuer: string;
  const tokensIssued: McpAuthEvent[] = [];

  beforeAll(async () => {
    db = await createTestSchema('readme', { migrate: false });
    const port = await freeLoopbackPort();
    issuer = `http://127.0.0.1:${port}`;
    eventEmitter.on('tokens.issued', (event: McpAuthEvent) => tokensIssued.push(event));
    app = await createTestApplicationFromModule(appModule(issuer, db), { logger: false });
    await app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all(pools.map((pool) => pool.end()));
    await db?.drop();
  });

  it('S70 the README example migrates, serves a flow from PostgreSQL, lists and revokes through McpAuthOperations, and reports events', async () => {
    const metadata = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as AsMetadata;
    const client = (await (await registerPublicClient(metadata, 'README client')).json()) as { client_id: string };
    const outcome = await authorizeThroughPages(new HtmlUserAgent(), metadata, client.client_id, {
      scope: 'notes:read',
      resource: `${issuer}/mcp`,
      user: 'alice',
      password: 'alice',
    });
    const token = await tokenRequest(metadata, {
      grant_type: 'authorization_code',
      code: outcome.callback.searchParams.get('code')!,
      redirect_uri: REDIRECT_URI,
      code_verifier: outcome.verifier,
      client_id: client.client_id,
      resource: `${issuer}/mcp`,
    });
    expect(token.status).toBe(200);
    const { refresh_token: refreshToken } = (await token.json()) as { refresh_token: string };

    const { rows } = await db.pool().query('SELECT count(*)::int AS n FROM mcp_auth_grants');
    expect(rows[0].n).toBe(1);

    const offboarding = app.get(Offboarding);
    expect((await offboarding.grantsOf('alice')).map((g) => g.clientId)).toEqual([client.client_id]);
    expect(await offboarding.userLeft('alice')).toBe(1);
    const refused = await tokenRequest(metadata, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: client.client_id,
    });
    expect(refused.status).toBe(400);
    await offboarding.removeClient(client.client_id);

    expect(eventCounts.get('client.registered')).toBe(1);
    expect(eventCounts.get('consent.given')).toBe(1);
    expect(eventCounts.get('grant.revoked')).toBe(1);
    expect(tokensIssued).toHaveLength(1);
  });
});

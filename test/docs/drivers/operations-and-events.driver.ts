import type { INestApplication, Type } from '@nestjs/common';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tokenRequest } from '../../e2e/sample/sample-client.js';
import { type DocBlockDriver, setEnv } from '../../support/doc-block-runtime.js';
import { freeLoopbackPort } from '../../support/redis-server.js';
import { createTestApplicationFromModule } from '../../support/test-app.js';
import { tokenThroughPages } from '../../support/token-through-pages.js';

interface OffboardingService {
  userLeft(subject: string): Promise<number>;
  grantsOf(subject: string): Promise<Array<{ clientId: string }>>;
  removeClient(clientId: string): Promise<void>;
}

/** docs/production.md, "Operations and events": McpAuthOperations in an app service, onEvent counting events. */
const operationsAndEvents: DocBlockDriver = (block) => {
  let app: INestApplication;
  let baseUrl: string;
  let events: Map<string, number>;
  let Offboarding: Type<OffboardingService>;
  let restoreEnv: () => void;

  beforeAll(async () => {
    const port = await freeLoopbackPort();
    baseUrl = `http://127.0.0.1:${port}`;
    restoreEnv = setEnv({ BASE_URL: baseUrl });
    const { exports } = await block.run();
    events = exports.oauthEvents as Map<string, number>;
    Offboarding = exports.Offboarding as typeof Offboarding;
    app = await createTestApplicationFromModule(exports.AppModule, { logger: false });
    await app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    restoreEnv?.();
  });

  it('S70 lists the grant of a signed-in user, offboards the user (refresh refused), deletes the client, and counts each event once', async () => {
    const { clientId, refreshToken, metadata } = await tokenThroughPages(baseUrl, 'notes:read');
    expect(refreshToken).toEqual(expect.any(String));
    const offboarding = app.get(Offboarding);
    expect((await offboarding.grantsOf('alice')).map((grant) => grant.clientId)).toEqual([clientId]);
    expect(await offboarding.userLeft('alice')).toBe(1);
    const refused = await tokenRequest(metadata, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken!,
      client_id: clientId,
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_grant');
    await offboarding.removeClient(clientId);
    expect(Object.fromEntries(events)).toMatchObject({
      'client.registered': 1,
      'consent.given': 1,
      'tokens.issued': 1,
      'grant.revoked': 1,
    });
  });
};

export default operationsAndEvents;

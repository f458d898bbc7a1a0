import type { Type } from '@nestjs/common';
import { expect, it } from 'vitest';
import { tokenRequest } from '../../e2e/sample/sample-client.js';
import { bootBlockAppModule, type DocBlockDriver } from '../../support/doc-block-runtime.js';
import { tokenThroughPages } from '../../support/token-through-pages.js';

interface OffboardingService {
  userLeft(subject: string): Promise<number>;
  grantsOf(subject: string): Promise<Array<{ clientId: string }>>;
  removeClient(clientId: string): Promise<void>;
}

/** docs/production.md, "Operations and events": McpAuthOperations in an app service, onEvent counting events. */
const operationsAndEvents: DocBlockDriver = (block) => {
  const booted = bootBlockAppModule(block, {}, { listen: true });
  const events = () => booted.exports().oauthEvents as Map<string, number>;
  const Offboarding = () => booted.exports().Offboarding as Type<OffboardingService>;

  it('S70 lists the grant of a signed-in user, offboards the user (refresh refused), deletes the client, and counts each event once', async () => {
    const { clientId, refreshToken, metadata } = await tokenThroughPages(booted.baseUrl(), 'notes:read');
    expect(refreshToken).toEqual(expect.any(String));
    const offboarding = booted.app().get(Offboarding());
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
    expect(Object.fromEntries(events())).toMatchObject({
      'client.registered': 1,
      'consent.given': 1,
      'tokens.issued': 1,
      'grant.revoked': 1,
    });
  });
};

export default operationsAndEvents;

import request from 'supertest';
import { expect, it } from 'vitest';
import { bootBlockAppModule, type DocBlockDriver } from '../../support/doc-block-runtime.js';

/** docs/extensions.md, client credentials: the block's machine client, and the request the page shows with curl. */
const clientCredentials: DocBlockDriver = (block) => {
  const { app } = bootBlockAppModule(block, { NOTES_BOT_SECRET: 'notes-bot-secret' });

  const tokenRequest = (scope: string) =>
    request(app().getHttpServer())
      .post('/token')
      .auth('notes-bot', 'notes-bot-secret')
      .type('form')
      .send({ grant_type: 'client_credentials', scope, resource: 'http://localhost:3000/mcp' });

  it('S67 the curl request gets a machine token for the MCP URL and no refresh token', async () => {
    const response = await tokenRequest('notes:read').expect(200);
    expect(response.body).toMatchObject({ token_type: 'Bearer', scope: 'notes:read' });
    expect(response.body.refresh_token).toBeUndefined();
    const claims = JSON.parse(Buffer.from(response.body.access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({
      sub: 'notes-bot',
      client_id: 'notes-bot',
      subject_type: 'machine',
      aud: 'http://localhost:3000/mcp',
    });
  });

  it('S67 a scope outside the registered set is invalid_scope', async () => {
    const response = await tokenRequest('notes:write').expect(400);
    expect(response.body.error).toBe('invalid_scope');
  });
};

export default clientCredentials;

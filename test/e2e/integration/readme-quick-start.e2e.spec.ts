import { Body, Controller, HttpCode, Injectable, type INestApplication, Module, Post, UseGuards } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthContext,
  BearerAuthGuard,
  DefaultOAuthProvider,
  McpAuthModule,
  McpToolName,
  MemoryOAuthStore,
  RequireScopes,
} from '../../../lib/index.js';
import { HtmlUserAgent } from '../../support/html-user-agent.js';
import { ecKeyPem } from '../../support/provider-fixtures.js';
import {
  type AsMetadata,
  authorizeThroughPages,
  parseBearerChallenge,
  registerPublicClient,
  REDIRECT_URI,
  tokenRequest,
} from '../sample/sample-client.js';
import { createTestApplicationFromModule } from '../../support/test-app.js';

/** The README's quick start, verbatim but for loopback URLs, a test key and a JSON reply. */
/** Notes the tool added (the service is request-scoped, so the record lives outside it). */
const added: string[] = [];

@Injectable()
class NotesTools {
  constructor(private readonly auth: AuthContext) {}

  @McpToolName('add_note')
  @RequireScopes('notes:write')
  addNote(text: string) {
    added.push(text);
    return { owner: this.auth.subject, text };
  }
}

@Controller('mcp')
@UseGuards(BearerAuthGuard)
@RequireScopes('notes:read')
class McpController {
  constructor(private readonly tools: NotesTools) {}
  @Post()
  @HttpCode(200)
  handle(@Body() body: { params?: { arguments?: { text?: string } } }) {
    return this.tools.addNote(body.params?.arguments?.text ?? '');
  }
}

function appModule(issuer: string) {
  @Module({
    imports: [
      McpAuthModule.forRootAsync({
        useFactory: () => ({
          issuerUrl: issuer,
          resourceServerUrl: `${issuer}/mcp`,
          scopesSupported: ['notes:read', 'notes:write'],
          rateLimits: false,
          provider: new DefaultOAuthProvider({
            store: new MemoryOAuthStore(),
            signingKeys: [{ kid: 'k', privateKey: ecKeyPem().privateKey }],
            users: async (username, password) =>
              username === 'alice' && password === 'alice' ? { subject: 'alice' } : undefined,
          }),
        }),
      }),
    ],
    controllers: [McpController],
    providers: [NotesTools],
  })
  class AppModule {}
  return AppModule;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const addNote = {
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'add_note', arguments: { text: 'hi' } },
};

describe('README quick start, over real HTTP', () => {
  let app: INestApplication;
  let issuer: string;

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    app = await createTestApplicationFromModule(appModule(issuer), { logger: false });
    await app.listen(port, '127.0.0.1');
  });
  afterAll(() => app.close());

  const post = (token: string | undefined) =>
    fetch(`${issuer}/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(addNote),
    });

  async function tokenFor(scope: string): Promise<string> {
    const metadata = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as AsMetadata;
    const client = (await (await registerPublicClient(metadata, 'Quick start client')).json()) as { client_id: string };
    const outcome = await authorizeThroughPages(new HtmlUserAgent(), metadata, client.client_id, {
      scope,
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
    return ((await token.json()) as { access_token: string }).access_token;
  }

  it('S1 S27 answers 401 with the metadata URL, which names this authorization server', async () => {
    const res = await post(undefined);
    expect(res.status).toBe(401);
    const challenge = parseBearerChallenge(res.headers.get('www-authenticate'));
    const prm = (await (await fetch(challenge.resource_metadata!)).json()) as Record<string, unknown>;
    expect(prm.resource).toBe(`${issuer}/mcp`);
    expect(prm.authorization_servers).toEqual([issuer]);
  });

  it('S7 a notes:read token gets 403 naming notes:write before the tool runs; a stepped-up token calls it', async () => {
    const readOnly = await post(await tokenFor('notes:read'));
    expect(readOnly.status).toBe(403);
    expect(parseBearerChallenge(readOnly.headers.get('www-authenticate'))).toMatchObject({
      error: 'insufficient_scope',
      scope: 'notes:read notes:write',
    });
    expect(added).toEqual([]);
    const readWrite = await post(await tokenFor('notes:read notes:write'));
    expect(readWrite.status).toBe(200);
    expect(await readWrite.json()).toEqual({ owner: 'alice', text: 'hi' });
    expect(added).toEqual(['hi']);
  });
});

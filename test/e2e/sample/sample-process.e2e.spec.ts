import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HtmlUserAgent } from '../../support/html-user-agent.js';
import {
  type AsMetadata,
  REDIRECT_URI,
  asMetadataUrl,
  authorizeThroughPages,
  callTool,
  mcpInitialize,
  parseBearerChallenge,
  registerPublicClient,
  tokenRequest,
} from './sample-client.js';
import { type SampleProcess, ensureSampleBuilt, startSampleProcess } from './sample-process.js';

/**
 * The sample as a user runs it: a real `node dist/sample/main.js` process,
 * driven over HTTP like an MCP client and a browser would.
 */
describe('sample MCP server as a process (e2e)', () => {
  let sample: SampleProcess;
  let metadata: AsMetadata;
  let clientId: string;
  const alice = new HtmlUserAgent();
  let aliceReadToken: string;
  let aliceWriteToken: string;

  beforeAll(async () => {
    ensureSampleBuilt();
    sample = await startSampleProcess();
  }, 120_000);

  afterAll(async () => {
    if (sample && sample.child.exitCode === null && sample.child.signalCode === null) {
      sample.child.kill('SIGKILL');
      await sample.exited;
    }
  });

  it('logs the MCP URL on start', () => {
    expect(sample.mcpUrl).toBe(`${sample.baseUrl}/mcp`);
    expect(sample.output()).toContain('Demo users: alice/alice, bob/bob');
  });

  it('S1 GET /mcp without a token: 401 with resource_metadata and the scope to ask for', async () => {
    const res = await fetch(sample.mcpUrl);
    expect(res.status).toBe(401);
    const challenge = parseBearerChallenge(res.headers.get('www-authenticate'));
    expect(challenge).toEqual({
      resource_metadata: `${sample.baseUrl}/.well-known/oauth-protected-resource/mcp`,
      scope: 'notes:read',
    });
  });

  it('discovery: protected-resource metadata names the issuer, whose metadata lists the endpoints', async () => {
    const challenge = parseBearerChallenge((await fetch(sample.mcpUrl)).headers.get('www-authenticate'));
    const prm = await fetch(challenge.resource_metadata);
    expect(prm.status).toBe(200);
    const resource = (await prm.json()) as Record<string, unknown>;
    expect(resource).toMatchObject({
      resource: sample.mcpUrl,
      authorization_servers: [sample.baseUrl],
      scopes_supported: ['notes:read', 'notes:write', 'notes'],
    });
    const asResponse = await fetch(asMetadataUrl((resource.authorization_servers as string[])[0]));
    expect(asResponse.status).toBe(200);
    metadata = (await asResponse.json()) as AsMetadata;
    expect(metadata.issuer).toBe(sample.baseUrl);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.authorization_endpoint).toBe(`${sample.baseUrl}/authorize`);
    expect(metadata.token_endpoint).toBe(`${sample.baseUrl}/token`);
    expect(metadata.registration_endpoint).toBe(`${sample.baseUrl}/register`);
    expect((metadata as Record<string, unknown>).client_id_metadata_document_supported).toBe(true);
  });

  it('dynamic registration of a public client', async () => {
    const res = await registerPublicClient(metadata, 'Sample e2e client');
    expect(res.status).toBe(201);
    const client = (await res.json()) as Record<string, unknown>;
    expect(client.client_id).toEqual(expect.any(String));
    expect(client.client_secret).toBeUndefined();
    expect(client.token_endpoint_auth_method).toBe('none');
    expect(client.redirect_uris).toEqual([REDIRECT_URI]);
    clientId = client.client_id as string;
  });

  it('S29 alice signs in through the HTML pages and approves: 303 to the client with code, state and iss', async () => {
    const outcome = await authorizeThroughPages(alice, metadata, clientId, {
      scope: 'notes:read',
      resource: sample.mcpUrl,
      user: 'alice',
      password: 'alice',
    });
    expect(outcome.loggedIn).toBe(true);
    const consentAnswer = outcome.pages.at(-1)!.response;
    expect(consentAnswer.status).toBe(303);
    expect(`${outcome.callback.origin}${outcome.callback.pathname}`).toBe(REDIRECT_URI);
    expect(outcome.callback.searchParams.get('state')).toBe(outcome.state);
    expect(outcome.callback.searchParams.get('iss')).toBe(sample.baseUrl);
    const code = outcome.callback.searchParams.get('code');
    expect(code).toEqual(expect.any(String));

    const res = await tokenRequest(metadata, {
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
      code_verifier: outcome.verifier,
      resource: sample.mcpUrl,
    });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as Record<string, unknown>;
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'notes:read' });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    aliceReadToken = tokens.access_token as string;
  });

  it('initialize and list_notes over Streamable HTTP with the token', async () => {
    const init = await mcpInitialize(sample.mcpUrl, aliceReadToken);
    expect(init.status).toBe(200);
    expect(init.body.result.serverInfo.name).toBe('nestjs-mcp-auth-sample-notes');
    expect(init.body.result.capabilities.tools).toBeDefined();
    const list = await callTool(sample.mcpUrl, aliceReadToken, 'list_notes');
    expect(list.status).toBe(200);
    expect(list.body.result.isError).toBeUndefined();
    expect(list.data).toEqual({ notes: [] });
    const who = await callTool(sample.mcpUrl, aliceReadToken, 'whoami');
    expect(who.data).toMatchObject({ subject: 'alice', clientId, scopes: ['notes:read'] });
    expect(JSON.stringify(who.body)).not.toContain(aliceReadToken);
  });

  it('GET /mcp with a valid token: 405 (stateless server, no SSE stream)', async () => {
    const res = await fetch(sample.mcpUrl, { headers: { Authorization: `Bearer ${aliceReadToken}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('S7 add_note with a notes:read token: 403 insufficient_scope naming notes:write, tool not run', async () => {
    const denied = await callTool(sample.mcpUrl, aliceReadToken, 'add_note', { text: 'must not be stored' });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('insufficient_scope');
    const challenge = parseBearerChallenge(denied.headers.get('www-authenticate'));
    expect(challenge.error).toBe('insufficient_scope');
    expect(challenge.scope.split(' ')).toEqual(expect.arrayContaining(['notes:write', 'notes:read']));
    expect(challenge.resource_metadata).toBe(`${sample.baseUrl}/.well-known/oauth-protected-resource/mcp`);
    expect((await callTool(sample.mcpUrl, aliceReadToken, 'list_notes')).data).toEqual({ notes: [] });
  });

  it('S7 step-up: authorize again with notes:read notes:write (session kept, consent again), then add_note works', async () => {
    const outcome = await authorizeThroughPages(alice, metadata, clientId, {
      scope: 'notes:read notes:write',
      resource: sample.mcpUrl,
      user: 'alice',
      password: 'alice',
    });
    expect(outcome.loggedIn).toBe(false);
    expect(outcome.callback.searchParams.get('iss')).toBe(sample.baseUrl);
    const res = await tokenRequest(metadata, {
      grant_type: 'authorization_code',
      code: outcome.callback.searchParams.get('code')!,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
      code_verifier: outcome.verifier,
      resource: sample.mcpUrl,
    });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as Record<string, string>;
    expect(tokens.scope.split(' ').sort()).toEqual(['notes:read', 'notes:write']);
    aliceWriteToken = tokens.access_token;

    const added = await callTool(sample.mcpUrl, aliceWriteToken, 'add_note', { text: 'buy milk' });
    expect(added.status).toBe(200);
    expect(added.body.result.isError).toBeUndefined();
    expect(added.data.note).toMatchObject({ text: 'buy milk' });
    const list = await callTool(sample.mcpUrl, aliceWriteToken, 'list_notes');
    expect(list.data.notes.map((note: { text: string }) => note.text)).toEqual(['buy milk']);
  });

  it("notes are per user: bob sees none of alice's notes", async () => {
    const bob = new HtmlUserAgent();
    const outcome = await authorizeThroughPages(bob, metadata, clientId, {
      scope: 'notes:read',
      resource: sample.mcpUrl,
      user: 'bob',
      password: 'bob',
    });
    const res = await tokenRequest(metadata, {
      grant_type: 'authorization_code',
      code: outcome.callback.searchParams.get('code')!,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
      code_verifier: outcome.verifier,
      resource: sample.mcpUrl,
    });
    const bobToken = ((await res.json()) as Record<string, string>).access_token;
    expect((await callTool(sample.mcpUrl, bobToken, 'whoami')).data.subject).toBe('bob');
    expect((await callTool(sample.mcpUrl, bobToken, 'list_notes')).data).toEqual({ notes: [] });
  });

  it('S46 the log never contains an access token', () => {
    const log = sample.output();
    expect(log).not.toContain(aliceReadToken);
    expect(log).not.toContain(aliceWriteToken);
  });

  it('SIGTERM: the process stops with exit code 0 within 10 s', async () => {
    sample.child.kill('SIGTERM');
    const code = await Promise.race([
      sample.exited,
      new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref()),
    ]);
    expect(code).toBe(0);
  });
});

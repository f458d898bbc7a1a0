import { createHash, randomBytes } from 'node:crypto';
import { type FollowResult, type HtmlUserAgent, formWithField } from '../../support/html-user-agent.js';

/**
 * What an MCP client does against the sample, step by step, with plain
 * `fetch`: discovery, dynamic registration, authorization code + PKCE through
 * the HTML login and consent pages, token exchange, and JSON-RPC over
 * Streamable HTTP. Each step returns the raw responses so tests can assert them.
 */

/** The client's redirect URI: on loopback, nothing listens there (the agent stops before it). */
export const REDIRECT_URI = 'http://127.0.0.1:59999/callback';

/** Parameters of one `WWW-Authenticate: Bearer ...` challenge (RFC 6750 §3). */
export function parseBearerChallenge(header: string | null): Record<string, string> {
  if (!header || !/^Bearer(\s|$)/i.test(header)) throw new Error(`Not a Bearer challenge: ${header}`);
  const params: Record<string, string> = {};
  const bearer = header.split(/,\s*DPoP(?:\s|$)/i)[0]!;
  for (const match of bearer.slice(6).matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/gi)) {
    params[match[1]] = match[2].replace(/\\(.)/g, '$1');
  }
  return params;
}

/** An authorization server's metadata (RFC 8414), the fields used here. */
export interface AsMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  registration_endpoint: string;
  code_challenge_methods_supported: string[];
  [key: string]: unknown;
}

/** The URL of RFC 8414 metadata for `issuer` (path inserted after `/.well-known/...`). */
export function asMetadataUrl(issuer: string): string {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}/.well-known/oauth-authorization-server${path}`;
}

/** Registers a public client (RFC 7591) and returns the parsed response. */
export async function registerPublicClient(metadata: AsMetadata, clientName: string): Promise<Response> {
  return fetch(metadata.registration_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({
      client_name: clientName,
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    }),
  });
}

/** A PKCE pair (RFC 7636 §4.1, §4.2 S256). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The outcome of an authorization request driven through the HTML pages. */
export interface AuthorizationOutcome {
  /** The redirect to the client that the agent stopped at. */
  callback: URL;
  state: string;
  verifier: string;
  /** Every response on the way (authorize, login, consent). */
  pages: FollowResult[];
  /** True when the login page was shown. */
  loggedIn: boolean;
}

/**
 * Sends the user agent to the authorization endpoint with PKCE S256, `resource`
 * and `scope`; signs in as `user` when the login page appears; approves consent.
 * Stops at the redirect to {@link REDIRECT_URI}.
 */
export async function authorizeThroughPages(
  agent: HtmlUserAgent,
  metadata: AsMetadata,
  clientId: string,
  options: { scope: string; resource: string; user: string; password: string },
): Promise<AuthorizationOutcome> {
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(16).toString('base64url');
  const url = new URL(metadata.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    scope: options.scope,
    resource: options.resource,
  }).toString();
  const stopAt = (target: string) => target.startsWith(REDIRECT_URI);
  const pages: FollowResult[] = [];
  let step = await agent.open(url.toString(), { stopAt });
  pages.push(step);
  let loggedIn = false;
  if (!step.stoppedAt && step.response.status === 200 && /name="password"/.test(step.response.body)) {
    const login = formWithField(step.response, 'password');
    step = await agent.submit(login, { username: options.user, password: options.password }, undefined, { stopAt });
    pages.push(step);
    loggedIn = true;
  }
  if (!step.stoppedAt) {
    if (step.response.status !== 200) {
      throw new Error(`Expected the consent page, got ${step.response.status} at ${step.response.url}`);
    }
    const consent = formWithField(step.response, 'decision');
    const approve = consent.buttons.find((b) => b.name === 'decision' && b.value === 'approve');
    if (!approve) throw new Error('No approve button on the consent page');
    step = await agent.submit(consent, {}, approve, { stopAt });
    pages.push(step);
  }
  if (!step.stoppedAt) throw new Error(`Did not reach the redirect URI (last status ${step.response.status})`);
  return { callback: new URL(step.stoppedAt), state, verifier, pages, loggedIn };
}

/** Token request (RFC 6749 §4.1.3 / §6) as a public client. */
export async function tokenRequest(metadata: AsMetadata, params: Record<string, string>): Promise<Response> {
  return fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams(params).toString(),
  });
}

/** A JSON-RPC answer read from a Streamable HTTP response (JSON or SSE). */
export interface McpReply {
  status: number;
  headers: Headers;
  /** The JSON-RPC message(s), or the OAuth error body for 401/403. */
  body: any;
}

let nextRequestId = 1;

/** POSTs one JSON-RPC request (or notification when `notification`) to the MCP endpoint. */
export async function mcpPost(
  mcpUrl: string,
  accessToken: string | undefined,
  method: string,
  params: Record<string, unknown> = {},
  notification = false,
): Promise<McpReply> {
  const message = notification
    ? { jsonrpc: '2.0', method, params }
    : { jsonrpc: '2.0', id: nextRequestId++, method, params };
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
    'MCP-Protocol-Version': '2025-06-18',
  };
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  const res = await fetch(mcpUrl, { method: 'POST', headers, body: JSON.stringify(message) });
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  let body: unknown = undefined;
  if (contentType.startsWith('text/event-stream')) body = parseSseMessages(text).at(-1);
  else if (text) body = JSON.parse(text);
  return { status: res.status, headers: res.headers, body };
}

/** The JSON `data` of each event of an SSE stream (WHATWG HTML §9.2). */
export function parseSseMessages(stream: string): unknown[] {
  const messages: unknown[] = [];
  for (const event of stream.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''))
      .join('\n');
    if (data) messages.push(JSON.parse(data));
  }
  return messages;
}

/** `initialize` + `notifications/initialized`, as a client starts a session. */
export async function mcpInitialize(mcpUrl: string, accessToken: string): Promise<McpReply> {
  const reply = await mcpPost(mcpUrl, accessToken, 'initialize', {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'sample-e2e', version: '1.0.0' },
  });
  if (reply.status === 200) await mcpPost(mcpUrl, accessToken, 'notifications/initialized', {}, true);
  return reply;
}

/** `tools/call` of `name`; returns the reply and the parsed JSON of the first text content, if any. */
export async function callTool(
  mcpUrl: string,
  accessToken: string,
  name: string,
  args: Record<string, unknown> = {},
): Promise<McpReply & { data?: any }> {
  const reply = await mcpPost(mcpUrl, accessToken, 'tools/call', { name, arguments: args });
  const text = reply.body?.result?.content?.[0]?.text;
  return { ...reply, data: typeof text === 'string' ? JSON.parse(text) : undefined };
}

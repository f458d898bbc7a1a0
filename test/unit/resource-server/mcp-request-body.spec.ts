import type { Request } from 'express';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readMcpRequestBody } from '../../../lib/guards/mcp-request-body.js';
import { jsonContentTypeProblem } from '../../../lib/http/json-media-type.js';

const LIMITS = { limitBytes: 1024, maxDepth: 32 };

function streamRequest(bytes: Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const stream = Readable.from([bytes]) as unknown as Request & { rawBody?: Buffer };
  Object.assign(stream, { headers, body: undefined });
  return stream;
}

describe('S51 reading the MCP body as the transport does', () => {
  it.each([
    ['application/json', undefined],
    ['application/json; charset=utf-8', undefined],
    ['APPLICATION/JSON; Charset="UTF-8"', undefined],
    [' \tapplication/json\t ', undefined],
    ['application/json; profile=x', undefined],
    [undefined, 'missing'],
    ['', 'missing'],
    ['application/json\u00a0', 'malformed'],
    ['\u00a0application/json', 'malformed'],
    ['application/json\u0085', 'malformed'],
    ['application/json;', 'malformed'],
    ['application/json; charset=', 'malformed'],
    ['application/json garbage', 'malformed'],
    ['application/json, text/plain', 'malformed'],
    ['application/json; charset=latin1', 'charset'],
    ['application/json; charset=utf-16', 'charset'],
    ['application/vnd.api+json', 'not-json'],
    ['application/jsonx', 'not-json'],
    ['text/plain', 'not-json'],
    ['text/plain; x=application/json', 'not-json'],
  ])('S51 Content-Type %j: %s', (header, problem) => {
    expect(jsonContentTypeProblem(header)).toBe(problem);
  });

  it('S51 a stream no parser read is parsed, kept as req.body and req.rawBody (same bytes for the transport)', async () => {
    const bytes = Buffer.from('\ufeff{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add_note"}}');
    const req = streamRequest(bytes);
    const body = await readMcpRequestBody(req, LIMITS);
    expect(body).toEqual({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'add_note' } });
    expect(req.body).toBe(body);
    expect(req.rawBody).toEqual(bytes);
  });

  it.each([
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), 400, 'The request body is not valid UTF-8'],
    ['an empty body', Buffer.alloc(0), 400, 'The request body is not valid JSON'],
    ['a JSON scalar', Buffer.from('42'), 400, 'The request body is not a JSON-RPC message'],
    ['too deep', Buffer.from(`${'['.repeat(33)}${']'.repeat(33)}`), 400, 'The request body is nested too deeply'],
    ['over the limit', Buffer.alloc(2048, 0x20), 413, 'The request body is too large'],
  ])('S51 %s: refused', async (_label, bytes, status, description) => {
    const error = await readMcpRequestBody(streamRequest(bytes), LIMITS).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ error: 'invalid_request', description });
    expect((error as { getStatus(): number }).getStatus()).toBe(status);
  });
});

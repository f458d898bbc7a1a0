/** The request every resource-server scenario sends: an MCP `tools/call` over Streamable HTTP (`POST /mcp`). */
export const MCP_PATH = '/mcp';

/** The tool every request calls. */
export const BENCH_TOOL = 'whoami';

export const MCP_TOOL_CALL_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: BENCH_TOOL, arguments: {} },
});

/** The Streamable HTTP (MCP 2026-07-28) standard headers a client sends with that request. */
export const MCP_STANDARD_HEADERS: Record<string, string> = { 'mcp-method': 'tools/call', 'mcp-name': BENCH_TOOL };

/** Resource URI the tokens are issued for (loopback, fixed so tokens work on any port). */
export const BENCH_RESOURCE = 'http://127.0.0.1/mcp';
export const BENCH_ISSUER = 'http://127.0.0.1';
export const BENCH_SCOPE = 'mcp:tools';
export const BENCH_SUBJECT = 'bench-user';
export const BENCH_CLIENT_ID = 'bench-client';

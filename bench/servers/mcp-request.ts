/** The request every resource-server scenario sends: an MCP `tools/call` over Streamable HTTP (`POST /mcp`). */
export const MCP_PATH = '/mcp';

export const MCP_TOOL_CALL_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'whoami', arguments: {} },
});

/** Resource URI the tokens are issued for (loopback, fixed so tokens work on any port). */
export const BENCH_RESOURCE = 'http://127.0.0.1/mcp';
export const BENCH_ISSUER = 'http://127.0.0.1';
export const BENCH_SCOPE = 'mcp:tools';
export const BENCH_SUBJECT = 'bench-user';
export const BENCH_CLIENT_ID = 'bench-client';

/**
 * Reads MCP `tools/call` requests out of a JSON-RPC 2.0 body (a single message
 * or a batch) so the bearer guard can require a tool's scopes before it runs (S7).
 */

/** JSON-RPC method of an MCP tool invocation. */
export const TOOLS_CALL_METHOD = 'tools/call';

/**
 * Names of the tools a parsed JSON-RPC body calls (`{"method":"tools/call","params":{"name":…}}`),
 * without duplicates. Anything else (malformed JSON-RPC, strings, buffers, `null`) yields `[]`.
 * Every batch entry is read: the body is already parsed (its size bounded by the
 * body parser), and skipping entries would let a call past the limit skip its scopes.
 */
export function toolNamesFromJsonRpcBody(body: unknown): string[] {
  const messages = Array.isArray(body) ? body : [body];
  const names = new Set<string>();
  for (const message of messages) {
    const name = toolCallName(message);
    if (name !== undefined) names.add(name);
  }
  return [...names];
}

/** The tool a single JSON-RPC message calls (`tools/call` with a string `params.name`), else `undefined`. */
export function toolCallName(message: unknown): string | undefined {
  if (!isRecord(message) || message.method !== TOOLS_CALL_METHOD) return undefined;
  const params = message.params;
  return isRecord(params) && typeof params.name === 'string' ? params.name : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import { MCP_TOOL_NAME_METADATA } from '../mcp-auth.constants.js';

/** Metadata key that `@rekog/mcp-nest`'s `@Tool({ name })` sets on a method (read, never imported). */
export const REKOG_MCP_TOOL_METADATA = 'mcp:tool';

/**
 * The MCP tool name a method implements: `@McpToolName(name)`, else
 * `@rekog/mcp-nest`'s `@Tool` (whose name defaults to the method name).
 * `undefined` when the method is not bound to a tool.
 */
export function toolNameOfMethod(method: object, methodName: string): string | undefined {
  const own = Reflect.getMetadata(MCP_TOOL_NAME_METADATA, method);
  if (typeof own === 'string' && own) return own;
  const rekog = Reflect.getMetadata(REKOG_MCP_TOOL_METADATA, method) as { name?: unknown } | undefined;
  if (rekog && typeof rekog === 'object') return typeof rekog.name === 'string' && rekog.name ? rekog.name : methodName;
  return undefined;
}

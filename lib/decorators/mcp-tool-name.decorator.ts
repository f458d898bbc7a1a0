import { SetMetadata } from '@nestjs/common';
import { MCP_TOOL_NAME_METADATA } from '../mcp-auth.constants.js';

/**
 * Binds a method to the MCP tool it implements, so its `@RequireScopes` are
 * required for `tools/call` requests naming that tool (checked by the guard
 * before the tool runs, S7). Not needed when the method carries
 * `@rekog/mcp-nest`'s `@Tool()`, which is recognised as is.
 *
 * @example
 * ```ts
 * @McpToolName('add_note')
 * @RequireScopes('notes:write')
 * addNote(text: string) {}
 * ```
 */
export const McpToolName = (name: string): MethodDecorator => SetMetadata(MCP_TOOL_NAME_METADATA, name);

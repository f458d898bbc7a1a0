/** The MCP tool names of the sample, shared by `@McpToolName` and the SDK's `registerTool`. */
export const TOOL_NAMES = {
  listNotes: 'list_notes',
  addNote: 'add_note',
  whoami: 'whoami',
} as const;

/**
 * The scopes of the sample (RFC 6749 §3.3). `notes` is broad: it implies `notes:read` and
 * `notes:write` (the module's `scopeHierarchy`, S64).
 */
export const NOTES_SCOPES = {
  read: 'notes:read',
  write: 'notes:write',
  all: 'notes',
} as const;

import { McpServer, SUPPORTED_PROTOCOL_VERSIONS, type CallToolResult } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { AccountTools } from '../notes/account.tools.js';
import type { NotesTools } from '../notes/notes.tools.js';
import { TOOL_NAMES } from '../notes/tool-names.js';

/** The 2026-07-28 revision (negotiated through `server/discover`), served beside the 2025-era ones. */
export const MODERN_PROTOCOL_VERSION = '2026-07-28';

/** Name and version the sample announces in `initialize`. */
export const SAMPLE_SERVER_INFO = { name: 'nestjs-mcp-auth-sample-notes', version: '0.1.0' } as const;

/**
 * Builds the MCP server (official SDK) with the sample's tools. The tool
 * implementations live in Nest services; this is the one adapter between
 * them and the SDK's `registerTool`.
 */
export function buildNotesMcpServer(notes: NotesTools, account: AccountTools): McpServer {
  const server = new McpServer(SAMPLE_SERVER_INFO, {
    supportedProtocolVersions: [MODERN_PROTOCOL_VERSION, ...SUPPORTED_PROTOCOL_VERSIONS],
  });
  server.registerTool(
    TOOL_NAMES.listNotes,
    {
      title: 'List notes',
      description: 'Lists your notes. Needs the notes:read scope.',
      annotations: { readOnlyHint: true },
    },
    () => jsonResult({ notes: notes.listNotes() }),
  );
  server.registerTool(
    TOOL_NAMES.addNote,
    {
      title: 'Add a note',
      description: 'Adds a note to your notes. Needs the notes:write scope.',
      inputSchema: z.object({ text: z.string().min(1).max(2000).describe('The text of the note') }),
    },
    ({ text }) => jsonResult({ note: notes.addNote(text) }),
  );
  server.registerTool(
    TOOL_NAMES.whoami,
    {
      title: 'Who am I',
      description: 'Shows the user, client and scopes of your access token.',
      annotations: { readOnlyHint: true },
    },
    () => jsonResult({ ...account.whoami() }),
  );
  return server;
}

function jsonResult(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}

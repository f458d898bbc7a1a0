import { Injectable } from '@nestjs/common';
import { AuthContext, McpToolName, RequireScopes } from '../../lib/index.js';
import { type Note, NotesStore } from './notes.store.js';
import { NOTES_SCOPES, TOOL_NAMES } from './tool-names.js';

/**
 * The notes tools. `AuthContext` is injected (request-scoped), so every
 * request gets its own instance that knows who is calling; notes are kept per
 * user (`sub`).
 *
 * `@McpToolName` + `@RequireScopes` put each tool's scopes in the module's
 * tool-scope map: `BearerAuthGuard` answers 403 `insufficient_scope` for a
 * `tools/call` of `add_note` without `notes:write` before the tool runs (S7),
 * and the method checks again when called (defence in depth).
 */
@Injectable()
export class NotesTools {
  constructor(
    private readonly auth: AuthContext,
    private readonly store: NotesStore,
  ) {}

  /** `list_notes`: the caller's notes. */
  @McpToolName(TOOL_NAMES.listNotes)
  @RequireScopes(NOTES_SCOPES.read)
  listNotes(): Note[] {
    return this.store.list(this.subject());
  }

  /** `add_note`: adds a note for the caller. */
  @McpToolName(TOOL_NAMES.addNote)
  @RequireScopes(NOTES_SCOPES.write)
  addNote(text: string): Note {
    return this.store.add(this.subject(), text);
  }

  private subject(): string {
    const subject = this.auth.subject;
    if (!subject) throw new Error('These tools need a token issued to a user');
    return subject;
  }
}

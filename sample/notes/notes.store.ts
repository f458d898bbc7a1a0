import { Injectable } from '@nestjs/common';

/** One note. */
export interface Note {
  id: number;
  text: string;
  createdAt: string;
}

/** In-memory notes, kept per user (`sub` of the access token). A singleton. */
@Injectable()
export class NotesStore {
  private readonly notesBySubject = new Map<string, Note[]>();
  private nextId = 1;

  /** The notes of `subject`, oldest first. */
  list(subject: string): Note[] {
    return [...(this.notesBySubject.get(subject) ?? [])];
  }

  /** Adds a note for `subject`. */
  add(subject: string, text: string): Note {
    const note: Note = { id: this.nextId++, text, createdAt: new Date().toISOString() };
    this.notesBySubject.set(subject, [...(this.notesBySubject.get(subject) ?? []), note]);
    return note;
  }
}

// Where the lines of recently paged messages sit in their thread files, so the next page
// ("older than X", "newer than Y") starts reading right at X or Y instead of searching for it.
// Thread files are append-only, so an offset stays right however many messages come after it;
// only replacing or deleting a file makes its offsets wrong, and then `forgetThread` runs.
import type { Cursor } from './threadFile';

/** Enough for the page boundaries of every thread a user scrolls in a session. */
export const DEFAULT_CURSOR_CAPACITY = 512;

export class CursorCache {
  /** Least recently used first (a Map keeps insertion order). */
  private readonly entries = new Map<string, Cursor>();

  constructor(private readonly capacity = DEFAULT_CURSOR_CAPACITY) {}

  get size(): number {
    return this.entries.size;
  }

  get(threadId: string, messageId: string): Cursor | undefined {
    const key = keyOf(threadId, messageId);
    const cursor = this.entries.get(key);
    if (cursor) {
      this.entries.delete(key);
      this.entries.set(key, cursor);
    }
    return cursor;
  }

  set(threadId: string, messageId: string, cursor: Cursor): void {
    const key = keyOf(threadId, messageId);
    this.entries.delete(key);
    this.entries.set(key, { start: cursor.start, end: cursor.end });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  forgetThread(threadId: string): void {
    const prefix = keyOf(threadId, '');
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}

// Thread ids are safe file names (no newline), so the first newline ends the thread id.
function keyOf(threadId: string, messageId: string): string {
  return `${threadId}\n${messageId}`;
}

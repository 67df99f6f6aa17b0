// Full-text search over the library: thread titles, message text and attachment names. A hit is
// one title, message text or attachment name holding every word of the query (AND, case-
// insensitive), so its snippet can show the match in context.
import { messageText } from '../model';
import type { Message } from '../model';
import type { ThreadStore } from './threadStore';

export interface SearchHit {
  threadId: string;
  /** Absent for a title hit. */
  messageId?: string;
  /** The thread's title. */
  title: string;
  /** About SNIPPET_LENGTH characters of the matched field around its first match, on one line. */
  snippet: string;
  field: 'title' | 'text' | 'attachment';
}

export interface SearchOptions {
  /** At most this many hits (default DEFAULT_SEARCH_LIMIT). */
  limit?: number;
  /** Stops reading further threads (a newer query replaced this one); the hits so far are returned. */
  signal?: AbortSignal;
}

export const DEFAULT_SEARCH_LIMIT = 200;
const SNIPPET_LENGTH = 80;
/** How much of the snippet goes before the first match. */
const SNIPPET_LEAD = 30;

/**
 * Searches every thread, archived ones included, most recently updated first; within a thread
 * the title, then each message in order (its text, else its first matching attachment name).
 * Threads are read a chunk at a time and only as far as needed, so memory holds a chunk of one
 * thread, never a whole thread or the library.
 */
export async function searchThreads(store: Pick<ThreadStore, 'list' | 'eachMessage'> & Partial<Pick<ThreadStore, 'storedText'>>, query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
  const words = queryWords(query);
  const plainWords = rawTestable(query);
  const limit = options.limit ?? DEFAULT_SEARCH_LIMIT;
  const hits: SearchHit[] = [];
  if (!words.length || limit <= 0) return hits;
  for (const thread of store.list()) {
    if (options.signal?.aborted) break;
    const title = oneLine(thread.title);
    if (matchesAll(title, words)) hits.push({ threadId: thread.id, title: thread.title, snippet: snippet(title, words), field: 'title' });
    if (hits.length >= limit) break;
    try {
      // Plain words stand verbatim in the stored JSON's text and name values: a thread whose
      // values lack one cannot match, and skipping its parse makes a miss cost a file read, not a
      // JSON parse per line — also for words every file holds elsewhere ("assistant", "file").
      if (plainWords && store.storedText && !(await mayMatch(store.storedText(thread.id), words))) continue;
      for await (const message of store.eachMessage(thread.id)) {
        const hit = messageHit(message, words);
        if (hit) hits.push({ threadId: thread.id, messageId: message.id, title: thread.title, ...hit });
        if (hits.length >= limit) return hits;
      }
    } catch {
      // Deleted while the search ran: it simply has no more hits.
      continue;
    }
  }
  return hits;
}

/**
 * Whether the stored thread read in `chunks` may have a message holding every word: each word is
 * looked for in whole lines (records), first in the raw text (the cheaper test), then in their
 * searchable values. Stops reading once every word has been seen.
 */
async function mayMatch(chunks: AsyncIterable<string>, words: readonly RegExp[]): Promise<boolean> {
  const unseen = new Set(words);
  const look = (lines: string) => {
    let values: string | undefined;
    for (const word of unseen) {
      if (!word.test(lines)) continue;
      values ??= searchableValues(lines);
      if (word.test(values)) unseen.delete(word);
    }
    return unseen.size === 0;
  };
  // A record split between two chunks is carried over and looked at whole.
  let carried = '';
  for await (const chunk of chunks) {
    const text = carried + chunk;
    const cut = text.lastIndexOf('\n') + 1;
    carried = text.slice(cut);
    if (cut > 0 && look(text.slice(0, cut))) return true;
  }
  return carried !== '' && look(carried);
}

/** `"text":"…"` and `"name":"…"` in JSON lines: message text and attachment names, still escaped. */
const SEARCHABLE_VALUE = /"(?:text|name)":"((?:[^"\\]|\\.)*)"/g;

/**
 * The message text and attachment names of stored records, one per line and still JSON-escaped:
 * what a plain word must be in for a message of the thread to match. Roles, ids, statuses and
 * other fields are left out, so a word they hold does not force a parse.
 */
function searchableValues(raw: string): string {
  let values = '';
  for (const match of raw.matchAll(SEARCHABLE_VALUE)) values += `${match[1]}\n`;
  return values;
}

/** Ids of the messages whose text or an attachment name holds every word of `query`, in order. */
export function findInThread(messages: readonly Message[], query: string): string[] {
  const words = queryWords(query);
  if (!words.length) return [];
  return messages.filter((m) => messageHit(m, words)).map((m) => m.id);
}

/**
 * findInThread over a stored thread, read a page at a time from the newest: memory stays bounded
 * however long the thread is (only the matching ids are kept).
 */
export async function findInStoredThread(store: Pick<ThreadStore, 'page'>, threadId: string, query: string, pageSize = 500): Promise<string[]> {
  if (!queryWords(query).length) return [];
  const pages: string[][] = [];
  let before: string | undefined;
  for (;;) {
    const { messages, hasOlder } = await store.page(threadId, before === undefined ? { limit: pageSize } : { before, limit: pageSize });
    pages.unshift(findInThread(messages, query));
    if (!hasOlder || messages.length === 0) return pages.flat();
    before = messages[0]!.id;
  }
}

function messageHit(message: Message, words: readonly RegExp[]): Pick<SearchHit, 'snippet' | 'field'> | undefined {
  const text = oneLine(messageText(message));
  if (matchesAll(text, words)) return { snippet: snippet(text, words), field: 'text' };
  for (const part of message.content) {
    if (part.type === 'text') continue;
    const name = oneLine(part.name);
    if (matchesAll(name, words)) return { snippet: snippet(name, words), field: 'attachment' };
  }
  return undefined;
}

/** True when JSON escapes nothing in the query (`"`, `\\`, control characters): each word stands verbatim in the file. */
function rawTestable(query: string): boolean {
  return JSON.stringify(query) === `"${query}"`;
}

// Case-insensitive regexes rather than lower-casing both sides: toLowerCase can change a
// string's length (e.g. "İ"), which would shift snippet positions off the match.
function queryWords(query: string): RegExp[] {
  return query
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => new RegExp(word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'iu'));
}

function matchesAll(text: string, words: readonly RegExp[]): boolean {
  return words.every((word) => word.test(text));
}

function snippet(text: string, words: readonly RegExp[]): string {
  const first = Math.min(...words.map((word) => word.exec(text)?.index ?? text.length));
  if (text.length <= SNIPPET_LENGTH) return text;
  const start = Math.max(0, Math.min(first - SNIPPET_LEAD, text.length - SNIPPET_LENGTH));
  const end = Math.min(text.length, start + SNIPPET_LENGTH);
  return `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`;
}

/** Snippets are list rows; matching on the same one-line text keeps positions consistent. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

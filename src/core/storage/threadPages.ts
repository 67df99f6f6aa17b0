// Pages of one thread file: the newest messages, the ones just older or newer than a message the
// caller already holds, or the ones around a message (a search hit deep in a thread). Each reads
// only its own lines plus one more message to learn whether there is more, and records where
// its first and last lines sit, so scrolling on page after page costs the same at any depth.
import type { Message } from '../model';
import { findMessage, messageAt, messagesBackward, messagesForward } from './threadFile';
import type { Cursor, PlacedMessage, ThreadReader } from './threadFile';

export interface OlderPage {
  /** Oldest first. */
  messages: Message[];
  /** Whether the thread holds messages before the first one. */
  hasOlder: boolean;
}

export interface NewerPage {
  /** Oldest first. */
  messages: Message[];
  /** Whether the thread holds messages after the last one. */
  hasNewer: boolean;
}

export type AroundPage = OlderPage & NewerPage;

/** The remembered line positions of one thread's messages (see CursorCache). */
export interface ThreadCursors {
  get(messageId: string): Cursor | undefined;
  set(messageId: string, cursor: Cursor): void;
  /** The file no longer matches what was remembered. */
  forget(): void;
}

export interface PageSource extends ThreadReader {
  cursors: ThreadCursors;
  threadId: string;
}

/** The newest `limit` messages, or the `limit` just older than message `before`. */
export async function olderPage(source: PageSource, before: string | undefined, limit: number): Promise<OlderPage> {
  checkLimit(limit);
  const end = before === undefined ? undefined : (await locate(source, before)).start;
  const { taken, more } = await take(messagesBackward(source, end), limit);
  const page = taken.reverse();
  remember(source, page);
  return { messages: page.map((p) => p.message), hasOlder: more };
}

/** The `limit` messages just newer than message `after`. */
export async function newerPage(source: PageSource, after: string, limit: number): Promise<NewerPage> {
  checkLimit(limit);
  const { end } = await locate(source, after);
  const { taken, more } = await take(messagesForward(source, end), limit);
  remember(source, taken);
  return { messages: taken.map((p) => p.message), hasNewer: more };
}

/**
 * `limit` messages with message `id` in the middle (as near it as the thread's ends allow: a
 * message near the end gets more older ones, so the page is full whenever the thread is).
 */
export async function aroundPage(source: PageSource, id: string, limit: number): Promise<AroundPage> {
  checkLimit(limit);
  const centre = await locate(source, id);
  // Enough on each side to fill the page from that side alone, plus one to learn if there is more.
  const newer = await take(messagesForward(source, centre.end), limit - 1);
  const older = await take(messagesBackward(source, centre.start), limit - 1);
  const room = limit - 1;
  let newerCount = Math.min(newer.taken.length, Math.floor(room / 2));
  const olderCount = Math.min(older.taken.length, room - newerCount);
  newerCount = Math.min(newer.taken.length, room - olderCount);
  const page = [...older.taken.slice(0, olderCount).reverse(), centre, ...newer.taken.slice(0, newerCount)];
  remember(source, page);
  source.cursors.set(id, centre);
  return {
    messages: page.map((p) => p.message),
    hasOlder: older.more || older.taken.length > olderCount,
    hasNewer: newer.more || newer.taken.length > newerCount,
  };
}

/**
 * The line of message `id`: from the cursor map when it still holds there, else found by a
 * search of the file (which costs a read of everything after the message, once). Undefined when
 * the thread has no such message.
 */
export async function find(source: PageSource, id: string): Promise<PlacedMessage | undefined> {
  const known = source.cursors.get(id);
  if (known) {
    const there = await messageAt(source, known, id);
    if (there) return there;
    source.cursors.forget();
  }
  const found = await findMessage(source, id);
  if (found) source.cursors.set(id, found);
  return found;
}

/** As `find`, for an id that must be there. */
export async function locate(source: PageSource, id: string): Promise<PlacedMessage> {
  const found = await find(source, id);
  if (!found) throw new Error(`No message with id "${id}" in thread ${source.threadId}.`);
  return found;
}

/** Up to `count` items, and whether there was at least one more (read, not kept). */
async function take(items: AsyncIterable<PlacedMessage>, count: number): Promise<{ taken: PlacedMessage[]; more: boolean }> {
  const taken: PlacedMessage[] = [];
  // Leaving the loop early stops the read.
  for await (const item of items) {
    if (taken.length === count) return { taken, more: true };
    taken.push(item);
  }
  return { taken, more: false };
}

/** Keeps where a page's ends are: the next page older or newer starts there. */
function remember(source: PageSource, page: readonly PlacedMessage[]): void {
  const first = page[0];
  const last = page.at(-1);
  if (first) source.cursors.set(first.message.id, first);
  if (last && last !== first) source.cursors.set(last.message.id, last);
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`A page holds a whole number of messages, at least 1 (asked for ${limit}).`);
}

// Reading a request's history newest first, as far as the context limits let a dialect send it.
// A thread may hold 100,000 messages: the reading stops at the first message that does not fit
// (everything older is left out too), so a send costs the context it sends, not the thread.
import type { HistorySource } from './backend';
import type { Message } from '../model';

/**
 * How many left-out messages a reply names. Naming every one would mean reading the whole
 * thread (and storing its ids with each reply), so past this many the older ones go unnamed.
 */
export const OMITTED_IDS_LISTED = 100;

/** A history message as the dialect would resend it. */
export interface HistoryEntry<T> {
  id: string;
  item: T;
}

/**
 * The history newest first as the dialect's items. A message `toItem` turns into nothing (no
 * content worth resending) is skipped: neither sent nor reported as left out.
 */
export async function* historyItems<T>(history: HistorySource, toItem: (message: Message) => T | undefined): AsyncGenerator<HistoryEntry<T>> {
  for await (const message of history.newestFirst()) {
    const item = toItem(message);
    if (item !== undefined) yield { id: message.id, item };
  }
}

/**
 * Ids of the left-out messages, oldest first: `dropped` (already read, newest first), then as
 * many older ones from `rest` as OMITTED_IDS_LISTED allows. The caller closes `rest`.
 */
export async function omittedIds(dropped: readonly HistoryEntry<unknown>[], rest: AsyncIterator<HistoryEntry<unknown>>): Promise<string[]> {
  const ids = dropped.slice(0, OMITTED_IDS_LISTED).map((entry) => entry.id);
  while (ids.length < OMITTED_IDS_LISTED) {
    const next = await rest.next();
    if (next.done) break;
    ids.push(next.value.id);
  }
  return ids.reverse();
}

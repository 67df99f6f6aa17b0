// The library's bookmarked messages, for Show Bookmarks. Each is read by id (a cursor a recent
// page left, else a byte search from the end of its thread), so a bookmark in a 100,000-message
// thread costs a read around it, not a read of the thread.
import type { Message, ThreadMeta } from '../model';
import type { ThreadStore } from './threadStore';

export interface Bookmark {
  thread: ThreadMeta;
  message: Message;
}

/** Bookmarked messages, thread by thread in library order, each thread's in the order bookmarked. */
export async function bookmarkedMessages(store: Pick<ThreadStore, 'list' | 'message'>): Promise<Bookmark[]> {
  const found: Bookmark[] = [];
  for (const thread of store.list()) {
    for (const id of thread.bookmarks ?? []) {
      // A thread deleted while we read simply has no more bookmarks.
      const message = await store.message(thread.id, id).catch(() => undefined);
      if (message) found.push({ thread, message });
    }
  }
  return found;
}

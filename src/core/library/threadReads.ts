// Reading a thread's messages without reading the thread: pages from the end or from a message
// whose line a recent page left in the cursor cache, one message by id, the history before a
// message as a backend iterates it, and the whole thread a chunk at a time for search. A thread
// may hold 100,000 messages; nothing here that serves a view or a send holds them all.
import * as l10n from '@vscode/l10n';
import type { HistorySource } from '../backends/backend';
import type { Message } from '../model';
import { CursorCache } from '../storage/cursorCache';
import { errorCode } from '../storage/io';
import { textChunks } from '../storage/jsonl';
import type { OpenForReading } from '../storage/jsonl';
import type { DamagedSegment } from '../storage/recordLine';
import { messagesBackward, messagesForward, readLastMessages, readMessages } from '../storage/threadFile';
import { aroundPage, find, locate, newerPage, olderPage } from '../storage/threadPages';
import type { AroundPage, NewerPage, OlderPage, PageSource } from '../storage/threadPages';

export interface ThreadReadsDeps {
  openFile: OpenForReading;
  fileOf: (threadId: string) => string;
  /** Throws for a thread the library does not have. */
  require: (threadId: string) => void;
  damaged: (threadId: string, segment: DamagedSegment) => void;
  /** The thread's file is gone (deleted in another window): the library should look again. */
  vanished: (threadId: string) => void;
  cursorCapacity?: number;
}

export class ThreadReads {
  /** Where the lines of recently paged messages sit, so the next page starts right there. */
  readonly cursors: CursorCache;

  constructor(private readonly deps: ThreadReadsDeps) {
    this.cursors = new CursorCache(deps.cursorCapacity);
  }

  /** Every message of the thread, oldest first. Reads the whole thread: prefer the pages below. */
  messages(threadId: string): Promise<Message[]> {
    return this.withPages(threadId, (source) => readMessages(source));
  }

  /** The newest `count` messages, oldest first, without reading the whole thread. */
  lastMessages(threadId: string, count: number): Promise<Message[]> {
    return this.withPages(threadId, (source) => readLastMessages(source, count));
  }

  /**
   * The newest `limit` messages, or with `before` (a message id) the `limit` just older than it;
   * oldest first either way. Reads only the page's lines. Throws for an id not in the thread.
   */
  page(threadId: string, options: { before?: string; limit: number }): Promise<OlderPage> {
    return this.withPages(threadId, (source) => olderPage(source, options.before, options.limit));
  }

  /** The `limit` messages just newer than message `after`, oldest first. */
  pageAfter(threadId: string, options: { after: string; limit: number }): Promise<NewerPage> {
    return this.withPages(threadId, (source) => newerPage(source, options.after, options.limit));
  }

  /** `limit` messages with `messageId` in the middle (as near as the thread's ends allow): a search hit deep in a thread. */
  pageAround(threadId: string, messageId: string, limit: number): Promise<AroundPage> {
    return this.withPages(threadId, (source) => aroundPage(source, messageId, limit));
  }

  /** Message `messageId`, or undefined when the thread has none: from where a page left its line, else a byte search from the end. */
  message(threadId: string, messageId: string): Promise<Message | undefined> {
    return this.withPages(threadId, async (source) => (await find(source, messageId))?.message);
  }

  /** The messages older than `messageId` (the input of a send), read only as a backend iterates. */
  historyBefore(threadId: string, messageId: string): HistorySource {
    this.deps.require(threadId);
    const openPages = () => this.openPages(threadId);
    return {
      async *newestFirst() {
        const source = await openPages();
        try {
          const anchor = await locate(source, messageId);
          for await (const placed of messagesBackward(source, anchor.start)) yield placed.message;
        } finally {
          await source.handle.close();
        }
      },
      all: () =>
        this.withPages(threadId, async (source) => {
          const anchor = await locate(source, messageId);
          const messages: Message[] = [];
          for await (const placed of messagesForward(source, 0)) {
            if (placed.start >= anchor.start) break;
            messages.push(placed.message);
          }
          return messages;
        }),
    };
  }

  /** The thread's messages, oldest first, read a chunk at a time as the caller takes them; stopping stops the reading. */
  async *eachMessage(threadId: string): AsyncGenerator<Message> {
    const source = await this.openPages(threadId);
    try {
      for await (const placed of messagesForward(source, 0)) yield placed.message;
    } finally {
      await source.handle.close();
    }
  }

  /** The thread file as stored, a chunk at a time, for a cheap substring test before parsing (search). */
  async *storedText(threadId: string): AsyncGenerator<string> {
    const source = await this.openPages(threadId);
    try {
      yield* textChunks(source.handle);
    } finally {
      await source.handle.close();
    }
  }

  /** Runs `read` on the open thread file, closing it after. */
  private async withPages<T>(threadId: string, read: (source: PageSource) => Promise<T>): Promise<T> {
    const source = await this.openPages(threadId);
    try {
      return await read(source);
    } finally {
      await source.handle.close();
    }
  }

  /** The thread file opened for paging, with the thread's view of the cursor cache. The caller closes it. */
  private async openPages(threadId: string): Promise<PageSource> {
    this.deps.require(threadId);
    const { cursors } = this;
    let handle;
    try {
      handle = await this.deps.openFile(this.deps.fileOf(threadId));
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err;
      this.deps.vanished(threadId);
      throw new Error(l10n.t('That thread was deleted, perhaps in another window.'));
    }
    return {
      handle,
      damaged: (segment) => this.deps.damaged(threadId, segment),
      threadId,
      cursors: {
        get: (messageId) => cursors.get(threadId, messageId),
        set: (messageId, cursor) => cursors.set(threadId, messageId, cursor),
        forget: () => cursors.forgetThread(threadId),
      },
    };
  }
}

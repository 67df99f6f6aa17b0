// The local library of threads. No endpoint lists conversations, so this is the source of truth
// for which threads exist. Layout under `<dir>/threads/`:
//   index.json       {version: 1, threads: ThreadMeta[], fileBytes} (see storage/indexFile)
//   <threadId>.jsonl  append-only: a `thread` header, then `message` and `meta` records
// Each thread file alone can rebuild its index entry, and data always reaches the thread file
// (appended and fsynced) before the index is atomically replaced to reflect it, so a crash at
// any point loses nothing: open() reconciles the index with the files.
//
// A thread may hold 100,000 messages, so nothing that serves a view or a send reads a whole
// thread: pages read backward from the end, or from a message whose line position a recent page
// left in the cursor cache, and a send's history is read newest first only as far as it fits.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { HistorySource } from './backend';
import { newLocalId } from './ids';
import type { BackendKind, Message, ThreadMeta } from './model';
import { tempPrefix, writeFileAtomic } from './storage/atomicWrite';
import { CursorCache } from './storage/cursorCache';
import { readIndex, serializeIndex } from './storage/indexFile';
import { appendLines, createLinesFile, openForReading, textChunks } from './storage/jsonl';
import type { OpenForReading } from './storage/jsonl';
import { applyPatch, DEFAULT_THREAD_TITLE, encodeRecord, isSafeId, metaRecord } from './storage/records';
import type { MetaPatch } from './storage/records';
import { messagesBackward, messagesForward, readLastMessages, readMessages, scanThreadFile } from './storage/threadFile';
import type { ReportProblem } from './storage/threadFile';
import { aroundPage, find, locate, newerPage, olderPage } from './storage/threadPages';
import type { AroundPage, NewerPage, OlderPage, PageSource } from './storage/threadPages';
import { WriteQueue } from './storage/writeQueue';

export { DEFAULT_THREAD_TITLE };
export type { AroundPage, NewerPage, OlderPage };

export interface ThreadStoreOptions {
  /** Clock for createdAt/updatedAt of threads and meta changes; defaults to Date.now. */
  now?: () => number;
  /** Told about damage that was skipped or repaired (corrupt lines, a rebuilt index). Never fatal. */
  onProblem?: (message: string) => void;
  /** Opens thread files for reading; tests pass one that counts the bytes read. */
  openFile?: OpenForReading;
  /** How many message line positions (page boundaries) are remembered across all threads. */
  cursorCapacity?: number;
}

const THREAD_FILE = '.jsonl';

interface PendingAppend {
  threadId: string;
  /** The updatedAt the message gives its thread. */
  at: number;
  /** The encoded record, fixed at call time so later changes to the caller's object cannot leak in. */
  line: string;
  resolve: (meta: ThreadMeta) => void;
  reject: (err: unknown) => void;
}

export class ThreadStore {
  private readonly queue = new WriteQueue();
  /** An index write that is queued but not started; later changes can share it. */
  private pendingIndexWrite: Promise<void> | undefined;
  /** Appends queued but not started; further appends join them (see writeAppends). */
  private appendBatch: PendingAppend[] | undefined;

  /** Where the lines of recently paged messages sit, so the next page starts right there. */
  private readonly cursors: CursorCache;

  private constructor(
    private readonly threadsDir: string,
    private readonly threads: Map<string, ThreadMeta>,
    private readonly fileBytes: Map<string, number>,
    private readonly now: () => number,
    private readonly report: ReportProblem,
    private readonly openFile: OpenForReading,
    cursorCapacity: number | undefined,
  ) {
    this.cursors = new CursorCache(cursorCapacity);
  }

  static async open(dir: string, options: ThreadStoreOptions = {}): Promise<ThreadStore> {
    const now = options.now ?? Date.now;
    const report = options.onProblem ?? (() => undefined);
    const openFile = options.openFile ?? openForReading;
    const threadsDir = path.join(dir, 'threads');
    await fs.mkdir(threadsDir, { recursive: true });
    const loaded = await loadLibrary(threadsDir, now, report, openFile);
    const store = new ThreadStore(threadsDir, loaded.threads, loaded.fileBytes, now, report, openFile, options.cursorCapacity);
    if (loaded.changed) await store.writeIndex();
    return store;
  }

  /** Every thread, most recently updated first. */
  list(): ThreadMeta[] {
    return [...this.threads.values()].map((t) => ({ ...t })).sort((a, b) => b.updatedAt - a.updatedAt || b.createdAt - a.createdAt);
  }

  get(id: string): ThreadMeta | undefined {
    const meta = this.threads.get(id);
    return meta && { ...meta };
  }

  async create(init: { backend: BackendKind; title?: string; workspaceFolder?: string }): Promise<ThreadMeta> {
    const at = this.now();
    const meta: ThreadMeta = {
      id: newLocalId('th'),
      title: init.title?.trim() || DEFAULT_THREAD_TITLE,
      createdAt: at,
      updatedAt: at,
      backend: init.backend,
      messageCount: 0,
    };
    if (init.workspaceFolder) meta.workspaceFolder = init.workspaceFolder;
    const created = await this.enqueue(async () => {
      const size = await createLinesFile(this.fileOf(meta.id), [encodeRecord({ kind: 'thread', thread: meta })]);
      return this.commit(meta, size);
    });
    await this.persistIndex();
    return created;
  }

  /** Changes the fields in `patch`; an explicit `undefined` (or `false` for a flag) clears a field. */
  async update(id: string, patch: MetaPatch): Promise<ThreadMeta> {
    const updated = await this.enqueue(async () => {
      const current = this.require(id);
      const at = this.now();
      const size = await appendLines(this.fileOf(id), [encodeRecord(metaRecord(at, patch))]);
      return this.commit(applyPatch(current, patch, at), size);
    });
    await this.persistIndex();
    return updated;
  }

  /**
   * Stores `message` at the end of the thread, after every append called before it. Resolves
   * once the message and an index that counts it are both on disk; if only the index write
   * fails this rejects, yet the message is kept and the next open() counts it.
   */
  async append(threadId: string, message: Message): Promise<ThreadMeta> {
    if (message.threadId !== threadId) {
      throw new Error(`Message ${message.id} belongs to thread ${message.threadId}, not ${threadId}.`);
    }
    const at = Number.isFinite(message.createdAt) ? message.createdAt : this.now();
    const line = encodeRecord({ kind: 'message', at, message });
    const batch = this.appendBatch ?? this.openAppendBatch();
    const updated = await new Promise<ThreadMeta>((resolve, reject) => batch.push({ threadId, at, line, resolve, reject }));
    await this.persistIndex();
    return updated;
  }

  /** Every message of the thread, oldest first. Reads the whole thread: prefer the pages below. */
  async messages(threadId: string): Promise<Message[]> {
    this.require(threadId);
    return readMessages(this.fileOf(threadId), this.report, this.openFile);
  }

  /**
   * The newest `limit` messages, or with `before` (a message id) the `limit` just older than it;
   * oldest first either way. Reads only the page's lines: from the end, or from where `before`
   * sits when a recent page handed it out. Throws for an id that is not in the thread.
   */
  page(threadId: string, options: { before?: string; limit: number }): Promise<OlderPage> {
    return this.withPages(threadId, (source) => olderPage(source, options.before, options.limit));
  }

  /** The `limit` messages just newer than message `after`, oldest first. */
  pageAfter(threadId: string, options: { after: string; limit: number }): Promise<NewerPage> {
    return this.withPages(threadId, (source) => newerPage(source, options.after, options.limit));
  }

  /**
   * `limit` messages with `messageId` in the middle (as near as the thread's ends allow), for
   * jumping to a search hit deep in a thread; paging on from its ends is then cheap too.
   */
  pageAround(threadId: string, messageId: string, limit: number): Promise<AroundPage> {
    return this.withPages(threadId, (source) => aroundPage(source, messageId, limit));
  }

  /**
   * The messages older than `messageId` (the input of a send), read only as a backend iterates:
   * a Chat Completions reply on a 100,000-message thread reads the few dozen that fit its context.
   */
  historyBefore(threadId: string, messageId: string): HistorySource {
    this.require(threadId);
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

  /**
   * Message `messageId`, or undefined when the thread has none: read from where a recent page
   * left its line, else found by a byte search from the end; never by reading the thread.
   */
  message(threadId: string, messageId: string): Promise<Message | undefined> {
    return this.withPages(threadId, async (source) => (await find(source, messageId))?.message);
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

  /**
   * The thread file as stored (JSON lines), a chunk at a time, for a cheap substring test before
   * parsing: search skips threads whose stored text cannot hold a match. Stopping stops the reading.
   */
  async *storedText(threadId: string): AsyncGenerator<string> {
    this.require(threadId);
    const handle = await this.openFile(this.fileOf(threadId));
    try {
      yield* textChunks(handle);
    } finally {
      await handle.close();
    }
  }

  /** The newest `count` messages, oldest first, without reading the whole thread. */
  async lastMessages(threadId: string, count: number): Promise<Message[]> {
    this.require(threadId);
    return readLastMessages(this.fileOf(threadId), count, this.report, this.openFile);
  }

  /**
   * Removes the thread from the index, then deletes its file. A crash in between leaves the
   * file, and the next open() brings the thread back: keeping a deleted thread beats losing one.
   */
  async delete(id: string): Promise<void> {
    await this.enqueue(async () => {
      this.require(id);
      const remaining = [...this.threads.values()].filter((t) => t.id !== id);
      await writeFileAtomic(this.indexPath(), serializeIndex(remaining, this.fileBytes));
      this.threads.delete(id);
      this.fileBytes.delete(id);
      this.cursors.forgetThread(id);
      await fs.rm(this.fileOf(id), { force: true });
    });
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
    this.require(threadId);
    const file = this.fileOf(threadId);
    const { cursors } = this;
    return {
      handle: await this.openFile(file),
      name: path.basename(file),
      report: this.report,
      threadId,
      cursors: {
        get: (messageId) => cursors.get(threadId, messageId),
        set: (messageId, cursor) => cursors.set(threadId, messageId, cursor),
        forget: () => cursors.forgetThread(threadId),
      },
    };
  }

  private require(id: string): ThreadMeta {
    const meta = this.threads.get(id);
    if (!meta) throw new Error(`No thread with id "${id}" in the library.`);
    return meta;
  }

  // Appends queued back to back share one write and one fsync per thread: a burst (an import,
  // a test's 10,000 messages) costs a handful of syncs instead of one each.
  private openAppendBatch(): PendingAppend[] {
    const batch: PendingAppend[] = [];
    // Enqueueing closes any open batch, so the new one is opened only after.
    void this.enqueue(() => this.writeAppends(batch));
    this.appendBatch = batch;
    return batch;
  }

  /** Writes a batch; never rejects: each append's own promise carries its outcome. */
  private async writeAppends(batch: PendingAppend[]): Promise<void> {
    if (this.appendBatch === batch) this.appendBatch = undefined;
    const byThread = new Map<string, PendingAppend[]>();
    for (const pending of batch) {
      const group = byThread.get(pending.threadId);
      if (group) group.push(pending);
      else byThread.set(pending.threadId, [pending]);
    }
    for (const [threadId, pendings] of byThread) {
      try {
        let meta = this.require(threadId);
        const settled: Array<[PendingAppend, ThreadMeta]> = [];
        for (const pending of pendings) {
          meta = { ...meta, messageCount: meta.messageCount + 1, updatedAt: pending.at };
          settled.push([pending, meta]);
        }
        this.commit(meta, await appendLines(this.fileOf(threadId), pendings.map((pending) => pending.line)));
        for (const [pending, after] of settled) pending.resolve({ ...after });
      } catch (err) {
        for (const pending of pendings) pending.reject(err);
      }
    }
  }

  /** Queues a write; anything queued after it must not join an earlier append batch. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    this.appendBatch = undefined;
    return this.queue.run(task);
  }

  private commit(meta: ThreadMeta, fileSize: number): ThreadMeta {
    this.threads.set(meta.id, meta);
    this.fileBytes.set(meta.id, fileSize);
    return { ...meta };
  }

  // A burst of changes (say 200 queued appends) shares one index write queued after all of
  // them: each caller still resolves only once an index covering its change is on disk.
  private persistIndex(): Promise<void> {
    this.pendingIndexWrite ??= this.enqueue(async () => {
      this.pendingIndexWrite = undefined;
      await this.writeIndex();
    });
    return this.pendingIndexWrite;
  }

  private writeIndex(): Promise<void> {
    return writeFileAtomic(this.indexPath(), serializeIndex(this.threads.values(), this.fileBytes));
  }

  private indexPath(): string {
    return indexPathIn(this.threadsDir);
  }

  private fileOf(id: string): string {
    return path.join(this.threadsDir, `${id}${THREAD_FILE}`);
  }
}

function indexPathIn(threadsDir: string): string {
  return path.join(threadsDir, 'index.json');
}

interface LoadedLibrary {
  threads: Map<string, ThreadMeta>;
  fileBytes: Map<string, number>;
  /** The index on disk differs from what was loaded and must be rewritten. */
  changed: boolean;
}

/** Reads the index and reconciles it with the thread files, which win wherever they disagree. */
async function loadLibrary(threadsDir: string, now: () => number, report: ReportProblem, openFile: OpenForReading): Promise<LoadedLibrary> {
  const indexPath = indexPathIn(threadsDir);
  const onDisk = await threadFileIds(threadsDir, indexPath);
  const read = await readIndex(indexPath);
  let changed = false;
  let indexed = new Map<string, ThreadMeta>();
  let recordedBytes = new Map<string, number>();
  if (read.kind === 'ok') {
    indexed = new Map(read.index.threads.map((t) => [t.id, t]));
    recordedBytes = read.index.fileBytes;
  } else if (read.kind === 'corrupt') {
    const aside = `${indexPath}.corrupt-${now()}`;
    await fs.rename(indexPath, aside);
    report(`The thread index was unreadable (${read.reason}); it was moved to ${path.basename(aside)} and rebuilt from the thread files.`);
    changed = true;
  } else if (onDisk.length > 0) {
    report('The thread index was missing; it was rebuilt from the thread files.');
    changed = true;
  }

  const threads = new Map<string, ThreadMeta>();
  const fileBytes = new Map<string, number>();
  for (const [id, entry] of indexed) {
    if (onDisk.includes(id)) continue;
    report(`Dropped thread "${entry.title}" from the index: its file ${id}${THREAD_FILE} is missing.`);
    changed = true;
  }
  for (const id of onDisk) {
    const file = path.join(threadsDir, `${id}${THREAD_FILE}`);
    const size = (await fs.stat(file)).size;
    const entry = indexed.get(id);
    fileBytes.set(id, size);
    if (entry && recordedBytes.get(id) === size) {
      threads.set(id, entry);
      continue;
    }
    changed = true;
    const scanned = await scanThreadFile(file, id, report, openFile);
    if (scanned) {
      threads.set(id, scanned);
      if (!entry && read.kind === 'ok') report(`Recovered thread "${scanned.title}", which was missing from the index.`);
    } else if (entry) {
      // Nothing readable in the file: keep what the index knew rather than drop the thread.
      threads.set(id, entry);
    } else {
      fileBytes.delete(id);
      if (size > 0) report(`${id}${THREAD_FILE} holds no readable records; it was left as is.`);
    }
  }
  return { threads, fileBytes, changed };
}

/** Ids of the thread files present, clearing away temp files of index writes that never finished. */
async function threadFileIds(threadsDir: string, indexPath: string): Promise<string[]> {
  const ids: string[] = [];
  const staleTemp = tempPrefix(indexPath);
  for (const name of await fs.readdir(threadsDir)) {
    if (name.startsWith(staleTemp)) {
      await fs.rm(path.join(threadsDir, name), { force: true });
    } else if (name.endsWith(THREAD_FILE)) {
      const id = name.slice(0, -THREAD_FILE.length);
      if (isSafeId(id)) ids.push(id);
    }
  }
  return ids;
}

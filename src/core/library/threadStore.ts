// The thread library: one per machine, shared by every VS Code window (they all get the same
// globalStorageUri). No endpoint lists conversations, so it is the source of truth for which
// threads exist. Layout under `<dir>/threads/`:
//   <threadId>.jsonl   append-only records: a `thread` header, then `message`, `meta` and `aside`
//                      records, each checksummed (see storage/recordLine.ts)
//   index/<n>.json     the index: every thread's entry, a new generation per write (libraryIndex.ts)
//   changes.log        which thread each window changed, for the others to catch up (changeFeed.ts)
//   trash/             deleted threads, restorable for 30 days (trash.ts)
//   set-aside/         damaged records copied out by Check Library (checkLibrary.ts)
//
// Many windows append to one thread file at once without a lock: each append is one O_APPEND
// write of whole records, fsynced before it is acknowledged, and nothing ever truncates a file.
// Each window folds the records past what it has seen, so every window's counts come from the
// files themselves; the index only spares reading them at start-up.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import * as l10n from '@vscode/l10n';
import type { HistorySource } from '../backend';
import { newLocalId } from '../ids';
import type { BackendKind, Message, ThreadMeta } from '../model';
import { removeStaleTemps, TEMP_PREFIX, writeNewFile } from '../storage/atomicWrite';
import { errorCode, nodeIo } from '../storage/io';
import type { LibraryIo } from '../storage/io';
import { appendLines, createLinesFile } from '../storage/jsonl';
import type { OpenForReading } from '../storage/jsonl';
import { encodeRecordLine } from '../storage/recordLine';
import type { DamagedSegment } from '../storage/recordLine';
import { DEFAULT_THREAD_TITLE, metaRecord } from '../storage/records';
import type { MetaPatch, ThreadRecord } from '../storage/records';
import { foldedMeta, foldRecord, newFold } from '../storage/threadFold';
import type { AroundPage, NewerPage, OlderPage } from '../storage/threadPages';
import { WriteQueue } from '../storage/writeQueue';
import { ChangeFeed } from './changeFeed';
import type { Change } from './changeFeed';
import { LibraryUnavailableError, storageProblem } from './health';
import type { LibraryHealth, StorageProblem } from './health';
import { LibraryIndex } from './libraryIndex';
import type { IndexEntry } from './libraryIndex';
import { emptySync, LibraryState } from './libraryState';
import type { Sync, ThreadState } from './libraryState';
import { ThreadReads } from './threadReads';
import { Trash } from './trash';
import type { TrashEntry } from './trash';

export { DEFAULT_THREAD_TITLE };
export type { AroundPage, NewerPage, OlderPage, TrashEntry };

export interface ThreadStoreOptions {
  /** Clock for createdAt/updatedAt of threads and meta changes; defaults to Date.now. */
  now?: () => number;
  /** Told about damage and repairs, for the log. Never fatal. */
  onProblem?: (message: string) => void;
  /** Opens thread files for reading; tests pass one that counts the bytes read. */
  openFile?: OpenForReading;
  /** How many message line positions (page boundaries) are remembered across all threads. */
  cursorCapacity?: number;
  /** The file system; tests pass one that fails like a full or read-only disk. */
  io?: LibraryIo;
  /** Hear other windows' changes as they happen (the folder's watcher, and a poll every `pollMs`). */
  watch?: boolean | { pollMs: number };
  /** The index is written this long after the last change (and on flush and dispose). */
  indexDelayMs?: number;
}

/** What other windows did, and what became of the library's health. This window's own changes are not echoed. */
export type LibraryEvent =
  /** Another window created, changed or restored threads: the list and entries changed. */
  | { type: 'threads' }
  /** Messages another window stored in `threadId`, oldest first. */
  | { type: 'messages'; threadId: string; messages: Message[] }
  /** Another window deleted the thread (it may be in the trash). */
  | { type: 'removed'; threadId: string }
  | { type: 'health'; health: LibraryHealth }
  /** Damaged records were found in the thread (not yet set aside by Check Library). */
  | { type: 'damage'; threadId: string };

interface PendingAppend {
  threadId: string;
  record: ThreadRecord;
  resolve: (meta: ThreadMeta) => void;
  reject: (err: unknown) => void;
}

export class ThreadStore {
  readonly threadsDir: string;
  private readonly io: LibraryIo;
  private readonly now: () => number;
  private readonly report: (message: string) => void;
  private readonly state: LibraryState;
  private readonly reads: ThreadReads;
  private readonly index: LibraryIndex;
  private readonly feed: ChangeFeed;
  private readonly trashBin: Trash;
  private readonly queue = new WriteQueue();
  private readonly listeners = new Set<(event: LibraryEvent) => void>();
  /** Message ids this window is storing right now: a catch-up that meets them is not news. */
  private readonly ownIds = new Set<string>();
  /** Damaged records found and not set aside, by thread, by start byte. */
  private readonly damage = new Map<string, Map<number, DamagedSegment>>();
  /** Threads being read whole again after damage was found in them. */
  private readonly refolding = new Set<string>();
  /** Appends queued but not started; further appends join them (see writeAppends). */
  private appendBatch: PendingAppend[] | undefined;
  private healthNow: LibraryHealth = { writable: true };
  private indexTimer: ReturnType<typeof setTimeout> | undefined;
  private indexWrite: Promise<void> | undefined;
  private readonly indexDelayMs: number;
  private reportedIndexProblem: string | undefined;
  private disposed = false;

  private constructor(dir: string, options: ThreadStoreOptions) {
    this.threadsDir = path.join(dir, 'threads');
    this.io = options.io ?? nodeIo;
    this.now = options.now ?? Date.now;
    this.report = options.onProblem ?? (() => undefined);
    this.indexDelayMs = options.indexDelayMs ?? 1000;
    const openFile = options.openFile ?? ((file: string) => this.io.open(file, 'r'));
    this.state = new LibraryState({ io: this.io, threadsDir: this.threadsDir, openFile, damaged: (id, segment) => this.damaged(id, segment) });
    this.reads = new ThreadReads({
      openFile,
      fileOf: (id) => this.state.fileOf(id),
      require: (id) => void this.require(id),
      damaged: (id, segment) => this.damaged(id, segment),
      vanished: () => void this.refresh(),
      ...(options.cursorCapacity !== undefined ? { cursorCapacity: options.cursorCapacity } : {}),
    });
    this.index = new LibraryIndex(this.io, this.threadsDir);
    this.feed = new ChangeFeed(this.io, this.threadsDir, randomUUID());
    this.trashBin = new Trash(this.io, this.threadsDir, this.now);
  }

  /**
   * Opens the library in `dir`. Never fails for a reason of the disk: a folder that cannot be
   * read or written opens as an empty or read-only library, and `health` says why.
   */
  static async open(dir: string, options: ThreadStoreOptions = {}): Promise<ThreadStore> {
    const store = new ThreadStore(dir, options);
    if (options.watch) await store.feed.mark();
    await store.load();
    if (options.watch) store.startWatching(typeof options.watch === 'object' ? options.watch.pollMs : undefined);
    return store;
  }

  get health(): LibraryHealth {
    return this.healthNow;
  }

  /** Every thread, most recently updated first. */
  list(): ThreadMeta[] {
    return [...this.state.values()].map((s) => ({ ...s.meta })).sort((a, b) => b.updatedAt - a.updatedAt || b.createdAt - a.createdAt);
  }

  get(id: string): ThreadMeta | undefined {
    const state = this.state.get(id);
    return state && { ...state.meta };
  }

  onDidChange(listener: (event: LibraryEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  async create(init: { backend: BackendKind; title?: string; workspaceFolder?: string }): Promise<ThreadMeta> {
    const at = this.now();
    const meta: ThreadMeta = { id: newLocalId('th'), title: init.title?.trim() || DEFAULT_THREAD_TITLE, createdAt: at, updatedAt: at, backend: init.backend, messageCount: 0 };
    if (init.workspaceFolder) meta.workspaceFolder = init.workspaceFolder;
    return this.write(this.threadsDir, async () => {
      await this.io.mkdir(this.threadsDir);
      const record: ThreadRecord = { kind: 'thread', thread: meta };
      const size = await createLinesFile(this.io, this.state.fileOf(meta.id), [encodeRecordLine(record)]);
      const fold = newFold();
      foldRecord(fold, record, meta.id);
      this.state.set({ meta: foldedMeta(fold)!, fold, folded: size });
      await this.feed.announce(meta.id, 'created');
      this.scheduleIndex();
      return { ...meta };
    });
  }

  /** Changes the fields in `patch`; an explicit `undefined` (or `false` for a flag) clears a field. */
  async update(id: string, patch: MetaPatch): Promise<ThreadMeta> {
    this.require(id);
    return this.write(this.state.fileOf(id), async () => {
      const [result] = await this.appendRecords(id, [metaRecord(this.now(), patch)]);
      if (result instanceof Error) throw result;
      return result!;
    });
  }

  /**
   * Stores `message` at the end of the thread, after every append called before it in this
   * window. Resolves once the message is written and fsynced (see `health` when the flush
   * failed); rejects when it is not in the file, and then nothing of it will ever be read.
   */
  async append(threadId: string, message: Message): Promise<ThreadMeta> {
    if (message.threadId !== threadId) throw new Error(`Message ${message.id} belongs to thread ${message.threadId}, not ${threadId}.`);
    this.require(threadId);
    const at = Number.isFinite(message.createdAt) ? message.createdAt : this.now();
    const record: ThreadRecord = { kind: 'message', at, message };
    // Encoded now, so later changes to the caller's object cannot leak in.
    const frozen = JSON.parse(JSON.stringify(record)) as ThreadRecord;
    const batch = this.appendBatch ?? this.openAppendBatch();
    return new Promise<ThreadMeta>((resolve, reject) => batch.push({ threadId, record: frozen, resolve, reject }));
  }

  /**
   * Moves the thread to the trash (see restore). `serverDeleted`: its server-side copy was deleted
   * with it, so a restored thread starts a new one with the local history.
   */
  async delete(id: string, options: { serverDeleted?: boolean } = {}): Promise<TrashEntry> {
    this.require(id);
    return this.write(this.threadsDir, async () => {
      const state = this.require(id);
      const entry: TrashEntry = { thread: { ...state.meta }, deletedAt: this.now(), bytes: state.folded, ...(options.serverDeleted ? { serverDeleted: true } : {}) };
      await this.trashBin.put(this.state.fileOf(id), entry);
      this.forget(id);
      await this.feed.announce(id, 'deleted');
      this.scheduleIndex();
      return entry;
    });
  }

  /** Threads in the trash, most recently deleted first. */
  trash(): Promise<TrashEntry[]> {
    return this.trashBin.list();
  }

  /** Brings a thread back from the trash, whole, with anything appended to it meanwhile. */
  async restore(id: string): Promise<ThreadMeta> {
    return this.write(this.threadsDir, async () => {
      const entry = await this.trashBin.take(id, this.state.fileOf(id));
      if (!entry) throw new Error(l10n.t('That thread is no longer in Recently Deleted (restored in another window, or deleted for good).'));
      const sync = emptySync();
      await this.state.syncThread(id, { meta: entry.thread, bytes: entry.bytes }, this.ownIds, sync);
      if (entry.serverDeleted && entry.thread.remoteId) {
        // Its server copy is gone for good: the next send starts a new one with the local history.
        await this.appendRecords(id, [metaRecord(this.now(), { remoteId: undefined, remoteGone: true, goneRemoteId: entry.thread.remoteId })]);
      }
      await this.feed.announce(id, 'restored');
      this.scheduleIndex();
      return this.require(id).meta;
    });
  }

  /** Deletes a thread in the trash for good. */
  async deleteForever(id: string): Promise<void> {
    await this.write(this.trashBin.dir, () => this.trashBin.remove(id));
  }

  messages(threadId: string): Promise<Message[]> {
    return this.reads.messages(threadId);
  }

  /**
   * The newest `limit` messages, or with `before` (a message id) the `limit` just older than it;
   * oldest first either way. Reads only the page's lines. Throws for an id not in the thread.
   */
  page(threadId: string, options: { before?: string; limit: number }): Promise<OlderPage> {
    return this.reads.page(threadId, options);
  }

  /** The `limit` messages just newer than message `after`, oldest first. */
  pageAfter(threadId: string, options: { after: string; limit: number }): Promise<NewerPage> {
    return this.reads.pageAfter(threadId, options);
  }

  /** `limit` messages with `messageId` in the middle (as near as the thread's ends allow). */
  pageAround(threadId: string, messageId: string, limit: number): Promise<AroundPage> {
    return this.reads.pageAround(threadId, messageId, limit);
  }

  /** The messages older than `messageId` (the input of a send), read only as a backend iterates. */
  historyBefore(threadId: string, messageId: string): HistorySource {
    return this.reads.historyBefore(threadId, messageId);
  }

  /** Message `messageId`, or undefined when the thread has none; never by reading the thread. */
  message(threadId: string, messageId: string): Promise<Message | undefined> {
    return this.reads.message(threadId, messageId);
  }

  /** The thread's messages, oldest first, read a chunk at a time as the caller takes them. */
  eachMessage(threadId: string): AsyncGenerator<Message> {
    return this.reads.eachMessage(threadId);
  }

  /** The thread file as stored, a chunk at a time, for a cheap substring test before parsing. */
  storedText(threadId: string): AsyncGenerator<string> {
    return this.reads.storedText(threadId);
  }

  /** The newest `count` messages, oldest first, without reading the whole thread. */
  lastMessages(threadId: string, count: number): Promise<Message[]> {
    return this.reads.lastMessages(threadId, count);
  }

  /** Damaged records found and not yet set aside: thread id → how many. */
  damagedThreads(): Map<string, number> {
    return new Map([...this.damage].filter(([id]) => this.state.get(id)).map(([id, found]) => [id, found.size]));
  }

  /** Looks at every thread file now (after a window regains focus, or a missed change). */
  async refresh(): Promise<void> {
    if (this.disposed) return;
    const sync = await this.state.sync(new Map(), this.ownIds).catch(() => emptySync());
    this.publish(sync);
  }

  /** Tries a write; if it succeeds the library takes writes again. */
  async retryWrites(): Promise<LibraryHealth> {
    await this.queue.run(() => this.probe());
    if (this.healthNow.writable) this.scheduleIndex();
    return this.healthNow;
  }

  /** Writes the index now (it is otherwise written shortly after changes). */
  async flush(): Promise<void> {
    if (this.indexTimer) clearTimeout(this.indexTimer);
    this.indexTimer = undefined;
    await this.writeIndex();
  }

  /** Stops listening to other windows and writes the index. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.feed.dispose();
    await this.queue.run(() => Promise.resolve());
    await this.flush().catch(() => undefined);
    this.disposed = true;
    this.listeners.clear();
  }

  // ——— opening and following other windows ———

  private async load(): Promise<void> {
    try {
      await this.io.mkdir(this.threadsDir);
    } catch (err) {
      this.setHealth(this.problemOf(err, this.threadsDir));
    }
    const read = await this.index.read();
    if (read.problem) this.report(read.problem);
    let sync: Sync;
    try {
      sync = await this.state.sync(read.entries);
    } catch (err) {
      // The folder cannot be listed: an empty library that says why, rather than no extension.
      // When it could not even be made, that failure is the why (listing it then finds nothing).
      if (this.healthNow.writable) this.setHealth(this.problemOf(err, this.threadsDir));
      return;
    }
    if (sync.unreadable.size) this.report(`${sync.unreadable.size} thread file(s) could not be read: ${[...sync.unreadable].map(([id, why]) => `${id} (${why})`).join(', ')}.`);
    const stale = sync.changed.size > 0 || [...read.entries.keys()].some((id) => !this.state.get(id)) || read.entries.size !== this.state.size;
    if (stale) this.scheduleIndex();
    // Housekeeping that nothing waits for: a probe (a read-only folder is found before the user
    // types), the trash's old threads, temp files a crash left (index, probes, trash notes).
    void this.queue.run(() => (this.healthNow.writable ? this.probe() : Promise.resolve()));
    void this.trashBin.purge().catch(() => undefined);
    void this.index.clean().catch(() => undefined);
    void removeStaleTemps(this.io, this.threadsDir);
    void removeStaleTemps(this.io, this.trashBin.dir);
  }

  private startWatching(pollMs: number | undefined): void {
    this.feed.start(
      {
        onChanges: (changes) => void this.applyChanges(changes),
        onMissed: () => void this.refresh(),
        ...(pollMs !== undefined ? { pollMs } : {}),
      },
      this.threadsDir,
    );
  }

  private async applyChanges(changes: Change[]): Promise<void> {
    if (this.disposed) return;
    const sync = emptySync();
    for (const id of new Set(changes.map((c) => c.id))) await this.state.syncThread(id, undefined, this.ownIds, sync);
    this.publish(sync);
  }

  /** Tells listeners what a look at the files found. */
  private publish(sync: Sync): void {
    for (const id of sync.removed) {
      this.reads.cursors.forgetThread(id);
      this.emit({ type: 'removed', threadId: id });
    }
    for (const [threadId, messages] of sync.messages) this.emit({ type: 'messages', threadId, messages });
    if (sync.changed.size || sync.removed.size) {
      this.emit({ type: 'threads' });
      this.scheduleIndex();
    }
  }

  // ——— writing ———

  /**
   * Runs a write in this window's write queue: refused at once, without touching the disk, while
   * the library cannot be written (until `retryWrites` finds it can again); a disk problem turns
   * the library read-only.
   */
  private write<T>(where: string, task: () => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      this.ensureWritable();
      try {
        return await task();
      } catch (err) {
        throw this.failed(err, where);
      }
    });
  }

  // No probe here: a refused write touches nothing, so a disk that failed is not written again
  // (a large append on a nearly full disk would leave one more fragment, never reclaimed) until
  // the user has fixed it and chooses Retry, which every problem's message asks for.
  private ensureWritable(): void {
    if (!this.healthNow.writable) throw new LibraryUnavailableError(this.healthNow.problem);
  }

  /** A small write of its own: the library is writable if it succeeds. */
  private async probe(): Promise<void> {
    const probe = path.join(this.threadsDir, `${TEMP_PREFIX}probe-${process.pid}-${randomUUID().slice(0, 8)}`);
    try {
      await this.io.mkdir(this.threadsDir);
      await writeNewFile(this.io, probe, 'probe');
      await this.io.rm(probe);
      this.setHealth({ writable: true });
    } catch (err) {
      this.setHealth(this.problemOf(err, this.threadsDir));
    }
  }

  /** A write failed: a disk problem becomes the library's health and a refusal the user can act on. */
  private failed(err: unknown, where: string): unknown {
    const problem = storageProblem(err, where);
    if (!problem) return err;
    this.setHealth({ writable: false, problem });
    return new LibraryUnavailableError(problem);
  }

  private problemOf(err: unknown, where: string): LibraryHealth {
    const problem: StorageProblem = storageProblem(err, where) ?? storageProblem(Object.assign(new Error(String(err)), { code: 'EIO' }), where)!;
    return { writable: false, problem };
  }

  private setHealth(health: LibraryHealth): void {
    const before = this.healthNow;
    this.healthNow = health;
    if (before.writable !== health.writable || (!before.writable && !health.writable && before.problem.code !== health.problem.code)) {
      if (!health.writable) this.report(health.problem.message);
      this.emit({ type: 'health', health });
    }
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
    for (const pending of batch) byThread.set(pending.threadId, [...(byThread.get(pending.threadId) ?? []), pending]);
    for (const [threadId, pendings] of byThread) {
      const where = this.state.fileOf(threadId);
      try {
        this.ensureWritable();
        const results = await this.appendRecords(threadId, pendings.map((p) => p.record));
        pendings.forEach((pending, i) => {
          const result = results[i]!;
          if (result instanceof Error) pending.reject(this.failed(result, where));
          else pending.resolve(result);
        });
      } catch (err) {
        const failure = this.failed(err, where);
        for (const pending of pendings) pending.reject(failure);
      }
    }
  }

  /**
   * Appends `records` to thread `id` and folds them in. Each result is the thread's entry just
   * after that record, or the error that kept it out of the file. Throws when nothing could be
   * written (the file is gone or cannot be opened).
   */
  private async appendRecords(id: string, records: ThreadRecord[]): Promise<Array<ThreadMeta | Error>> {
    this.require(id);
    const own = records.flatMap((r) => (r.kind === 'message' ? [r.message.id] : []));
    for (const messageId of own) this.ownIds.add(messageId);
    try {
      const lines = records.map(encodeRecordLine);
      let outcome;
      try {
        outcome = await appendLines(this.io, this.state.fileOf(id), lines);
      } catch (err) {
        if (errorCode(err) !== 'ENOENT') throw err;
        void this.refresh();
        throw new Error(l10n.t('That thread was deleted, perhaps in another window.'));
      }
      if (outcome.syncError) {
        // Written, readable by every window, but perhaps not on the platter: say so, keep going.
        this.setHealth(this.problemOf(outcome.syncError, this.state.fileOf(id)));
      }
      const totalBytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
      const results = await this.state.step(id, () => this.foldOwn(id, records.slice(0, outcome.landed), outcome.sizeAfter, outcome.landed === records.length && outcome.written === totalBytes ? outcome.written : undefined));
      const failure = outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error ?? 'not written'));
      const all: Array<ThreadMeta | Error> = [...results];
      while (all.length < records.length) all.push(failure);
      if (outcome.landed > 0) {
        await this.feed.announce(id, 'changed');
        this.scheduleIndex();
      }
      return all;
    } finally {
      for (const messageId of own) this.ownIds.delete(messageId);
    }
  }

  /**
   * Folds this window's records, just written, into the thread's state. When the file grew by
   * exactly what this write wrote (`written`), they are folded as they are; otherwise another
   * window wrote too (or the size is unknown), and the file is read on from where the state
   * stood, theirs included.
   */
  private async foldOwn(id: string, records: ThreadRecord[], sizeAfter: number | undefined, written: number | undefined): Promise<ThreadMeta[]> {
    const state = this.state.get(id);
    if (!state) throw new Error(l10n.t('That thread was deleted, perhaps in another window.'));
    const metas: ThreadMeta[] = [];
    if (written !== undefined && sizeAfter !== undefined && state.folded === sizeAfter - written) {
      for (const record of records) {
        foldRecord(state.fold, record, id, state.fallback);
        metas.push(foldedMeta(state.fold, state.fallback)!);
      }
      state.folded = sizeAfter;
      state.meta = foldedMeta(state.fold, state.fallback)!;
      return metas;
    }
    if (sizeAfter === undefined || state.folded < sizeAfter) {
      const external = await this.state.fold(state, new Set(records.flatMap((r) => (r.kind === 'message' ? [r.message.id] : []))));
      if (external.length) this.emit({ type: 'messages', threadId: id, messages: external });
      if (external.length) this.emit({ type: 'threads' });
    }
    // Folded by now (here, or by a catch-up that got there first): each record's entry is the latest.
    return records.map(() => ({ ...state.meta }));
  }

  private forget(id: string): void {
    this.state.forget(id);
    this.reads.cursors.forgetThread(id);
    this.damage.delete(id);
  }

  /** Queues a write; anything queued after it must not join an earlier append batch. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    this.appendBatch = undefined;
    return this.queue.run(task);
  }

  // ——— the index ———

  private scheduleIndex(): void {
    if (this.disposed || this.indexTimer) return;
    this.indexTimer = setTimeout(() => {
      this.indexTimer = undefined;
      void this.writeIndex();
    }, this.indexDelayMs);
    this.indexTimer.unref?.();
  }

  private writeIndex(): Promise<void> {
    this.indexWrite ??= (async () => {
      try {
        if (!this.healthNow.writable) return;
        await this.index.write(this.state.entries(), await this.state.filesPresent());
        this.reportedIndexProblem = undefined;
      } catch (err) {
        // Never the library's health: a cache that cannot be written (its folder alone denied, or
        // too big for what little room is left) must not stop messages being stored; a disk
        // problem that stops them is met by their own writes.
        const message = `The library index could not be written (${errorCode(err) ?? String(err)}); it is only a cache, so nothing is lost, and start-up reads the thread files instead.`;
        if (message !== this.reportedIndexProblem) this.report(message);
        this.reportedIndexProblem = message;
      } finally {
        this.indexWrite = undefined;
      }
    })();
    return this.indexWrite;
  }

  // ——— damage ———

  private damaged(threadId: string, segment: DamagedSegment): void {
    const state = this.state.get(threadId);
    if (state?.fold.aside.has(segment.start)) return;
    let found = this.damage.get(threadId);
    if (!found) this.damage.set(threadId, (found = new Map()));
    if (found.has(segment.start)) return;
    found.set(segment.start, segment);
    this.report(`${threadId}.jsonl: a damaged record at byte ${segment.start} (${segment.reason === 'checksum' ? 'its checksum does not match' : 'unreadable'}) was skipped; "Threadline: Check Library" sets it aside.`);
    this.emit({ type: 'damage', threadId });
    // The entry may count what is now damaged (the damage came after it was read): count again.
    if (state && !this.refolding.has(threadId)) {
      this.refolding.add(threadId);
      void this.state
        .refold(threadId)
        .then((changed) => changed && this.emit({ type: 'threads' }), () => undefined)
        .finally(() => this.refolding.delete(threadId));
    }
  }

  private require(id: string): ThreadState {
    const state = this.state.get(id);
    if (!state) throw new Error(`No thread with id "${id}" in the library.`);
    return state;
  }

  private emit(event: LibraryEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.report(`A library listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

export type { IndexEntry };

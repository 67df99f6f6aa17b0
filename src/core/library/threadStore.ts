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
import type { HistorySource } from '../backends/backend';
import { errorText } from '../errorText';
import { newLocalId } from '../ids';
import type { BackendKind, Message, ThreadMeta } from '../model';
import { LEGACY_INDEX_TEMP, removeStaleTemps, TEMP_PREFIX } from '../storage/atomicWrite';
import { nodeIo } from '../storage/io';
import type { LibraryIo } from '../storage/io';
import { createLinesFile } from '../storage/jsonl';
import type { OpenForReading } from '../storage/jsonl';
import { encodeRecordLine } from '../storage/recordLine';
import { DEFAULT_THREAD_TITLE, isSafeId, metaRecord } from '../storage/records';
import type { MetaPatch, ThreadRecord } from '../storage/records';
import { foldedMeta, foldRecord, newFold } from '../storage/threadFold';
import type { AroundPage, NewerPage, OlderPage } from '../storage/threadPages';
import { ChangeFeed } from './changeFeed';
import { checkLibrary } from './checkLibrary';
import type { CheckReport } from './checkLibrary';
import type { Change } from './changeFeed';
import { DamageLog } from './damageLog';
import type { LibraryHealth } from './health';
import { IndexWriter } from './indexWriter';
import { LibraryIndex } from './libraryIndex';
import { emptySync, LibraryState } from './libraryState';
import type { Sync, ThreadState } from './libraryState';
import { ThreadAppender } from './threadAppender';
import { ThreadReads } from './threadReads';
import { Trash } from './trash';
import type { TrashEntry } from './trash';
import { WriteGuard } from './writeGuard';

export { DEFAULT_THREAD_TITLE };
export type { AroundPage, CheckReport, NewerPage, OlderPage, TrashEntry };

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

export class ThreadStore {
  readonly threadsDir: string;
  private readonly io: LibraryIo;
  private readonly now: () => number;
  private readonly report: (message: string) => void;
  private readonly state: LibraryState;
  private readonly reads: ThreadReads;
  private readonly feed: ChangeFeed;
  private readonly trashBin: Trash;
  private readonly guard: WriteGuard;
  private readonly appender: ThreadAppender;
  private readonly indexWriter: IndexWriter;
  private readonly index: LibraryIndex;
  private readonly damage: DamageLog;
  private readonly listeners = new Set<(event: LibraryEvent) => void>();
  /** Message ids this window is storing right now: a catch-up that meets them is not news. */
  private readonly ownIds = new Set<string>();
  private disposed = false;

  private constructor(dir: string, options: ThreadStoreOptions) {
    this.threadsDir = path.join(dir, 'threads');
    this.io = options.io ?? nodeIo;
    this.now = options.now ?? Date.now;
    this.report = options.onProblem ?? (() => undefined);
    const { io, threadsDir, report } = this;
    const openFile = options.openFile ?? ((file: string) => io.open(file, 'r'));
    const damaged = (id: string, segment: Parameters<DamageLog['add']>[1]) => this.damage.add(id, segment);
    this.state = new LibraryState({ io, threadsDir, openFile, damaged });
    this.damage = new DamageLog({
      state: this.state,
      report,
      found: (threadId) => this.emit({ type: 'damage', threadId }),
      recounted: () => this.emit({ type: 'threads' }),
    });
    this.reads = new ThreadReads({
      openFile,
      fileOf: (id) => this.state.fileOf(id),
      require: (id) => void this.require(id),
      damaged,
      vanished: () => void this.refresh(),
      ...(options.cursorCapacity !== undefined ? { cursorCapacity: options.cursorCapacity } : {}),
    });
    this.feed = new ChangeFeed(io, threadsDir, randomUUID());
    this.trashBin = new Trash(io, threadsDir, this.now);
    this.guard = new WriteGuard({ io, threadsDir, report, changed: (health) => this.emit({ type: 'health', health }), queuing: () => this.appender.closeBatch() });
    this.index = new LibraryIndex(io, threadsDir);
    this.indexWriter = new IndexWriter(this.index, this.state, this.guard, report, options.indexDelayMs ?? 5000);
    this.appender = new ThreadAppender({
      io,
      state: this.state,
      guard: this.guard,
      feed: this.feed,
      ownIds: this.ownIds,
      external: (threadId, messages) => {
        this.emit({ type: 'messages', threadId, messages });
        this.emit({ type: 'threads' });
      },
      vanished: () => void this.refresh(),
      changed: () => this.indexWriter.schedule(),
    });
  }

  /**
   * Opens the library in `dir`. Never fails for a reason of the disk: a folder that cannot be
   * read or written opens as an empty or read-only library, and `health` says why.
   */
  static async open(dir: string, options: ThreadStoreOptions = {}): Promise<ThreadStore> {
    const store = new ThreadStore(dir, options);
    // Where the feed ends is noted before the library is read: what other windows announce while
    // it is read is read again, not missed.
    if (options.watch) await store.feed.mark();
    await store.load();
    if (options.watch) store.startWatching(typeof options.watch === 'object' ? options.watch.pollMs : undefined);
    return store;
  }

  get health(): LibraryHealth {
    return this.guard.health;
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

  /**
   * A new, empty thread. `id` is given only for a thread that already has one elsewhere (another
   * machine's, through Settings Sync); it fails if this library has a thread by that id.
   */
  async create(init: { backend: BackendKind; title?: string; workspaceFolder?: string; id?: string; createdAt?: number }): Promise<ThreadMeta> {
    const at = this.now();
    if (init.id !== undefined && (!isSafeId(init.id) || this.state.get(init.id))) throw new Error(`Cannot create a thread with id "${init.id}".`);
    const created = init.createdAt ?? at;
    const meta: ThreadMeta = { id: init.id ?? newLocalId('th'), title: init.title?.trim() || DEFAULT_THREAD_TITLE, createdAt: created, updatedAt: created, backend: init.backend, messageCount: 0 };
    if (init.workspaceFolder) meta.workspaceFolder = init.workspaceFolder;
    return this.guard.run(this.threadsDir, async () => {
      await this.io.mkdir(this.threadsDir);
      const record: ThreadRecord = { kind: 'thread', thread: meta };
      const size = await createLinesFile(this.io, this.state.fileOf(meta.id), [encodeRecordLine(record)]);
      const fold = newFold();
      foldRecord(fold, record, meta.id);
      this.state.set({ meta: foldedMeta(fold)!, fold, folded: size });
      await this.feed.announce(meta.id, 'created');
      this.indexWriter.schedule();
      return { ...meta };
    });
  }

  /** Changes the fields in `patch`; an explicit `undefined` (or `false` for a flag) clears a field. */
  async update(id: string, patch: MetaPatch): Promise<ThreadMeta> {
    this.require(id);
    return this.guard.run(this.state.fileOf(id), async () => {
      const [result] = await this.appender.appendRecords(id, [metaRecord(this.now(), patch)]);
      if (result instanceof Error) throw result;
      return result!;
    });
  }

  /**
   * Stores `message` at the end of the thread, after every append called before it in this
   * window. Resolves once the message is written and fsynced (see `health` when the flush
   * failed); rejects when it is not in the file, and then nothing of it will ever be read.
   * `written` is called as soon as the message is in the file, before the fsync.
   */
  async append(threadId: string, message: Message, written?: () => void): Promise<ThreadMeta> {
    if (message.threadId !== threadId) throw new Error(`Message ${message.id} belongs to thread ${message.threadId}, not ${threadId}.`);
    this.require(threadId);
    const at = Number.isFinite(message.createdAt) ? message.createdAt : this.now();
    const record: ThreadRecord = { kind: 'message', at, message };
    // Copied now, so later changes to the caller's object cannot leak in.
    return this.appender.append(threadId, JSON.parse(JSON.stringify(record)) as ThreadRecord, written);
  }

  /**
   * Moves the thread to the trash (see restore). `serverDeleted`: its server-side copy was deleted
   * with it, so a restored thread starts a new one with the local history.
   */
  async delete(id: string, options: { serverDeleted?: boolean } = {}): Promise<TrashEntry> {
    this.require(id);
    return this.guard.run(this.threadsDir, async () => {
      const state = this.require(id);
      const entry: TrashEntry = { thread: { ...state.meta }, deletedAt: this.now(), bytes: state.folded, ...(options.serverDeleted ? { serverDeleted: true } : {}) };
      await this.trashBin.put(this.state.fileOf(id), entry);
      this.forget(id);
      await this.feed.announce(id, 'deleted');
      this.indexWriter.schedule();
      return entry;
    });
  }

  /** Threads in the trash, most recently deleted first. */
  trash(): Promise<TrashEntry[]> {
    return this.trashBin.list();
  }

  /** Brings a thread back from the trash, whole, with anything appended to it meanwhile. */
  async restore(id: string): Promise<ThreadMeta> {
    return this.guard.run(this.threadsDir, async () => {
      const entry = await this.trashBin.take(id, this.state.fileOf(id));
      if (!entry) throw new Error(l10n.t('That thread is no longer in Recently Deleted (restored in another window, or deleted for good).'));
      const sync = emptySync();
      await this.state.syncThread(id, { meta: entry.thread, bytes: entry.bytes }, this.ownIds, sync);
      if (entry.serverDeleted && entry.thread.remoteId) {
        // Its server copy is gone for good: the next send starts a new one with the local history.
        await this.appender.appendRecords(id, [metaRecord(this.now(), { remoteId: undefined, remoteGone: true, goneRemoteId: entry.thread.remoteId })]);
      }
      await this.feed.announce(id, 'restored');
      this.indexWriter.schedule();
      return this.require(id).meta;
    });
  }

  /** Deletes a thread in the trash for good. */
  async deleteForever(id: string): Promise<void> {
    await this.guard.run(this.trashBin.dir, () => this.trashBin.remove(id));
  }

  // Reading a thread: never the whole file but for `messages` (see threadReads.ts).
  messages = (threadId: string): Promise<Message[]> => this.reads.messages(threadId);
  page = (threadId: string, options: { before?: string; limit: number }): Promise<OlderPage> => this.reads.page(threadId, options);
  pageAfter = (threadId: string, options: { after: string; limit: number }): Promise<NewerPage> => this.reads.pageAfter(threadId, options);
  pageAround = (threadId: string, messageId: string, limit: number): Promise<AroundPage> => this.reads.pageAround(threadId, messageId, limit);
  historyBefore = (threadId: string, messageId: string): HistorySource => this.reads.historyBefore(threadId, messageId);
  message = (threadId: string, messageId: string): Promise<Message | undefined> => this.reads.message(threadId, messageId);
  eachMessage = (threadId: string): AsyncGenerator<Message> => this.reads.eachMessage(threadId);
  storedText = (threadId: string): AsyncGenerator<string> => this.reads.storedText(threadId);
  lastMessages = (threadId: string, count: number): Promise<Message[]> => this.reads.lastMessages(threadId, count);

  /** Damaged records found and not yet set aside: thread id → how many. */
  damagedThreads(): Map<string, number> {
    return this.damage.threads();
  }

  /** Looks at every thread file now (after a window regains focus, or a missed change). */
  async refresh(): Promise<void> {
    if (this.disposed) return;
    const sync = await this.state.sync(new Map(), this.ownIds).catch(() => emptySync());
    this.publish(sync);
  }

  /**
   * Check Library: reads every record of every thread, sets damaged ones aside, writes lost headers
   * again, corrects counts, and clears what crashes left (see checkLibrary.ts).
   */
  async check(): Promise<CheckReport> {
    const report = await checkLibrary({
      io: this.io,
      threadsDir: this.threadsDir,
      state: this.state,
      trash: this.trashBin,
      damage: this.damage,
      now: this.now,
      append: (id, records) =>
        this.guard.run(this.state.fileOf(id), async () => {
          const failed = (await this.appender.appendRecords(id, records)).find((r) => r instanceof Error);
          if (failed) throw failed;
        }),
    });
    // Something moved out of the library's way may be what kept it from taking writes.
    await this.guard.enqueue(() => this.guard.probe());
    await this.indexWriter.flush();
    this.emit({ type: 'threads' });
    return report;
  }

  /** Tries a write; if it succeeds the library takes writes again. */
  async retryWrites(): Promise<LibraryHealth> {
    await this.guard.enqueue(() => this.guard.probe());
    if (this.guard.health.writable) this.indexWriter.schedule();
    return this.guard.health;
  }

  /** Writes the index now (it is otherwise written shortly after changes). */
  flush(): Promise<void> {
    return this.indexWriter.flush();
  }

  /** Stops listening to other windows, lets queued writes finish, and writes the index. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.feed.dispose();
    this.indexWriter.stop();
    await this.guard.enqueue(() => Promise.resolve());
    await this.indexWriter.flush().catch(() => undefined);
    this.listeners.clear();
  }

  // ——— opening and following other windows ———

  private async load(): Promise<void> {
    try {
      await this.io.mkdir(this.threadsDir);
    } catch (err) {
      this.guard.degrade(err, this.threadsDir);
    }
    const read = await this.index.read();
    if (read.problem) this.report(read.problem);
    let sync: Sync;
    try {
      sync = await this.state.sync(read.entries);
    } catch (err) {
      // The folder cannot be listed: an empty library that says why, rather than no extension.
      // When it could not even be made, that failure is the why (listing it then finds nothing).
      if (this.guard.health.writable) this.guard.degrade(err, this.threadsDir);
      return;
    }
    if (sync.unreadable.size) this.report(`${sync.unreadable.size} thread file(s) could not be read: ${[...sync.unreadable].map(([id, why]) => `${id} (${why})`).join(', ')}.`);
    const stale = sync.changed.size > 0 || [...read.entries.keys()].some((id) => !this.state.get(id)) || read.entries.size !== this.state.size;
    if (stale) this.indexWriter.schedule();
    // Housekeeping that nothing waits for: a probe (a read-only folder is found before the user
    // types), the trash's old threads, temp files a crash left (index, probes, trash notes).
    void this.guard.enqueue(() => (this.guard.health.writable ? this.guard.probe() : Promise.resolve()));
    void this.trashBin.purge().catch(() => undefined);
    void this.index.clean().catch(() => undefined);
    void removeStaleTemps(this.io, this.threadsDir, { prefixes: [TEMP_PREFIX, LEGACY_INDEX_TEMP] });
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
      this.indexWriter.schedule();
    }
  }

  private forget(id: string): void {
    this.state.forget(id);
    this.reads.cursors.forgetThread(id);
    this.damage.forget(id);
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
        this.report(`A library listener failed: ${errorText(err)}`);
      }
    }
  }
}


// This window's view of the library: each thread's entry and how many bytes of its file the
// entry covers. The files are the truth and other windows write them too, so the view only ever
// moves forward: it catches a thread up by folding the records after the bytes it covers, reads
// a thread it has not seen whole, and forgets one whose file is gone. Work on one thread is done
// one step at a time (a catch-up never races a fold of this window's own append).
import path from 'node:path';
import type { Message, ThreadMeta } from '../model';
import { errorCode } from '../storage/io';
import type { LibraryIo } from '../storage/io';
import type { OpenForReading } from '../storage/jsonl';
import type { DamagedSegment } from '../storage/recordLine';
import { isSafeId } from '../storage/records';
import { catchUp } from '../storage/threadFile';
import { foldedMeta, newFold } from '../storage/threadFold';
import type { HeaderFallback, ThreadFold } from '../storage/threadFold';
import type { IndexEntry } from './libraryIndex';

export const THREAD_FILE = '.jsonl';

export interface ThreadState {
  meta: ThreadMeta;
  fold: ThreadFold;
  /** Bytes of the file folded into `meta`: a record boundary. */
  folded: number;
  /** Stands in for a lost header (the index's last word on it). */
  fallback?: HeaderFallback;
}

export interface LibraryStateDeps {
  io: LibraryIo;
  threadsDir: string;
  openFile: OpenForReading;
  /** A read met a damaged record of thread `threadId`. */
  damaged: (threadId: string, segment: DamagedSegment) => void;
}

/** What a look at the files found: threads that changed, appeared or went. */
export interface Sync {
  changed: Set<string>;
  removed: Set<string>;
  /** Messages folded in, by thread (stored by other windows, or by this one: see `ownIds`). */
  messages: Map<string, Message[]>;
  /** Files that could not be read (permissions, I/O errors), with why. */
  unreadable: Map<string, string>;
}

export function emptySync(): Sync {
  return { changed: new Set(), removed: new Set(), messages: new Map(), unreadable: new Map() };
}

export class LibraryState {
  private readonly threads = new Map<string, ThreadState>();
  private readonly steps = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: LibraryStateDeps) {}

  get(id: string): ThreadState | undefined {
    return this.threads.get(id);
  }

  values(): IterableIterator<ThreadState> {
    return this.threads.values();
  }

  get size(): number {
    return this.threads.size;
  }

  set(state: ThreadState): void {
    this.threads.set(state.meta.id, state);
  }

  forget(id: string): boolean {
    return this.threads.delete(id);
  }

  fileOf(id: string): string {
    return path.join(this.deps.threadsDir, `${id}${THREAD_FILE}`);
  }

  /** Runs `task` on thread `id` after the steps already queued for it. */
  step<T>(id: string, task: () => Promise<T>): Promise<T> {
    const previous = this.steps.get(id) ?? Promise.resolve();
    const result = previous.then(task, task);
    const settled = result.catch(() => undefined);
    this.steps.set(id, settled);
    void settled.then(() => {
      if (this.steps.get(id) === settled) this.steps.delete(id);
    });
    return result;
  }

  /** The index entries of every thread, for an index write. */
  entries(): Map<string, IndexEntry> {
    const entries = new Map<string, IndexEntry>();
    for (const state of this.threads.values()) {
      const entry: IndexEntry = { meta: state.meta, bytes: state.folded };
      if (!state.fold.header) entry.headerless = true;
      if (state.fold.aside.size) entry.aside = [...state.fold.aside];
      entries.set(state.meta.id, entry);
    }
    return entries;
  }

  /** Ids of the thread files in the library folder now. */
  async filesPresent(): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const name of await this.deps.io.readdir(this.deps.threadsDir)) {
      if (!name.endsWith(THREAD_FILE)) continue;
      const id = name.slice(0, -THREAD_FILE.length);
      if (isSafeId(id)) ids.add(id);
    }
    return ids;
  }

  /**
   * Looks at every thread file: new ones are read, longer ones caught up, missing ones forgotten.
   * `known` entries (an index) spare reading files they already cover. `ownIds` are message ids
   * this window is storing right now, left out of `messages`.
   */
  async sync(known: ReadonlyMap<string, IndexEntry> = new Map(), ownIds: ReadonlySet<string> = new Set()): Promise<Sync> {
    const result = emptySync();
    const present = await this.filesPresent();
    for (const id of [...this.threads.keys()]) {
      if (!present.has(id)) {
        this.threads.delete(id);
        result.removed.add(id);
      }
    }
    const ids = [...present];
    // A few files at a time: 10,000 stats at once would only queue up in libuv's pool.
    for (let i = 0; i < ids.length; i += 32) {
      await Promise.all(ids.slice(i, i + 32).map((id) => this.syncThread(id, known.get(id), ownIds, result)));
    }
    return result;
  }

  /** Catches thread `id` up with its file (reading it whole when it is new here). */
  syncThread(id: string, entry: IndexEntry | undefined, ownIds: ReadonlySet<string>, result: Sync): Promise<void> {
    return this.step(id, async () => {
      let size: number;
      try {
        size = (await this.deps.io.stat(this.fileOf(id))).size;
      } catch (err) {
        if (errorCode(err) === 'ENOENT') {
          if (this.threads.delete(id)) result.removed.add(id);
        } else {
          result.unreadable.set(id, errorCode(err) ?? String(err));
        }
        return;
      }
      let state = this.threads.get(id);
      if (!state && entry && entry.bytes <= size) {
        state = fromEntry(entry);
        this.threads.set(id, state);
        if (entry.bytes < size) result.changed.add(id);
      }
      if (state && state.folded === size) return;
      // Shorter than what was folded: the file was replaced (a restore of an older copy): read it whole.
      const fresh = !state || state.folded > size;
      const fallback = state?.fallback ?? (entry && fallbackOf(entry.meta));
      const base: ThreadState = fresh ? { meta: emptyMeta(id), fold: newFold(), folded: 0, ...(fallback ? { fallback } : {}) } : state!;
      try {
        const messages = await this.fold(base, ownIds);
        if (!base.fold.meta) {
          // Nothing readable yet (a file being created, or all damage): not a thread to list.
          if (this.threads.delete(id)) result.removed.add(id);
          return;
        }
        this.threads.set(id, base);
        result.changed.add(id);
        if (messages.length && !fresh) result.messages.set(id, [...(result.messages.get(id) ?? []), ...messages]);
      } catch (err) {
        if (errorCode(err) === 'ENOENT') {
          if (this.threads.delete(id)) result.removed.add(id);
        } else {
          result.unreadable.set(id, errorCode(err) ?? String(err));
        }
      }
    });
  }

  /**
   * Reads thread `id` whole again (damage was found in what an earlier read counted): its entry
   * then counts only what is readable now. Resolves with whether the entry changed.
   */
  refold(id: string): Promise<boolean> {
    return this.step(id, async () => {
      const state = this.threads.get(id);
      if (!state) return false;
      const fresh: ThreadState = { meta: state.meta, fold: newFold(), folded: 0, fallback: state.fallback ?? fallbackOf(state.meta) };
      await this.fold(fresh);
      if (!fresh.fold.meta) return false;
      const changed = JSON.stringify(fresh.meta) !== JSON.stringify(state.meta);
      Object.assign(state, fresh);
      return changed;
    });
  }

  /** Folds what `state`'s file holds past `state.folded`; returns the messages folded (but `ownIds`). Not queued: call from a step. */
  async fold(state: ThreadState, ownIds: ReadonlySet<string> = new Set()): Promise<Message[]> {
    const id = state.meta.id;
    const handle = await this.deps.openFile(this.fileOf(id));
    const messages: Message[] = [];
    // Folded into a copy, kept only if the whole read succeeds: a read that fails half-way must
    // not leave records counted that the next catch-up counts again.
    const fold = cloneFold(state.fold);
    const asideBefore = state.folded > 0 ? state.fold.aside.size : undefined;
    try {
      // Told after the read: an `aside` record further on may say a damaged record is known.
      const damaged: DamagedSegment[] = [];
      const { folded } = await catchUp({ handle, damaged: (segment) => damaged.push(segment) }, id, fold, state.folded, {
        ...(state.fallback ? { fallback: state.fallback } : {}),
        onMessage: (message) => {
          if (!ownIds.has(message.id)) messages.push(message);
        },
      });
      // Entry and bytes change together: an index written while the file closes must not pair
      // the new bytes with the old count.
      state.fold = fold;
      state.folded = folded;
      const meta = foldedMeta(fold, state.fallback);
      if (meta) state.meta = meta;
      for (const segment of damaged) if (!fold.aside.has(segment.start)) this.deps.damaged(id, segment);
    } finally {
      await handle.close();
    }
    // Check Library set records aside that this entry may have counted while they were still
    // readable: read the thread whole again so its count is what is readable now.
    if (asideBefore !== undefined && state.fold.aside.size > asideBefore) void this.refold(id);
    return messages;
  }
}

/** A thread's state from its index entry: folded as far as the entry says. */
export function fromEntry(entry: IndexEntry): ThreadState {
  const fold = newFold();
  fold.meta = { ...entry.meta };
  fold.header = !entry.headerless;
  fold.backendKnown = true;
  for (const start of entry.aside ?? []) fold.aside.add(start);
  const state: ThreadState = { meta: { ...entry.meta }, fold, folded: entry.bytes };
  if (entry.headerless) state.fallback = fallbackOf(entry.meta);
  return state;
}

export function fallbackOf(meta: ThreadMeta): HeaderFallback {
  const fallback: HeaderFallback = { title: meta.title, createdAt: meta.createdAt, backend: meta.backend };
  if (meta.workspaceFolder) fallback.workspaceFolder = meta.workspaceFolder;
  if (meta.titleLocked) fallback.titleLocked = true;
  return fallback;
}

function cloneFold(fold: ThreadFold): ThreadFold {
  return { meta: fold.meta && { ...fold.meta }, header: fold.header, backendKnown: fold.backendKnown, aside: new Set(fold.aside) };
}

function emptyMeta(id: string): ThreadMeta {
  return { id, title: '', createdAt: 0, updatedAt: 0, backend: 'responses', messageCount: 0 };
}

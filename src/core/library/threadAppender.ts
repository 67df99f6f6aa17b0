// Appending records to thread files and folding them into this window's view. Appends queued back
// to back share one write and one fsync per thread: a burst (an import, a test's 10,000 messages)
// costs a handful of syncs instead of one each. An append resolves once its record is written
// and fsynced; it rejects when its record is not in the file, and then no window will ever read it.
import * as l10n from '@vscode/l10n';
import type { Message, ThreadMeta } from '../model';
import { errorCode } from '../storage/io';
import type { LibraryIo } from '../storage/io';
import { appendLines } from '../storage/jsonl';
import { encodeRecordLine } from '../storage/recordLine';
import type { ThreadRecord } from '../storage/records';
import { foldedMeta, foldRecord } from '../storage/threadFold';
import type { ChangeFeed } from './changeFeed';
import type { LibraryState } from './libraryState';
import type { WriteGuard } from './writeGuard';

export interface ThreadAppenderDeps {
  io: LibraryIo;
  state: LibraryState;
  guard: WriteGuard;
  feed: ChangeFeed;
  /** Message ids this window is storing right now (a catch-up that meets them is not news). */
  ownIds: Set<string>;
  /** Another window's messages turned up while folding this window's own. */
  external: (threadId: string, messages: Message[]) => void;
  /** The thread file is gone: the library should look again. */
  vanished: () => void;
  changed: () => void;
}

interface PendingAppend {
  threadId: string;
  record: ThreadRecord;
  resolve: (meta: ThreadMeta) => void;
  reject: (err: unknown) => void;
  /** Called once the record is written, before the fsync (see ThreadStore.append). */
  written?: () => void;
}

export const threadDeleted = (): string => l10n.t('That thread was deleted, perhaps in another window.');

export class ThreadAppender {
  /** Appends queued but not started; further appends join them (see writeBatch). */
  private batch: PendingAppend[] | undefined;

  constructor(private readonly deps: ThreadAppenderDeps) {}

  /** Queues `record` for thread `threadId`; resolves with the thread's entry just after it. */
  append(threadId: string, record: ThreadRecord, written?: () => void): Promise<ThreadMeta> {
    let batch = this.batch;
    if (!batch) {
      const opened: PendingAppend[] = [];
      // Queuing closes any open batch (see closeBatch), so the new one is opened only after.
      void this.deps.guard.enqueue(() => this.writeBatch(opened));
      this.batch = batch = opened;
    }
    const joined = batch;
    return new Promise<ThreadMeta>((resolve, reject) => joined.push({ threadId, record, resolve, reject, ...(written ? { written } : {}) }));
  }

  /** Something else was queued: later appends must not join a batch queued before it. */
  closeBatch(): void {
    this.batch = undefined;
  }

  /**
   * Appends `records` to thread `id` and folds them in. Each result is the thread's entry just
   * after that record, or the error that kept it out of the file. Throws when nothing could be
   * written (the file is gone or cannot be opened). Call from the write queue.
   */
  async appendRecords(id: string, records: ThreadRecord[], onWritten?: () => void): Promise<Array<ThreadMeta | Error>> {
    const { state, ownIds } = this.deps;
    const file = state.fileOf(id);
    const own = records.flatMap((r) => (r.kind === 'message' ? [r.message.id] : []));
    for (const messageId of own) ownIds.add(messageId);
    try {
      const lines = records.map(encodeRecordLine);
      // The other windows are told as soon as every record is in the file, while it is fsynced.
      let announced: Promise<void> | undefined;
      const written = () => {
        announced = this.deps.feed.announce(id, 'changed');
        onWritten?.();
      };
      let outcome;
      try {
        outcome = await appendLines(this.deps.io, file, lines, written);
      } catch (err) {
        if (errorCode(err) !== 'ENOENT') throw err;
        this.deps.vanished();
        throw new Error(threadDeleted());
      }
      // Written and readable by every window, but perhaps not on the platter: say so, keep it.
      if (outcome.syncError) this.deps.guard.degrade(outcome.syncError, file);
      const whole = outcome.landed === records.length && outcome.written === lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
      const landed = records.slice(0, outcome.landed);
      const results: Array<ThreadMeta | Error> = await state.step(id, () => this.foldOwn(id, landed, outcome.sizeAfter, whole ? outcome.written : undefined));
      const failure = outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error ?? 'not written'));
      while (results.length < records.length) results.push(failure);
      if (outcome.landed > 0) {
        // Told before it is acknowledged: a window that dies the moment after has told the others.
        await (announced ?? this.deps.feed.announce(id, 'changed'));
        this.deps.changed();
      }
      return results;
    } finally {
      for (const messageId of own) ownIds.delete(messageId);
    }
  }

  /** Writes a batch; never rejects: each append's own promise carries its outcome. */
  private async writeBatch(batch: PendingAppend[]): Promise<void> {
    if (this.batch === batch) this.batch = undefined;
    const byThread = new Map<string, PendingAppend[]>();
    for (const pending of batch) byThread.set(pending.threadId, [...(byThread.get(pending.threadId) ?? []), pending]);
    const { guard, state } = this.deps;
    for (const [threadId, pendings] of byThread) {
      const where = state.fileOf(threadId);
      try {
        guard.ensureWritable();
        const results = await this.appendRecords(
          threadId,
          pendings.map((p) => p.record),
          () => pendings.forEach((p) => p.written?.()),
        );
        pendings.forEach((pending, i) => {
          const result = results[i]!;
          if (result instanceof Error) pending.reject(guard.failed(result, where));
          else pending.resolve(result);
        });
      } catch (err) {
        const failure = guard.failed(err, where);
        for (const pending of pendings) pending.reject(failure);
      }
    }
  }

  /**
   * Folds this window's records, just written, into the thread's state. When the file grew by
   * exactly what this write wrote (`written`), they are folded as they are; otherwise another
   * window wrote too (or the size is unknown), and the file is read on from where the state
   * stood, theirs included.
   */
  private async foldOwn(id: string, records: ThreadRecord[], sizeAfter: number | undefined, written: number | undefined): Promise<ThreadMeta[]> {
    const state = this.deps.state.get(id);
    if (!state) throw new Error(threadDeleted());
    if (written !== undefined && sizeAfter !== undefined && state.folded === sizeAfter - written) {
      const metas: ThreadMeta[] = [];
      for (const record of records) {
        foldRecord(state.fold, record, id, state.fallback);
        metas.push(foldedMeta(state.fold, state.fallback)!);
      }
      state.folded = sizeAfter;
      state.meta = foldedMeta(state.fold, state.fallback)!;
      return metas;
    }
    // The size unknown (it could not be measured): only a read of the file tells where it ends.
    if (sizeAfter === undefined || state.folded < sizeAfter) {
      const mine = new Set(records.flatMap((r) => (r.kind === 'message' ? [r.message.id] : [])));
      const external = await this.deps.state.fold(state, mine);
      if (external.length) this.deps.external(id, external);
    }
    // Folded by now (here, or by a catch-up that got there first): each record's entry is the latest.
    return records.map(() => ({ ...state.meta }));
  }
}

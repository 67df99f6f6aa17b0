// Checks the library against the server. No endpoint lists conversations or Assistants threads,
// so the local index stays the source of truth; this only asks, thread by thread, whether the
// server-side copy still exists, and records the answer. Nothing is ever deleted.
//
// A missing server thread is marked `remoteGone`, and its id moves from `remoteId` to
// `goneRemoteId`: without a `remoteId` the next send takes the path an imported thread takes
// (a new server thread seeded with the local history), and the old id stays on record so the
// UI can name it and a later reconcile can notice that it came back (then it moves back).
import type { Backend } from '../backends/backend';
import { describeError } from '../backends/errors';
import type { BackendKind, ThreadMeta } from '../model';
import type { ThreadStore } from '../library/threadStore';

export interface ReconcileOptions {
  /** Stops starting checks; the result then covers the checks that finished. */
  signal?: AbortSignal;
  /** Called with (0, total) first, then after every finished check. */
  onProgress?: (done: number, total: number) => void;
}

export interface ReconcileResult {
  /** Threads whose server copy was asked about and answered. */
  checked: number;
  /** Local ids of threads whose server copy is missing (newly or still). */
  gone: string[];
  /** Threads that could not be checked; left as they were. */
  failed: { threadId: string; error: string }[];
}

/** Checks in flight at once: enough to hide latency, few enough not to trip a rate limit. */
const CONCURRENCY = 4;

interface Target {
  threadId: string;
  remoteId: string;
  threadExists: NonNullable<Backend['threadExists']>;
}

/** What one check found; undefined while unchecked (or skipped after a stop). */
type Outcome = { exists: boolean } | { error: string } | undefined;

export async function reconcileThreads(store: ThreadStore, backendFor: (kind: BackendKind) => Backend, options: ReconcileOptions = {}): Promise<ReconcileResult> {
  const { signal, onProgress } = options;
  const targets = store.list().flatMap((thread) => targetOf(thread, backendFor));
  // Indexed like `targets`, so the result lists threads in list order whatever order checks finish in.
  const outcomes: Outcome[] = targets.map(() => undefined);
  // One iterator shared by the workers: each takes the next unchecked thread.
  const queue = targets.entries();
  let done = 0;
  onProgress?.(0, targets.length);

  const worker = async () => {
    for (const [index, target] of queue) {
      if (signal?.aborted) return;
      try {
        const exists = await target.threadExists(target.remoteId, signal ? { signal } : {});
        await record(store, target, exists);
        outcomes[index] = { exists };
      } catch (err) {
        // A check cut short by the stop is not a failure of the thread.
        if (!signal?.aborted) outcomes[index] = { error: describeError(err).message };
      }
      onProgress?.(++done, targets.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, targets.length) }, worker));

  const result: ReconcileResult = { checked: 0, gone: [], failed: [] };
  targets.forEach(({ threadId }, i) => {
    const outcome = outcomes[i];
    if (outcome === undefined) return;
    if ('error' in outcome) {
      result.failed.push({ threadId, error: outcome.error });
      return;
    }
    result.checked++;
    if (!outcome.exists) result.gone.push(threadId);
  });
  return result;
}

function targetOf(thread: ThreadMeta, backendFor: (kind: BackendKind) => Backend): Target[] {
  const remoteId = thread.remoteId ?? thread.goneRemoteId;
  if (!remoteId) return [];
  const backend = backendFor(thread.backend);
  if (!backend.threadExists) return [];
  return [{ threadId: thread.id, remoteId, threadExists: backend.threadExists.bind(backend) }];
}

/** Stores the answer, unless the thread changed meanwhile (deleted, re-sent to a new server thread, moved to another dialect). */
async function record(store: ThreadStore, { threadId, remoteId }: Target, exists: boolean): Promise<void> {
  const current = store.get(threadId);
  if (!current) return;
  if (!exists && current.remoteId === remoteId) {
    await store.update(threadId, { remoteGone: true, goneRemoteId: remoteId, remoteId: undefined });
  } else if (exists && !current.remoteId && current.goneRemoteId === remoteId) {
    await store.update(threadId, { remoteGone: false, goneRemoteId: undefined, remoteId });
  }
}

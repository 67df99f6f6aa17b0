// Folding a thread file's records, in file order, into the thread's index entry. A fold can stop
// at any record boundary and go on later from there (a window catching up with what another
// window appended), so it is a small value, not a pass over the file.
import type { BackendKind, ThreadMeta } from '../model';
import { applyPatch, DEFAULT_THREAD_TITLE } from './records';
import type { ThreadRecord } from './records';

export interface ThreadFold {
  /** The entry so far; undefined before the first record. */
  meta: ThreadMeta | undefined;
  /** A readable header (`thread` record) was seen; without one the header fields are a fallback. */
  header: boolean;
  /** The dialect is known: from a header, or from a patch that moved the thread to another. */
  backendKnown: boolean;
  /** Starts of the damaged byte ranges Check Library has set aside (readers skip them quietly). */
  aside: Set<number>;
}

/** What the header gave when the header itself is lost: the index's last word on it, if any. */
export type HeaderFallback = Pick<ThreadMeta, 'title' | 'createdAt' | 'backend'> & Partial<Pick<ThreadMeta, 'workspaceFolder' | 'titleLocked'>>;

export function newFold(): ThreadFold {
  return { meta: undefined, header: false, backendKnown: false, aside: new Set() };
}

/** Folds one record into `fold`; `fallback` stands in for a header that was lost. */
export function foldRecord(fold: ThreadFold, record: ThreadRecord, id: string, fallback?: HeaderFallback): void {
  switch (record.kind) {
    case 'thread': {
      if (fold.header) return;
      // The first header, or (after damage) the one Check Library wrote from the index: it names
      // the thread's dialect and title; messages already counted stay counted.
      const before = fold.meta;
      fold.meta = { ...record.thread, id, messageCount: before?.messageCount ?? 0, updatedAt: Math.max(record.thread.updatedAt, before?.updatedAt ?? 0) };
      fold.header = true;
      fold.backendKnown = true;
      return;
    }
    case 'message': {
      const base = fold.meta ?? headless(id, record.message.createdAt, fallback);
      fold.meta = { ...base, messageCount: base.messageCount + 1, updatedAt: record.at };
      return;
    }
    case 'meta':
      if (record.patch.backend !== undefined) fold.backendKnown = true;
      fold.meta = applyPatch(fold.meta ?? headless(id, record.at, fallback), record.patch, record.at);
      return;
    case 'aside':
      for (const [start] of record.ranges) fold.aside.add(start);
      return;
  }
}

/**
 * The entry the fold arrived at. Without a header and without the index's word on it, the dialect
 * is inferred: a server thread id says which dialect made it (`conv_…` Responses, `thread_…`
 * Assistants), and messages with no server thread at all can only be Chat Completions'.
 */
export function foldedMeta(fold: ThreadFold, fallback?: HeaderFallback): ThreadMeta | undefined {
  const meta = fold.meta;
  if (!meta || fold.backendKnown || fallback) return meta && { ...meta };
  return { ...meta, backend: inferredBackend(meta) };
}

function inferredBackend(meta: ThreadMeta): BackendKind {
  const serverId = meta.remoteId ?? meta.goneRemoteId;
  if (serverId?.startsWith('conv_')) return 'responses';
  if (serverId?.startsWith('thread_')) return 'assistants';
  return meta.messageCount > 0 && !serverId ? 'chat' : meta.backend;
}

function headless(id: string, createdAt: number, fallback: HeaderFallback | undefined): ThreadMeta {
  const base: ThreadMeta = { id, title: DEFAULT_THREAD_TITLE, createdAt, updatedAt: createdAt, backend: 'responses', messageCount: 0 };
  if (!fallback) return base;
  const { title, createdAt: created, backend, workspaceFolder, titleLocked } = fallback;
  return { ...base, title, createdAt: created, updatedAt: Math.max(created, createdAt), backend, ...(workspaceFolder ? { workspaceFolder } : {}), ...(titleLocked ? { titleLocked } : {}) };
}

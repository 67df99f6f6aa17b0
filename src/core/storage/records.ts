// The records of a thread file and how they fold into the thread's index entry. Every record
// carries what it changes, so replaying a file alone rebuilds its entry exactly.
import type { BackendKind, Message, MessageStatus, ThreadMeta } from '../model';

export type MetaPatch = Partial<Pick<ThreadMeta, 'title' | 'remoteId'>>;

export type ThreadRecord =
  /** First line: the thread as created. */
  | { kind: 'thread'; thread: ThreadMeta }
  /** `at` is the updatedAt the message gave the thread. */
  | { kind: 'message'; at: number; message: Message }
  /** A title/remoteId change; a `remoteId` of null clears it (JSON has no undefined). */
  | { kind: 'meta'; at: number; patch: { title?: string; remoteId?: string | null } };

export const DEFAULT_THREAD_TITLE = 'New thread';

const BACKENDS: readonly BackendKind[] = ['responses', 'assistants', 'chat'];
const STATUSES: readonly MessageStatus[] = ['complete', 'cancelled', 'incomplete', 'error'];

/** Ids become file names, so only these characters are accepted from disk. */
export function isSafeId(id: unknown): id is string {
  return typeof id === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(id);
}

export function encodeRecord(record: ThreadRecord): string {
  return JSON.stringify(record);
}

export function metaRecord(at: number, patch: MetaPatch): ThreadRecord {
  const encoded: { title?: string; remoteId?: string | null } = {};
  if (patch.title !== undefined) encoded.title = patch.title;
  if ('remoteId' in patch) encoded.remoteId = patch.remoteId ?? null;
  return { kind: 'meta', at, patch: encoded };
}

/** The record on `line`, or undefined when it is not valid JSON of a known shape. */
export function parseRecord(line: string): ThreadRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  switch (value.kind) {
    case 'thread':
      return isThreadMeta(value.thread) ? { kind: 'thread', thread: value.thread } : undefined;
    case 'message':
      return isFiniteNumber(value.at) && isMessage(value.message) ? { kind: 'message', at: value.at, message: value.message } : undefined;
    case 'meta': {
      const patch = value.patch;
      if (!isFiniteNumber(value.at) || !isObject(patch)) return undefined;
      if (patch.title !== undefined && typeof patch.title !== 'string') return undefined;
      if (patch.remoteId !== undefined && patch.remoteId !== null && typeof patch.remoteId !== 'string') return undefined;
      return { kind: 'meta', at: value.at, patch: patch as { title?: string; remoteId?: string | null } };
    }
    default:
      return undefined;
  }
}

/** Applies a patch as given by the API (an explicit `remoteId: undefined` clears it). */
export function applyPatch(meta: ThreadMeta, patch: MetaPatch | { title?: string; remoteId?: string | null }, at: number): ThreadMeta {
  const next: ThreadMeta = { ...meta, updatedAt: at };
  if (typeof patch.title === 'string') next.title = patch.title;
  if ('remoteId' in patch) {
    if (typeof patch.remoteId === 'string') next.remoteId = patch.remoteId;
    else delete next.remoteId;
  }
  return next;
}

/** Folds one record into the entry rebuilt so far (undefined before the header). */
export function applyRecord(meta: ThreadMeta | undefined, record: ThreadRecord, id: string): ThreadMeta {
  switch (record.kind) {
    case 'thread':
      // A second header cannot happen through the API; the first one wins.
      return meta ?? { ...record.thread, id, messageCount: 0 };
    case 'message': {
      const base = meta ?? headless(id, record.message.createdAt);
      return { ...base, messageCount: base.messageCount + 1, updatedAt: record.at };
    }
    case 'meta':
      return applyPatch(meta ?? headless(id, record.at), record.patch, record.at);
  }
}

// When the header line itself was lost, the messages still count; the rest is a best guess.
function headless(id: string, createdAt: number): ThreadMeta {
  return { id, title: DEFAULT_THREAD_TITLE, createdAt, updatedAt: createdAt, backend: 'responses', messageCount: 0 };
}

export function isThreadMeta(value: unknown): value is ThreadMeta {
  return (
    isObject(value) &&
    isSafeId(value.id) &&
    typeof value.title === 'string' &&
    isFiniteNumber(value.createdAt) &&
    isFiniteNumber(value.updatedAt) &&
    BACKENDS.includes(value.backend as BackendKind) &&
    (value.remoteId === undefined || typeof value.remoteId === 'string') &&
    Number.isInteger(value.messageCount) &&
    (value.messageCount as number) >= 0
  );
}

function isMessage(value: unknown): value is Message {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    typeof value.threadId === 'string' &&
    (value.role === 'user' || value.role === 'assistant') &&
    Array.isArray(value.content) &&
    isFiniteNumber(value.createdAt) &&
    STATUSES.includes(value.status as MessageStatus)
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

// The records of a thread file and how they fold into the thread's index entry. Every record
// carries what it changes, so replaying a file alone rebuilds its entry exactly.
import type { BackendKind, ContextLimits, Message, MessageStatus, ThreadMeta } from '../model';

export type MetaPatch = Partial<Pick<ThreadMeta, 'title' | 'remoteId' | 'goneRemoteId' | 'backend' | 'limits' | 'workspaceFolder' | 'bookmarks' | ThreadFlag>>;

/** The boolean flags of a thread: stored only when true, so `false` in a patch removes the field. */
type ThreadFlag = 'pinned' | 'archived' | 'titleLocked' | 'remoteGone';
const FLAGS: readonly ThreadFlag[] = ['pinned', 'archived', 'titleLocked', 'remoteGone'];

/**
 * Fields that say how a thread is listed or where its server copy stands, not what it holds:
 * a patch of only these leaves updatedAt alone. `remoteId` joins them when the same patch
 * sets or clears `remoteGone` (a reconcile moving the id aside, or putting it back).
 */
const QUIET_FIELDS: readonly string[] = ['pinned', 'archived', 'remoteGone', 'goneRemoteId', 'bookmarks'];

/** A meta patch as written to disk: JSON has no undefined, so null clears a field. */
type EncodedPatch = {
  title?: string;
  remoteId?: string | null;
  goneRemoteId?: string | null;
  backend?: BackendKind;
  limits?: ContextLimits | null;
  workspaceFolder?: string | null;
  bookmarks?: string[] | null;
} & Partial<Record<ThreadFlag, boolean>>;

export type ThreadRecord =
  /**
   * First line: the thread as created. Check Library appends another when the first was damaged;
   * the first readable one wins, and a later one only fills in a header that was lost.
   */
  | { kind: 'thread'; thread: ThreadMeta }
  /** `at` is the updatedAt the message gave the thread. */
  | { kind: 'message'; at: number; message: Message }
  /** A change to any field of MetaPatch. */
  | { kind: 'meta'; at: number; patch: EncodedPatch }
  /**
   * Damaged bytes that Check Library copied to the thread's set-aside file: [start, end) byte
   * ranges of this file that readers skip without reporting them again.
   */
  | { kind: 'aside'; at: number; ranges: Array<[number, number]> };

export const DEFAULT_THREAD_TITLE = 'New thread';

export const BACKENDS: readonly BackendKind[] = ['responses', 'assistants', 'chat'];
export const STATUSES: readonly MessageStatus[] = ['complete', 'cancelled', 'incomplete', 'error'];

/** Ids become file names, so only these characters are accepted from disk. */
export function isSafeId(id: unknown): id is string {
  return typeof id === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(id);
}

export function metaRecord(at: number, patch: MetaPatch): ThreadRecord {
  const encoded: EncodedPatch = {};
  if (patch.title !== undefined) encoded.title = patch.title;
  if (patch.backend !== undefined) encoded.backend = patch.backend;
  if ('remoteId' in patch) encoded.remoteId = patch.remoteId ?? null;
  if ('goneRemoteId' in patch) encoded.goneRemoteId = patch.goneRemoteId ?? null;
  if ('limits' in patch) encoded.limits = patch.limits ?? null;
  if ('workspaceFolder' in patch) encoded.workspaceFolder = patch.workspaceFolder ?? null;
  if ('bookmarks' in patch) encoded.bookmarks = patch.bookmarks?.length ? patch.bookmarks : null;
  for (const flag of FLAGS) {
    const value = patch[flag];
    if (value !== undefined) encoded[flag] = value;
  }
  return { kind: 'meta', at, patch: encoded };
}

/** The record `value` (a line's parsed JSON) holds, or undefined when it is not of a known shape. */
export function parseRecord(value: unknown): ThreadRecord | undefined {
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
      if (patch.goneRemoteId !== undefined && patch.goneRemoteId !== null && typeof patch.goneRemoteId !== 'string') return undefined;
      if (patch.backend !== undefined && !BACKENDS.includes(patch.backend as BackendKind)) return undefined;
      if (patch.limits !== undefined && patch.limits !== null && !isLimits(patch.limits)) return undefined;
      if (patch.workspaceFolder !== undefined && patch.workspaceFolder !== null && typeof patch.workspaceFolder !== 'string') return undefined;
      if (FLAGS.some((flag) => patch[flag] !== undefined && typeof patch[flag] !== 'boolean')) return undefined;
      if (patch.bookmarks !== undefined && patch.bookmarks !== null && !isIdList(patch.bookmarks)) return undefined;
      return { kind: 'meta', at: value.at, patch };
    }
    case 'aside': {
      const { ranges } = value;
      const isRange = (r: unknown) => Array.isArray(r) && r.length === 2 && r.every((n) => Number.isInteger(n) && (n as number) >= 0);
      return isFiniteNumber(value.at) && Array.isArray(ranges) && ranges.every(isRange) ? { kind: 'aside', at: value.at, ranges: ranges as Array<[number, number]> } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Applies a patch as given by the API (an explicit `remoteId: undefined` clears it). Pinning,
 * archiving and a reconcile's findings (QUIET_FIELDS) leave updatedAt alone: a thread must not
 * jump to the top of the recent threads because it was unpinned or checked on the server.
 */
export function applyPatch(meta: ThreadMeta, patch: MetaPatch | EncodedPatch, at: number): ThreadMeta {
  const quiet = Object.keys(patch).every((key) => QUIET_FIELDS.includes(key) || (key === 'remoteId' && 'remoteGone' in patch));
  const next: ThreadMeta = { ...meta, updatedAt: quiet ? meta.updatedAt : at };
  if (typeof patch.title === 'string') next.title = patch.title;
  if (patch.backend !== undefined) next.backend = patch.backend;
  if ('limits' in patch) {
    if (patch.limits) next.limits = patch.limits;
    else delete next.limits;
  }
  if ('remoteId' in patch) {
    if (typeof patch.remoteId === 'string') next.remoteId = patch.remoteId;
    else delete next.remoteId;
  }
  if ('goneRemoteId' in patch) {
    if (typeof patch.goneRemoteId === 'string') next.goneRemoteId = patch.goneRemoteId;
    else delete next.goneRemoteId;
  }
  if ('workspaceFolder' in patch) {
    if (typeof patch.workspaceFolder === 'string') next.workspaceFolder = patch.workspaceFolder;
    else delete next.workspaceFolder;
  }
  if ('bookmarks' in patch) {
    if (patch.bookmarks?.length) next.bookmarks = [...patch.bookmarks];
    else delete next.bookmarks;
  }
  for (const flag of FLAGS) {
    if (patch[flag] === true) next[flag] = true;
    else if (patch[flag] === false) delete next[flag];
  }
  return next;
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
    (value.goneRemoteId === undefined || typeof value.goneRemoteId === 'string') &&
    (value.limits === undefined || isLimits(value.limits)) &&
    (value.workspaceFolder === undefined || typeof value.workspaceFolder === 'string') &&
    (value.bookmarks === undefined || isIdList(value.bookmarks)) &&
    FLAGS.every((flag) => value[flag] === undefined || typeof value[flag] === 'boolean') &&
    Number.isInteger(value.messageCount) &&
    (value.messageCount as number) >= 0
  );
}

function isIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((id) => typeof id === 'string');
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

export function isLimits(value: unknown): value is ContextLimits {
  if (!isObject(value)) return false;
  const positive = (n: unknown) => n === undefined || (Number.isInteger(n) && (n as number) > 0);
  const t = value.truncation;
  return (
    positive(value.maxPromptTokens) &&
    positive(value.maxCompletionTokens) &&
    (t === undefined || (isObject(t) && (t.type === 'auto' || (t.type === 'last_messages' && positive(t.lastMessages) && t.lastMessages !== undefined))))
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

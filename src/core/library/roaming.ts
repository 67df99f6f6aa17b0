// The part of the library that follows the user to other machines through VS Code's Settings
// Sync: the threads whose messages live on a server (Conversations, Assistants), each with its
// ids, title, pin and archive state — never message text, never keys. Chat Completions threads
// exist only on the machine that has their file, and are left out.
//
// Settings Sync keeps one value for the whole list and the last machine to write it wins, so each
// machine merges before it writes: what it last saw (`base`), what arrived (`incoming`) and what
// its library holds now. A field another machine changed since `base` is taken here; a field
// changed here goes out. A thread missing from what arrived was only never seen there, so it
// stays; only a tombstone says a thread was deleted, and it then goes to this machine's trash
// (restorable). A thread this machine has never had shows in the list as "on another machine"
// until it is opened, when its messages load from the server.
import type { BackendKind, ThreadMeta } from '../model';
import { isSafeId } from '../storage/records';
import type { MetaPatch } from '../storage/records';

export interface RoamingThread {
  id: string;
  remoteId: string;
  backend: Exclude<BackendKind, 'chat'>;
  title: string;
  createdAt: number;
  updatedAt: number;
  pinned?: boolean;
  archived?: boolean;
  /** The server it lives on (an origin such as https://api.openai.com); its messages load only from there. */
  server: string;
}

export interface RoamingList {
  version: 1;
  threads: RoamingThread[];
  /** Threads deleted on some machine, and when: kept TOMBSTONE_DAYS so every machine hears of it. */
  deleted: Array<{ id: string; at: number }>;
}

export const TOMBSTONE_DAYS = 30;

/** The roaming entry of a local thread, or undefined when its messages are only on this machine. */
export function roamingEntry(thread: ThreadMeta, server: string): RoamingThread | undefined {
  if (!thread.remoteId || thread.backend === 'chat') return undefined;
  const entry: RoamingThread = { id: thread.id, remoteId: thread.remoteId, backend: thread.backend, title: thread.title, createdAt: thread.createdAt, updatedAt: thread.updatedAt, server };
  if (thread.pinned) entry.pinned = true;
  if (thread.archived) entry.archived = true;
  return entry;
}

/** What this machine should do, and what it should write back. */
export interface RoamingMerge {
  /** Changes another machine made to threads this library has. */
  patches: Array<{ id: string; patch: MetaPatch }>;
  /** Threads another machine deleted (a tombstone says so): move them to the trash here. */
  deleted: string[];
  /** Threads this library does not have: shown as "on another machine" until opened. */
  elsewhere: RoamingThread[];
  /** The list to write (and to keep as the next `base`). */
  outgoing: RoamingList;
}

export interface MergeInput {
  /** The value this machine last wrote or saw; undefined the first time. */
  base: RoamingList | undefined;
  /** Ids of the threads this library held at that time; undefined the first time. */
  localBefore: ReadonlySet<string> | undefined;
  /** The value Settings Sync holds now. */
  incoming: RoamingList | undefined;
  /** This library's threads. */
  local: readonly ThreadMeta[];
  /** Ids of the threads in this library's trash: a thread gone from the library is deleted only if it is there. */
  inTrash: ReadonlySet<string>;
  /** The server a local thread's messages are on. */
  serverOf: (thread: ThreadMeta) => string;
  now: number;
}

export function mergeRoaming({ base, localBefore, incoming, local, inTrash, serverOf, now }: MergeInput): RoamingMerge {
  const before = byId(base);
  const here = new Map(local.map((t) => [t.id, t]));
  const cutoff = now - TOMBSTONE_DAYS * 24 * 60 * 60 * 1000;
  const tombstones = new Map<string, number>();
  for (const { id, at } of incoming?.deleted ?? []) {
    if (at >= cutoff) tombstones.set(id, Math.max(at, tombstones.get(id) ?? 0));
  }
  // Restored here (or opened here) since the last merge: this machine's word wins over a tombstone.
  for (const id of here.keys()) if (localBefore && !localBefore.has(id)) tombstones.delete(id);
  // Roaming threads this library held at the last merge and has moved to its trash since: deleted
  // here. (A thread merely missing, say from a library that cannot be read, is not a deletion.)
  for (const id of localBefore ?? []) if (!here.has(id) && before.has(id) && inTrash.has(id)) tombstones.set(id, now);
  const deleted = [...tombstones.keys()].filter((id) => here.has(id));
  const patches: RoamingMerge['patches'] = [];
  const elsewhere: RoamingThread[] = [];
  for (const remote of incoming?.threads ?? []) {
    if (tombstones.has(remote.id)) continue;
    const thread = here.get(remote.id);
    if (!thread) {
      elsewhere.push(remote);
      continue;
    }
    const patch = remoteChanges(before.get(remote.id), remote, thread);
    if (Object.keys(patch).length) patches.push({ id: remote.id, patch });
  }
  const threads = [
    ...local
      .filter((t) => !tombstones.has(t.id))
      .flatMap((t) => roamingEntry({ ...t, ...patches.find((p) => p.id === t.id)?.patch }, serverOf(t)) ?? []),
    ...elsewhere,
  ];
  return { patches, deleted, elsewhere, outgoing: { version: 1, threads, deleted: [...tombstones].map(([id, at]) => ({ id, at })) } };
}

/** Title, pin and archive state another machine changed since `base`, where they differ here. */
function remoteChanges(base: RoamingThread | undefined, remote: RoamingThread, thread: ThreadMeta): MetaPatch {
  const patch: MetaPatch = {};
  // Without a base the two sides cannot tell who changed what: this machine's view stands.
  if (!base) return patch;
  if (remote.title !== base.title && remote.title !== thread.title) {
    patch.title = remote.title;
    patch.titleLocked = true;
  }
  if (Boolean(remote.pinned) !== Boolean(base.pinned) && Boolean(remote.pinned) !== Boolean(thread.pinned)) patch.pinned = Boolean(remote.pinned);
  if (Boolean(remote.archived) !== Boolean(base.archived) && Boolean(remote.archived) !== Boolean(thread.archived)) patch.archived = Boolean(remote.archived);
  return patch;
}

function byId(list: RoamingList | undefined): Map<string, RoamingThread> {
  return new Map((list?.threads ?? []).map((t) => [t.id, t]));
}

/** A synced value as read back: anything malformed is dropped, never trusted. */
export function parseRoamingList(value: unknown): RoamingList | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { version, threads, deleted } = value as { version?: unknown; threads?: unknown; deleted?: unknown };
  if (version !== 1 || !Array.isArray(threads)) return undefined;
  const tombstones = Array.isArray(deleted) ? deleted.filter((d): d is { id: string; at: number } => typeof d === 'object' && d !== null && isSafeId(d.id) && typeof d.at === 'number') : [];
  return { version: 1, threads: threads.filter(isRoamingThread), deleted: tombstones.map(({ id, at }) => ({ id, at })) };
}

function isRoamingThread(value: unknown): value is RoamingThread {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Record<string, unknown>;
  return (
    isSafeId(t.id) &&
    typeof t.remoteId === 'string' &&
    (t.backend === 'responses' || t.backend === 'assistants') &&
    typeof t.title === 'string' &&
    typeof t.createdAt === 'number' &&
    typeof t.updatedAt === 'number' &&
    typeof t.server === 'string' &&
    (t.pinned === undefined || typeof t.pinned === 'boolean') &&
    (t.archived === undefined || typeof t.archived === 'boolean')
  );
}

/** The server a base URL names, as roaming entries record it (its origin: scheme, host, port). */
export function serverOrigin(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return baseUrl;
  }
}

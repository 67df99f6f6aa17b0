// Check Library: reads every record of every thread, checksums included, and repairs what can be
// repaired without losing a byte. A damaged record is copied, as it is, to
// `threads/set-aside/<thread>.jsonl` and an `aside` record tells every window to skip it quietly
// from then on (it stays in the thread file: cutting it out would mean rewriting a file other
// windows may be appending to). A lost header is written again from what the index knew. Counts
// are taken again from what is readable. Temp files a crash left, and anything standing where the
// library's own folders belong, are cleared away; thread files a crash left in the trash without
// their note come back to the library. Nothing here deletes a thread or a message.
import path from 'node:path';
import type { ThreadMeta } from '../model';
import { LEGACY_INDEX_TEMP, removeStaleTemps, TEMP_PREFIX } from '../storage/atomicWrite';
import { errorCode } from '../storage/io';
import type { LibraryIo } from '../storage/io';
import { readAt } from '../storage/jsonl';
import type { DamagedSegment } from '../storage/recordLine';
import type { ThreadRecord } from '../storage/records';
import { catchUp } from '../storage/threadFile';
import { foldedMeta, newFold } from '../storage/threadFold';
import type { DamageLog } from './damageLog';
import type { LibraryState } from './libraryState';
import { fallbackOf } from './libraryState';
import type { Trash } from './trash';

export interface CheckReport {
  /** Thread files read through. */
  threads: number;
  /** Records whose checksum (or, for records older than checksums, whose JSON) holds. */
  records: number;
  /** Damaged records copied to a set-aside file, by thread. */
  setAside: Array<{ threadId: string; title: string; records: number; file: string }>;
  /** Threads whose header was lost and written again. */
  headersRepaired: Array<{ threadId: string; title: string }>;
  /** Threads whose message count was wrong. */
  countsCorrected: Array<{ threadId: string; title: string; from: number; to: number }>;
  /** Fragments of writes that never finished (harmless: never acknowledged). */
  tornWrites: number;
  /** Files that could not be read, and why. */
  unreadable: Array<{ file: string; reason: string }>;
  /** Threads brought back from the trash, where a crash had left them without their note. */
  recovered: Array<{ threadId: string; title: string }>;
  tempFilesRemoved: number;
  /** Things that stood where the library's folders belong, and where they were moved. */
  movedAside: Array<{ from: string; to: string }>;
}

export interface CheckDeps {
  io: LibraryIo;
  threadsDir: string;
  state: LibraryState;
  trash: Trash;
  damage: DamageLog;
  now: () => number;
  /** Appends records to a thread through the write queue. */
  append: (threadId: string, records: ThreadRecord[]) => Promise<void>;
}

/** A live writer's temp file lasts milliseconds; one this old was left by a crash. */
const STALE_TEMP_MS = 60_000;

export async function checkLibrary(deps: CheckDeps): Promise<CheckReport> {
  const report: CheckReport = { threads: 0, records: 0, setAside: [], headersRepaired: [], countsCorrected: [], tornWrites: 0, unreadable: [], recovered: [], tempFilesRemoved: 0, movedAside: [] };
  await moveObstacles(deps, report);
  for (const dir of [deps.threadsDir, path.join(deps.threadsDir, 'index'), path.join(deps.threadsDir, 'trash')]) {
    report.tempFilesRemoved += await removeStaleTemps(deps.io, dir, { olderThanMs: STALE_TEMP_MS, prefixes: [TEMP_PREFIX, LEGACY_INDEX_TEMP] });
  }
  await recoverTrashOrphans(deps, report);
  const sync = await deps.state.sync();
  for (const [id, reason] of sync.unreadable) report.unreadable.push({ file: deps.state.fileOf(id), reason });
  for (const state of [...deps.state.values()]) {
    try {
      await checkThread(deps, state.meta, report);
    } catch (err) {
      report.unreadable.push({ file: deps.state.fileOf(state.meta.id), reason: errorCode(err) ?? String(err) });
    }
  }
  return report;
}

async function checkThread(deps: CheckDeps, before: ThreadMeta, report: CheckReport): Promise<void> {
  const { io, state } = deps;
  const id = before.id;
  const file = state.fileOf(id);
  const fallback = state.get(id)?.fallback ?? fallbackOf(before);
  const fold = newFold();
  const damaged: DamagedSegment[] = [];
  const handle = await io.open(file, 'r');
  let texts: string[];
  try {
    const read = await catchUp({ handle, damaged: (segment) => damaged.push(segment) }, id, fold, 0, { fallback });
    report.threads++;
    report.records += read.records;
    report.tornWrites += read.torn;
    const fresh = damaged.filter((segment) => !fold.aside.has(segment.start));
    texts = await Promise.all(fresh.map(async (s) => (await readAt(handle, s.start, s.end - s.start)).toString('utf8')));
    damaged.splice(0, damaged.length, ...fresh);
  } finally {
    await handle.close();
  }
  const repairs: ThreadRecord[] = [];
  if (damaged.length) {
    const sideFile = await writeSideFile(deps, id, damaged, texts);
    repairs.push({ kind: 'aside', at: deps.now(), ranges: damaged.map((s) => [s.start, s.end]) });
    report.setAside.push({ threadId: id, title: before.title, records: damaged.length, file: sideFile });
  }
  if (!fold.header && fold.meta) {
    // The header is written again from the index's word on it (or what the records imply).
    const meta = foldedMeta(fold, fallback)!;
    repairs.push({ kind: 'thread', thread: { ...meta, messageCount: 0 } });
    report.headersRepaired.push({ threadId: id, title: meta.title });
  }
  if (repairs.length) await deps.append(id, repairs);
  deps.damage.forget(id);
  await state.refold(id);
  const after = state.get(id)?.meta;
  if (after && after.messageCount !== before.messageCount) report.countsCorrected.push({ threadId: id, title: after.title, from: before.messageCount, to: after.messageCount });
}

/** Appends the damaged bytes, as they are, with where they were, to the thread's set-aside file. */
async function writeSideFile(deps: CheckDeps, id: string, damaged: DamagedSegment[], texts: string[]): Promise<string> {
  const dir = path.join(deps.threadsDir, 'set-aside');
  await deps.io.mkdir(dir);
  const file = path.join(dir, `${id}.jsonl`);
  const at = deps.now();
  const lines = damaged.map((s, i) => `${JSON.stringify({ file: `${id}.jsonl`, start: s.start, end: s.end, reason: s.reason, setAsideAt: at, text: texts[i] })}\n`).join('');
  const handle = await deps.io.open(file, 'a');
  try {
    const bytes = Buffer.from(lines, 'utf8');
    for (let done = 0; done < bytes.length; ) done += (await handle.write(bytes, done, bytes.length - done, null)).bytesWritten;
    await handle.sync();
  } finally {
    await handle.close();
  }
  return file;
}

/** A file where the library keeps a folder (index, trash, set-aside), or the library folder itself, is moved aside. */
async function moveObstacles(deps: CheckDeps, report: CheckReport): Promise<void> {
  const { io, threadsDir } = deps;
  const blocked = async (dir: string) => {
    const stat = await io.stat(dir).catch(() => undefined);
    return stat !== undefined && !stat.isDirectory();
  };
  const moveAside = async (from: string) => {
    const to = `${from}.moved-aside-${deps.now()}`;
    await io.rename(from, to);
    report.movedAside.push({ from, to });
  };
  if (await blocked(threadsDir)) await moveAside(threadsDir);
  await io.mkdir(threadsDir);
  for (const name of ['index', 'trash', 'set-aside']) {
    const dir = path.join(threadsDir, name);
    if (await blocked(dir)) await moveAside(dir);
  }
}

async function recoverTrashOrphans(deps: CheckDeps, report: CheckReport): Promise<void> {
  for (const id of await deps.trash.orphans()) {
    const target = deps.state.fileOf(id);
    if (await deps.io.stat(target).then(() => true, () => false)) continue;
    await deps.io.rename(deps.trash.fileOf(id), target);
    const sync = await deps.state.sync();
    const meta = deps.state.get(id)?.meta;
    if (meta) report.recovered.push({ threadId: id, title: meta.title });
    if (sync.unreadable.has(id)) report.unreadable.push({ file: target, reason: sync.unreadable.get(id)! });
  }
}

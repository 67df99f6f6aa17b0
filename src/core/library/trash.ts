// Recently deleted threads: a deleted thread's file moves to `threads/trash/` with a small note of
// what it was, and comes back whole on restore. Moving is a rename, so a window still appending to
// the thread at that moment appends to the trashed file and nothing it stored is lost. After
// TRASH_DAYS the trash forgets it for good.
import path from 'node:path';
import type { ThreadMeta } from '../model';
import { writeFileAtomic } from '../storage/atomicWrite';
import { errorCode } from '../storage/io';
import type { LibraryIo } from '../storage/io';
import { isSafeId, isThreadMeta } from '../storage/records';

export const TRASH_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface TrashEntry {
  thread: ThreadMeta;
  deletedAt: number;
  /** Bytes of the thread file its `thread` entry covers (a record boundary). */
  bytes: number;
  /** The thread's server-side copy was deleted with it: a restored thread starts a new one. */
  serverDeleted?: boolean;
}

export class Trash {
  readonly dir: string;

  constructor(private readonly io: LibraryIo, threadsDir: string, private readonly now: () => number) {
    this.dir = path.join(threadsDir, 'trash');
  }

  /**
   * Moves `file` (thread `entry.thread.id`) into the trash. False when the file was no longer
   * there and is not in the trash either (deleted for good elsewhere).
   */
  async put(file: string, entry: TrashEntry): Promise<boolean> {
    const id = entry.thread.id;
    await this.io.mkdir(this.dir);
    // The note first: a crash before the move leaves a note without a file, which means nothing.
    await writeFileAtomic(this.io, this.noteOf(id), `${JSON.stringify(entry)}\n`);
    // A restore that stopped half-way left the thread file in the trash as well (two links to
    // one file): rename(2) between two links of one file does nothing, so that link goes first.
    if (await this.sameFile(this.fileOf(id), file)) await this.io.rm(this.fileOf(id));
    try {
      await this.io.rename(file, this.fileOf(id));
      return true;
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err;
      // Another window moved it first; its note and ours say the same.
      if (await this.has(id)) return true;
      await this.io.rm(this.noteOf(id)).catch(() => undefined);
      return false;
    }
  }

  /** Every thread in the trash, most recently deleted first. */
  async list(): Promise<TrashEntry[]> {
    const names = await this.io.readdir(this.dir).catch(() => [] as string[]);
    const files = new Set(names.filter((n) => n.endsWith('.jsonl')).map((n) => n.slice(0, -'.jsonl'.length)));
    const entries: TrashEntry[] = [];
    for (const name of names) {
      const id = name.endsWith('.json') ? name.slice(0, -'.json'.length) : undefined;
      if (!id || !isSafeId(id) || !files.has(id)) continue;
      const entry = await this.read(id);
      if (entry) entries.push(entry);
    }
    return entries.sort((a, b) => b.deletedAt - a.deletedAt);
  }

  async get(id: string): Promise<TrashEntry | undefined> {
    return (await this.has(id)) ? this.read(id) : undefined;
  }

  /** Moves thread `id` back to `file`; undefined when it is not in the trash (restored elsewhere). */
  async take(id: string, file: string): Promise<TrashEntry | undefined> {
    const entry = await this.read(id);
    if (!entry) return undefined;
    try {
      // link, then unlink: unlike rename, link never replaces a thread file of the same name.
      await this.io.link(this.fileOf(id), file);
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return undefined;
      if (errorCode(err) === 'EEXIST') {
        // Restored in another window a moment ago (or by a restore that stopped before clearing
        // the trash): the thread is back already. What is left here is that very file: it goes.
        if (await this.sameFile(this.fileOf(id), file)) await this.remove(id);
        return undefined;
      }
      if (errorCode(err) !== 'EPERM' && errorCode(err) !== 'ENOTSUP' && errorCode(err) !== 'EOPNOTSUPP') throw err;
      await this.io.rename(this.fileOf(id), file);
    }
    await this.io.rm(this.fileOf(id));
    await this.io.rm(this.noteOf(id)).catch(() => undefined);
    return entry;
  }

  /** Deletes thread `id` from the trash for good. */
  async remove(id: string): Promise<void> {
    await this.io.rm(this.fileOf(id));
    await this.io.rm(this.noteOf(id));
  }

  /** Forgets what was deleted more than `days` ago (and notes or files a crash left alone). Returns how many threads went. */
  async purge(days = TRASH_DAYS): Promise<number> {
    const cutoff = this.now() - days * DAY_MS;
    const names = await this.io.readdir(this.dir).catch(() => [] as string[]);
    let purged = 0;
    for (const name of names) {
      const id = name.replace(/\.jsonl?$/, '');
      if (!isSafeId(id) || !name.endsWith('.json')) continue;
      const entry = await this.read(id);
      const when = entry?.deletedAt ?? (await this.io.stat(path.join(this.dir, name)).catch(() => undefined))?.mtimeMs;
      if (when === undefined || when >= cutoff) continue;
      await this.remove(id).catch(() => undefined);
      if (names.includes(`${id}.jsonl`)) purged++;
    }
    return purged;
  }

  /** Thread files in the trash with no note (a crash between the two): Check Library brings them back. */
  async orphans(): Promise<string[]> {
    const names = new Set(await this.io.readdir(this.dir).catch(() => [] as string[]));
    return [...names].filter((n) => n.endsWith('.jsonl') && !names.has(`${n.slice(0, -'.jsonl'.length)}.json`)).map((n) => n.slice(0, -'.jsonl'.length)).filter(isSafeId);
  }

  fileOf(id: string): string {
    return path.join(this.dir, `${id}.jsonl`);
  }

  private noteOf(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  /** Both paths are links to one file. */
  private async sameFile(a: string, b: string): Promise<boolean> {
    const [first, second] = await Promise.all([this.io.stat(a).catch(() => undefined), this.io.stat(b).catch(() => undefined)]);
    return first !== undefined && second !== undefined && first.ino === second.ino;
  }

  private async has(id: string): Promise<boolean> {
    return this.io.stat(this.fileOf(id)).then(() => true, () => false);
  }

  private async read(id: string): Promise<TrashEntry | undefined> {
    try {
      const value = JSON.parse((await this.io.readFile(this.noteOf(id))).toString('utf8')) as Partial<TrashEntry>;
      if (!isThreadMeta(value.thread) || typeof value.deletedAt !== 'number' || !Number.isInteger(value.bytes)) return undefined;
      return { thread: value.thread, deletedAt: value.deletedAt, bytes: value.bytes!, ...(value.serverDeleted ? { serverDeleted: true } : {}) };
    } catch {
      return undefined;
    }
  }
}

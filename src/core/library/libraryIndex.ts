// The library index: every thread's entry in one small file, so opening the library reads one
// file and stats the thread files instead of reading them all. It is a cache: each entry says
// how many bytes of its thread file it covers, and the file always wins (a longer file is read
// on from there; a thread file with no entry is read whole).
//
// Several windows write it, so it is never rewritten in place. Each write is a new generation
// `index/<n>.json`, published with link(2), which fails if generation n already exists: two
// windows cannot both publish n, and the loser merges again on top of the winner's. A merge keeps,
// per thread, the entry that covers more of its file (files only grow, so that one knows more),
// and only threads whose files are there (a deleted thread never comes back). So an index on
// disk is never rolled back by a window that knows less; readers take the newest generation
// that reads whole, and a crash mid-write leaves only a temp file that is cleaned up later.
import path from 'node:path';
import type { ThreadMeta } from '../model';
import { removeStaleTemps, tempFileBeside, writeNewFile } from '../storage/atomicWrite';
import { errorCode } from '../storage/io';
import type { LibraryIo } from '../storage/io';
import { isSafeId, isThreadMeta } from '../storage/records';

export interface IndexEntry {
  meta: ThreadMeta;
  /** Bytes of the thread file folded into `meta`: a record boundary. */
  bytes: number;
  /** The file's header was unreadable: `meta`'s title, dialect and creation time came from an earlier index. */
  headerless?: boolean;
  /** Starts of damaged ranges set aside by Check Library (see ThreadFold.aside). */
  aside?: number[];
}

export interface IndexRead {
  entries: Map<string, IndexEntry>;
  /** Why no index (or an older generation) was used, when that is news for the user. */
  problem?: string;
}

const VERSION = 2;
const GENERATIONS_KEPT = 3;
const NAME = /^(\d{12})\.json$/;
const PUBLISH_ATTEMPTS = 8;

export class LibraryIndex {
  readonly dir: string;
  /** The index of Threadline before generations (version 1), read once to upgrade. */
  private readonly legacyFile: string;

  constructor(private readonly io: LibraryIo, threadsDir: string) {
    this.dir = path.join(threadsDir, 'index');
    this.legacyFile = path.join(threadsDir, 'index.json');
  }

  /** The newest generation that reads whole, else the legacy index, else nothing. */
  async read(): Promise<IndexRead> {
    let names: string[];
    try {
      names = await this.io.readdir(this.dir);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') return { entries: new Map(), problem: `The library index folder ${this.dir} cannot be read (${errorCode(err) ?? String(err)}).` };
      return this.readLegacy();
    }
    const generations = generationsIn(names);
    if (generations.length === 0) return this.readLegacy();
    let problem: string | undefined;
    for (const generation of generations) {
      const file = this.fileOf(generation);
      try {
        const entries = parseIndex(await this.io.readFile(file));
        if (entries) return { entries, ...(problem ? { problem } : {}) };
        problem ??= `The library index ${path.basename(file)} is damaged; an older one and the thread files were used.`;
      } catch (err) {
        // Removed by a newer writer's clean-up between the listing and the read: take the next.
        if (errorCode(err) !== 'ENOENT') problem ??= `The library index ${path.basename(file)} cannot be read (${errorCode(err) ?? String(err)}).`;
      }
    }
    return { entries: new Map(), ...(problem ? { problem } : {}) };
  }

  /**
   * Publishes a new generation: this window's entries merged with the newest on disk, for the
   * threads in `present` (the thread files there now). Throws when the folder cannot be written.
   */
  async write(mine: ReadonlyMap<string, IndexEntry>, present: ReadonlySet<string>): Promise<void> {
    await this.io.mkdir(this.dir);
    for (let attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
      const generations = generationsIn(await this.io.readdir(this.dir));
      const newest = generations[0] ?? 0;
      const onDisk = await this.newestReadable(generations);
      const merged = mergeEntries(onDisk, mine, present);
      const temp = tempFileBeside(this.fileOf(newest + 1));
      await writeNewFile(this.io, temp, serializeIndex(merged.values()));
      try {
        await this.publish(temp, this.fileOf(newest + 1));
        await this.prune(newest + 1);
        return;
      } catch (err) {
        if (errorCode(err) !== 'EEXIST') throw err;
        // Another window published this generation first: merge on top of it.
      } finally {
        await this.io.rm(temp).catch(() => undefined);
      }
    }
    throw new Error('The library index kept changing under this window; it will be written again later.');
  }

  /** Temp files a crashed writer left, and generations several writes old. */
  async clean(): Promise<void> {
    const newest = generationsIn(await this.io.readdir(this.dir).catch(() => [] as string[]))[0];
    if (newest) await this.prune(newest);
    await removeStaleTemps(this.io, this.dir);
  }

  private async publish(temp: string, target: string): Promise<void> {
    try {
      await this.io.link(temp, target);
    } catch (err) {
      const code = errorCode(err);
      // File systems without hard links (FAT, some network drives): a rename, which cannot refuse
      // an existing target; the check before it narrows that to a rare race, and the merge rule
      // keeps what a lost generation knew for the next write.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw err;
      if (await this.io.stat(target).then(() => true, () => false)) throw Object.assign(new Error('generation taken'), { code: 'EEXIST' });
      await this.io.rename(temp, target);
    }
  }

  private async prune(newest: number): Promise<void> {
    const names = await this.io.readdir(this.dir).catch(() => [] as string[]);
    for (const generation of generationsIn(names)) {
      // On Windows a generation another window is reading cannot be removed yet: next time.
      if (generation <= newest - GENERATIONS_KEPT) await this.io.rm(this.fileOf(generation)).catch(() => undefined);
    }
  }

  /**
   * The entries of the newest of `generations` that reads whole: merging with a damaged newest one
   * as if it were empty would publish a generation that knows less than the one before it.
   */
  private async newestReadable(generations: readonly number[]): Promise<Map<string, IndexEntry>> {
    for (const generation of generations) {
      const entries = parseIndex(await this.io.readFile(this.fileOf(generation)).catch(() => Buffer.alloc(0)));
      if (entries) return entries;
    }
    return new Map();
  }

  private async readLegacy(): Promise<IndexRead> {
    let bytes: Buffer;
    try {
      bytes = await this.io.readFile(this.legacyFile);
    } catch (err) {
      // Missing (a new library), or something else in its place (a folder): the files tell all.
      return errorCode(err) === 'ENOENT' ? { entries: new Map() } : { entries: new Map(), problem: `The library index ${this.legacyFile} cannot be read (${errorCode(err) ?? String(err)}).` };
    }
    const entries = parseLegacyIndex(bytes);
    return entries ? { entries } : { entries: new Map(), problem: `The library index ${path.basename(this.legacyFile)} is damaged; the library was read from the thread files.` };
  }

  private fileOf(generation: number): string {
    return path.join(this.dir, `${String(generation).padStart(12, '0')}.json`);
  }
}

/** Generation numbers in `names`, newest first. */
function generationsIn(names: readonly string[]): number[] {
  return names.flatMap((name) => {
    const match = NAME.exec(name);
    return match ? [Number(match[1])] : [];
  }).sort((a, b) => b - a);
}

/** Per thread still present, the entry covering more of its file. */
export function mergeEntries(onDisk: ReadonlyMap<string, IndexEntry>, mine: ReadonlyMap<string, IndexEntry>, present: ReadonlySet<string>): Map<string, IndexEntry> {
  const merged = new Map<string, IndexEntry>();
  for (const id of present) {
    const a = onDisk.get(id);
    const b = mine.get(id);
    const best = a && b ? (b.bytes >= a.bytes ? b : a) : (a ?? b);
    if (best) merged.set(id, best);
  }
  return merged;
}

export function serializeIndex(entries: Iterable<IndexEntry>): string {
  return `${JSON.stringify({ version: VERSION, threads: [...entries] })}\n`;
}

/** The JSON object in `bytes`, or undefined when they hold none. */
function parseObject(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function parseIndex(bytes: Buffer): Map<string, IndexEntry> | undefined {
  const value = parseObject(bytes);
  if (!value) return undefined;
  const { version, threads } = value;
  if (version !== VERSION || !Array.isArray(threads)) return undefined;
  const entries = new Map<string, IndexEntry>();
  for (const entry of threads) {
    if (!isEntry(entry) || entries.has(entry.meta.id)) return undefined;
    entries.set(entry.meta.id, entry);
  }
  return entries;
}

function isEntry(value: unknown): value is IndexEntry {
  if (typeof value !== 'object' || value === null) return false;
  const { meta, bytes, headerless, aside } = value as Record<string, unknown>;
  return (
    isThreadMeta(meta) &&
    Number.isInteger(bytes) &&
    (bytes as number) >= 0 &&
    (headerless === undefined || typeof headerless === 'boolean') &&
    (aside === undefined || (Array.isArray(aside) && aside.every((n) => Number.isInteger(n))))
  );
}

/** Version 1: `{version: 1, threads: ThreadMeta[], fileBytes: {id: size}}`; sizes were line ends. */
function parseLegacyIndex(bytes: Buffer): Map<string, IndexEntry> | undefined {
  const value = parseObject(bytes);
  if (!value) return undefined;
  const { version, threads, fileBytes } = value;
  if (version !== 1 || !Array.isArray(threads) || !threads.every(isThreadMeta)) return undefined;
  const sizes = typeof fileBytes === 'object' && fileBytes !== null ? (fileBytes as Record<string, unknown>) : {};
  const entries = new Map<string, IndexEntry>();
  for (const meta of threads) {
    const size = sizes[meta.id];
    // Without its size an entry cannot say where to read on from: that file is read whole.
    if (isSafeId(meta.id) && Number.isInteger(size)) entries.set(meta.id, { meta, bytes: size as number });
  }
  return entries;
}

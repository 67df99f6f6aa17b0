// Replaces a file so a crash leaves either the old or the new contents, never a mix: write a
// sibling temp file, fsync it, rename it over the target, then fsync the directory so the
// rename itself survives a power cut. A failure at any step removes the temp file.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { LibraryIo } from './io';

/** Temp files of this library start with this, so a clean-up can find the ones a crash left. */
export const TEMP_PREFIX = '.tmp-';
/** …and those of the index of versions before it (`index.json.tmp-…`). */
export const LEGACY_INDEX_TEMP = 'index.json.tmp-';

/** Temp files older than this belonged to a writer that died (a live one takes milliseconds). */
const STALE_TEMP_MS = 10 * 60_000;

/**
 * Removes the temp files in `dir` that writers which died left there (names starting with one of
 * `prefixes`, older than `olderThanMs`); returns how many. Their age is measured with the file
 * system's own clock (mtime against the time now), never a clock a caller stands in.
 */
export async function removeStaleTemps(io: LibraryIo, dir: string, { olderThanMs = STALE_TEMP_MS, prefixes = [TEMP_PREFIX] } = {}): Promise<number> {
  let removed = 0;
  for (const name of await io.readdir(dir).catch(() => [] as string[])) {
    if (!prefixes.some((prefix) => name.startsWith(prefix))) continue;
    const file = path.join(dir, name);
    const stat = await io.stat(file).catch(() => undefined);
    if (!stat || Date.now() - stat.mtimeMs <= olderThanMs) continue;
    await io.rm(file).then(() => removed++, () => undefined);
  }
  return removed;
}

/** A fresh temp file name beside `file`. */
export function tempFileBeside(file: string): string {
  return path.join(path.dirname(file), `${TEMP_PREFIX}${path.basename(file)}-${randomUUID().slice(0, 8)}`);
}

/** Writes `data` to a new file, whole and synced; removes it again if that fails. */
export async function writeNewFile(io: LibraryIo, file: string, data: string | Buffer): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const handle = await io.open(file, 'wx');
  try {
    for (let done = 0; done < bytes.length; ) {
      const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, done);
      if (bytesWritten === 0) throw Object.assign(new Error(`No bytes could be written to ${path.basename(file)}.`), { code: 'EIO' });
      done += bytesWritten;
    }
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await io.rm(file).catch(() => undefined);
    throw err;
  }
  await handle.close();
}

export async function writeFileAtomic(io: LibraryIo, file: string, data: string): Promise<void> {
  const temp = tempFileBeside(file);
  await writeNewFile(io, temp, data);
  try {
    await renameWithRetry(io, temp, file);
  } catch (err) {
    await io.rm(temp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(io, path.dirname(file));
}

/**
 * Makes a directory entry change (create, rename) durable. Best effort: Windows cannot open a
 * directory for fsync, and there NTFS journals the rename anyway.
 */
export async function syncDirectory(io: LibraryIo, dir: string): Promise<void> {
  try {
    const handle = await io.open(dir, 'r');
    await handle.sync().catch(() => undefined);
    await handle.close().catch(() => undefined);
  } catch {
    // Unsupported on this platform/filesystem; the data itself was already synced.
  }
}

// On Windows a virus scanner or indexer briefly holding the target makes rename fail with
// EPERM/EACCES/EBUSY; a few short retries ride that out.
export async function renameWithRetry(io: LibraryIo, from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await io.rename(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (process.platform !== 'win32' || attempt >= 4 || (code !== 'EPERM' && code !== 'EACCES' && code !== 'EBUSY')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 25 * (attempt + 1)));
    }
  }
}

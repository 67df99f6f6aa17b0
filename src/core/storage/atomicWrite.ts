// Replaces a file so a crash leaves either the old or the new contents, never a mix: write a
// sibling temp file, fsync it, rename it over the target, then fsync the directory so the
// rename itself survives a power cut.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Prefix of the temp files `writeFileAtomic` leaves behind if it dies before the rename. */
export function tempPrefix(file: string): string {
  return `${path.basename(file)}.tmp-`;
}

export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const temp = path.join(path.dirname(file), `${tempPrefix(file)}${randomUUID().slice(0, 8)}`);
  const handle = await fs.open(temp, 'w');
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await renameWithRetry(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  await syncDirectory(path.dirname(file));
}

/**
 * Makes a directory entry change (create, rename) durable. Best effort: Windows cannot open a
 * directory for fsync, and there NTFS journals the rename anyway.
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Unsupported on this platform/filesystem; the data itself was already synced.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

// On Windows a virus scanner or indexer briefly holding the target makes rename fail with
// EPERM/EACCES/EBUSY; a few short retries ride that out.
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.rename(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (attempt >= 4 || (code !== 'EPERM' && code !== 'EACCES' && code !== 'EBUSY')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 25 * (attempt + 1)));
    }
  }
}

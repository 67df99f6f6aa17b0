// Line-oriented file I/O for append-only JSON Lines files: durable appends that never glue onto
// a line torn by a crash, and forward/backward line streams that never hold the whole file.
import { constants, createReadStream, promises as fs } from 'node:fs';
import { syncDirectory } from './atomicWrite';
import path from 'node:path';

const NEWLINE = 0x0a;

export interface Line {
  text: string;
  /**
   * False only for a final segment with no newline after it: an append that was cut short
   * (or is being written right now), so a parse failure there is expected, not corruption.
   */
  complete: boolean;
}

/** Creates `file` (it must not exist) holding `lines`, synced to disk along with its directory entry. */
export async function createLinesFile(file: string, lines: readonly string[]): Promise<number> {
  const handle = await fs.open(file, 'wx');
  try {
    await handle.writeFile(joinLines(lines), 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await syncDirectory(path.dirname(file));
  return (await fs.stat(file)).size;
}

/**
 * Appends `lines` to an existing file and syncs it; returns the file's new size. A torn final
 * line left by a crash is cut off first (or, if it is a whole record that only lost its
 * newline, finished with one) so the new record starts on a line of its own.
 */
export async function appendLines(file: string, lines: readonly string[]): Promise<number> {
  // No O_CREAT: appending to a file that vanished must fail rather than start a headless one.
  // O_APPEND keeps each write whole at the end even if another process appends too.
  const handle = await fs.open(file, constants.O_RDWR | constants.O_APPEND);
  try {
    const { size } = await handle.stat();
    const prefix = (await endsMidLine(handle, size)) ? await repairTail(file, handle, size) : '';
    await handle.write(prefix + joinLines(lines), null, 'utf8');
    await handle.sync();
    return (await handle.stat()).size;
  } finally {
    await handle.close();
  }
}

async function endsMidLine(handle: fs.FileHandle, size: number): Promise<boolean> {
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  return last[0] !== NEWLINE;
}

/** Returns the text to write before the next record: '\n' to finish a whole record, else ''. */
async function repairTail(file: string, handle: fs.FileHandle, size: number): Promise<string> {
  const start = await lastLineStart(handle, size);
  const tail = Buffer.alloc(size - start);
  await handle.read(tail, 0, tail.length, start);
  if (parsesAsJson(tail.toString('utf8'))) return '\n';
  // Truncating needs a handle without append-only access (Windows refuses it on one).
  const writable = await fs.open(file, 'r+');
  try {
    await writable.truncate(start);
    await writable.sync();
  } finally {
    await writable.close();
  }
  return '';
}

/** Offset just after the last newline before `size`, or 0 when there is none. */
async function lastLineStart(handle: fs.FileHandle, size: number, chunkSize = 64 * 1024): Promise<number> {
  let pos = size;
  while (pos > 0) {
    const start = Math.max(0, pos - chunkSize);
    const chunk = Buffer.alloc(pos - start);
    await handle.read(chunk, 0, chunk.length, start);
    const nl = chunk.lastIndexOf(NEWLINE);
    if (nl >= 0) return start + nl + 1;
    pos = start;
  }
  return 0;
}

/** The lines of `file`, first to last, read in chunks. */
export async function* readLines(file: string): AsyncGenerator<Line> {
  let pending: Buffer[] = [];
  // Splitting bytes on 0x0A is UTF-8 safe: that byte never occurs inside a multi-byte character.
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
      pending.push(chunk.subarray(start, nl));
      const text = Buffer.concat(pending).toString('utf8');
      pending = [];
      start = nl + 1;
      yield { text, complete: true };
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length > 0) yield { text: Buffer.concat(pending).toString('utf8'), complete: false };
}

/** The lines of `file`, last to first, read in chunks from the end. */
export async function* readLinesBackward(file: string, chunkSize = 64 * 1024): AsyncGenerator<Line> {
  const handle = await fs.open(file, 'r');
  try {
    let pos = (await handle.stat()).size;
    // The bytes of the line being assembled, earliest piece first; it spans chunks when long.
    let pieces: Buffer[] = [];
    // Until the first newline from the end is found, the segment is the final, unterminated one.
    let complete = false;
    while (pos > 0) {
      const start = Math.max(0, pos - chunkSize);
      const chunk = Buffer.alloc(pos - start);
      await handle.read(chunk, 0, chunk.length, start);
      pos = start;
      let end = chunk.length;
      for (let nl = chunk.lastIndexOf(NEWLINE, end - 1); nl >= 0; nl = nl > 0 ? chunk.lastIndexOf(NEWLINE, nl - 1) : -1) {
        pieces.unshift(chunk.subarray(nl + 1, end));
        const text = Buffer.concat(pieces).toString('utf8');
        // A file ending in a newline has an empty final segment: not a line.
        if (complete || text) yield { text, complete };
        pieces = [];
        complete = true;
        end = nl;
      }
      pieces.unshift(chunk.subarray(0, end));
    }
    const text = Buffer.concat(pieces).toString('utf8');
    if (complete || text) yield { text, complete };
  } finally {
    await handle.close();
  }
}

function joinLines(lines: readonly string[]): string {
  return lines.map((line) => `${line}\n`).join('');
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

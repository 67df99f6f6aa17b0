// Line-oriented file I/O for append-only JSON Lines files: durable appends that never glue onto
// a line torn by a crash, and forward/backward line streams that never hold the whole file.
import { constants, promises as fs } from 'node:fs';
import { syncDirectory } from './atomicWrite';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

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

/**
 * What reading needs of an open file. A `fs.promises.FileHandle` is one; tests pass a wrapper
 * that counts the bytes read, to prove a page never reads the whole thread.
 */
export interface ReadHandle {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

export type OpenForReading = (file: string) => Promise<ReadHandle>;

export const openForReading: OpenForReading = (file) => fs.open(file, 'r');

/** A line and where it sits, so a reader can later resume right before or after it. */
export interface PlacedLine extends Line {
  /** Byte offset of the line's first byte. */
  start: number;
  /** Byte offset just past its newline (the end of the file for an incomplete line). */
  end: number;
}

const CHUNK_SIZE = 64 * 1024;

/** The lines of `file`, first to last, read in chunks. */
export async function* readLines(file: string, open: OpenForReading = openForReading): AsyncGenerator<Line> {
  const handle = await open(file);
  try {
    for await (const { text, complete } of linesForward(handle)) yield { text, complete };
  } finally {
    await handle.close();
  }
}

/** The lines of `file`, last to first, read in chunks from the end. */
export async function* readLinesBackward(file: string, chunkSize = CHUNK_SIZE, open: OpenForReading = openForReading): AsyncGenerator<Line> {
  const handle = await open(file);
  try {
    for await (const { text, complete } of linesBackward(handle, undefined, chunkSize)) yield { text, complete };
  } finally {
    await handle.close();
  }
}

/**
 * The lines from byte `start` (a line start) to the end of the file, first to last. Reads until
 * the end as it is then, so lines appended meanwhile are seen too.
 */
export async function* linesForward(handle: ReadHandle, start = 0, chunkSize = CHUNK_SIZE): AsyncGenerator<PlacedLine> {
  let pos = start;
  let lineStart = start;
  let pending: Buffer[] = [];
  // Splitting bytes on 0x0A is UTF-8 safe: that byte never occurs inside a multi-byte character.
  for (;;) {
    const chunk = await readAt(handle, pos, chunkSize);
    if (chunk.length === 0) break;
    let from = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, from)) {
      pending.push(chunk.subarray(from, nl));
      const text = Buffer.concat(pending).toString('utf8');
      pending = [];
      const end = pos + nl + 1;
      yield { text, complete: true, start: lineStart, end };
      lineStart = end;
      from = nl + 1;
    }
    if (from < chunk.length) pending.push(chunk.subarray(from));
    pos += chunk.length;
  }
  if (pending.length > 0) yield { text: Buffer.concat(pending).toString('utf8'), complete: false, start: lineStart, end: pos };
}

/**
 * The lines before byte `end` (a line boundary; default the file's size), last to first, read in
 * chunks backward: a page near the end, or just before a known line, costs only its own bytes.
 */
export async function* linesBackward(handle: ReadHandle, end?: number, chunkSize = CHUNK_SIZE): AsyncGenerator<PlacedLine> {
  let pos = end ?? (await handle.stat()).size;
  // The bytes of the line being assembled, earliest piece first; it spans chunks when long.
  let pieces: Buffer[] = [];
  // Where the text of the line being assembled ends (its newline, or the end of the file).
  let textEnd = pos;
  // Until the first newline from the end is found, the segment is the final, unterminated one.
  let complete = false;
  while (pos > 0) {
    const start = Math.max(0, pos - chunkSize);
    const chunk = await readAt(handle, start, pos - start);
    if (chunk.length < pos - start) throw new Error('The file shrank while it was being read.');
    pos = start;
    let cut = chunk.length;
    for (let nl = chunk.lastIndexOf(NEWLINE, cut - 1); nl >= 0; nl = nl > 0 ? chunk.lastIndexOf(NEWLINE, nl - 1) : -1) {
      pieces.unshift(chunk.subarray(nl + 1, cut));
      const text = Buffer.concat(pieces).toString('utf8');
      // A file ending in a newline has an empty final segment: not a line.
      if (complete || text) yield { text, complete, start: start + nl + 1, end: complete ? textEnd + 1 : textEnd };
      pieces = [];
      complete = true;
      cut = nl;
      textEnd = start + nl;
    }
    pieces.unshift(chunk.subarray(0, cut));
  }
  const text = Buffer.concat(pieces).toString('utf8');
  if (complete || text) yield { text, complete, start: 0, end: complete ? textEnd + 1 : textEnd };
}

/**
 * Offsets of `needle` before byte `end` (default the file's size), the last one first: a byte
 * search that decodes nothing, for finding one record in a file of thousands.
 */
export async function* findBackward(handle: ReadHandle, needle: Buffer, end?: number, chunkSize = CHUNK_SIZE): AsyncGenerator<number> {
  let pos = end ?? (await handle.stat()).size;
  // The first bytes of the chunk read before (just after this one), for a match across the seam;
  // one byte short of the needle, so no match lies wholly inside it and none is found twice.
  let carry = Buffer.alloc(0);
  const size = Math.max(chunkSize, needle.length);
  while (pos > 0) {
    const start = Math.max(0, pos - size);
    const chunk = await readAt(handle, start, pos - start);
    const window = carry.length ? Buffer.concat([chunk, carry]) : chunk;
    for (let at = window.lastIndexOf(needle); at >= 0; at = at > 0 ? window.lastIndexOf(needle, at - 1) : -1) yield start + at;
    carry = Buffer.from(chunk.subarray(0, needle.length - 1));
    pos = start;
  }
}

/** The whole line holding byte `at`. */
export async function lineAt(handle: ReadHandle, at: number, chunkSize = 4096): Promise<PlacedLine> {
  let start = at;
  while (start > 0) {
    const from = Math.max(0, start - chunkSize);
    const chunk = await readAt(handle, from, start - from);
    const nl = chunk.lastIndexOf(NEWLINE);
    if (nl >= 0) {
      start = from + nl + 1;
      break;
    }
    start = from;
  }
  const pieces: Buffer[] = [];
  let pos = start;
  for (;;) {
    const chunk = await readAt(handle, pos, chunkSize);
    if (chunk.length === 0) return { text: Buffer.concat(pieces).toString('utf8'), complete: false, start, end: pos };
    const nl = chunk.indexOf(NEWLINE);
    if (nl >= 0) {
      pieces.push(chunk.subarray(0, nl));
      return { text: Buffer.concat(pieces).toString('utf8'), complete: true, start, end: pos + nl + 1 };
    }
    pieces.push(chunk);
    pos += chunk.length;
  }
}

/** Up to `length` bytes at `position`; fewer only at the end of the file. */
export async function readAt(handle: ReadHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
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

/**
 * The file's text from the start, `chunkSize` bytes at a time (a character split between two
 * chunks comes whole with the second). Stopping the iteration stops the reading.
 */
export async function* textChunks(handle: ReadHandle, chunkSize = CHUNK_SIZE): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.alloc(chunkSize);
  for (let pos = 0; ; ) {
    const { bytesRead } = await handle.read(buffer, 0, chunkSize, pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    yield decoder.write(buffer.subarray(0, bytesRead));
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

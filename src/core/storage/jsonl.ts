// Line-oriented file I/O for append-only JSON Lines files shared by several processes: appends
// that are whole records or are reported, never a truncation (another window may be writing at
// the very end), and forward/backward line streams that never hold the whole file.
import { constants } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { syncDirectory, writeNewFile } from './atomicWrite';
import type { LibraryIo } from './io';

const NEWLINE = 0x0a;

export interface Line {
  bytes: Buffer;
  /**
   * False only for a final segment with no newline after it: an append still being written, or
   * one cut short, so a parse failure there is expected, not corruption.
   */
  complete: boolean;
}

/**
 * Creates `file` (it must not exist) holding `lines`, synced to disk along with its directory
 * entry; returns its size. Nobody else knows the file yet, so a failure removes what was written.
 */
export async function createLinesFile(io: LibraryIo, file: string, lines: readonly string[]): Promise<number> {
  const data = Buffer.from(joinLines(lines), 'utf8');
  await writeNewFile(io, file, data);
  await syncDirectory(io, path.dirname(file));
  return data.length;
}

/** What an append achieved: how many of its records are in the file, and whether they are synced. */
export interface AppendOutcome {
  /** The first `landed` records are in the file, whole; the rest are not. */
  landed: number;
  /** Why the rest did not land (undefined when all did). */
  error?: unknown;
  /** The landed records are written but fsync failed: they may not survive a power cut. */
  syncError?: unknown;
  /** Bytes this append put in the file, fragments of writes cut short included. */
  written: number;
  /**
   * The file's size just after (other windows may have appended too); undefined when it could not
   * be measured, and then only a read of the file tells where it ends.
   */
  sizeAfter: number | undefined;
}

/** Writes cut short are retried at most this often before the append gives up. */
const MAX_WRITES = 8;

/**
 * Appends `lines` to an existing file with O_APPEND and syncs it. Each write(2) of an O_APPEND
 * file lands whole at the end, after any other process's write, so no lock is needed. A write
 * cut short (a file-size limit, a full disk) leaves a fragment; the records it did not finish
 * are written again, whole, after it: readers split such a glued line at each record start and
 * skip the fragment (see recordLine.ts). Nothing is ever cut off the file.
 */
export async function appendLines(io: LibraryIo, file: string, lines: readonly string[], onWritten?: () => void): Promise<AppendOutcome> {
  const records = lines.map((line) => Buffer.from(`${line}\n`, 'utf8'));
  // No O_CREAT: appending to a file that vanished (deleted in another window) must fail.
  const handle = await io.open(file, constants.O_WRONLY | constants.O_APPEND);
  const outcome: AppendOutcome = { landed: 0, written: 0, sizeAfter: undefined };
  try {
    for (let attempt = 0; outcome.landed < records.length; attempt++) {
      if (attempt === MAX_WRITES) {
        outcome.error = Object.assign(new Error('The disk kept accepting only part of each write.'), { code: 'EIO' });
        break;
      }
      const rest = Buffer.concat(records.slice(outcome.landed));
      let written: number;
      try {
        ({ bytesWritten: written } = await handle.write(rest, 0, rest.length, null));
      } catch (err) {
        outcome.error = err;
        break;
      }
      outcome.written += written;
      // Records wholly inside what was written landed; so did one that lacks only its newline
      // (readers take a record whose checksum holds wherever its line ends).
      let consumed = 0;
      while (outcome.landed < records.length) {
        const size = records[outcome.landed]!.length;
        if (written < consumed + size - 1) break;
        consumed += size;
        outcome.landed++;
      }
    }
    // Every record is in the file, readable by every window; the sync only makes it survive a power cut.
    if (outcome.landed === records.length) onWritten?.();
    if (outcome.landed > 0) {
      try {
        await handle.sync();
      } catch {
        // Once more: some file systems report a transient error on the first flush.
        await handle.sync().catch((err: unknown) => {
          outcome.syncError = err;
        });
      }
    }
    // The records are in the file by now: failing to measure it must not report them as lost.
    outcome.sizeAfter = await handle.stat().then((stat) => stat.size, () => undefined);
  } finally {
    await handle.close().catch(() => undefined);
  }
  return outcome;
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

/** A line and where it sits, so a reader can later resume right before or after it. */
export interface PlacedLine extends Line {
  /** Byte offset of the line's first byte. */
  start: number;
  /** Byte offset just past its newline (the end of the file for an incomplete line). */
  end: number;
}

const CHUNK_SIZE = 64 * 1024;

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
      const bytes = Buffer.concat(pending);
      pending = [];
      const end = pos + nl + 1;
      yield { bytes, complete: true, start: lineStart, end };
      lineStart = end;
      from = nl + 1;
    }
    if (from < chunk.length) pending.push(chunk.subarray(from));
    pos += chunk.length;
  }
  if (pending.length > 0) yield { bytes: Buffer.concat(pending), complete: false, start: lineStart, end: pos };
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
      const bytes = Buffer.concat(pieces);
      // A file ending in a newline has an empty final segment: not a line.
      if (complete || bytes.length) yield { bytes, complete, start: start + nl + 1, end: complete ? textEnd + 1 : textEnd };
      pieces = [];
      complete = true;
      cut = nl;
      textEnd = start + nl;
    }
    pieces.unshift(chunk.subarray(0, cut));
  }
  const bytes = Buffer.concat(pieces);
  if (complete || bytes.length) yield { bytes, complete, start: 0, end: complete ? textEnd + 1 : textEnd };
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
    if (chunk.length === 0) return { bytes: Buffer.concat(pieces), complete: false, start, end: pos };
    const nl = chunk.indexOf(NEWLINE);
    if (nl >= 0) {
      pieces.push(chunk.subarray(0, nl));
      return { bytes: Buffer.concat(pieces), complete: true, start, end: pos + nl + 1 };
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

// Reading one thread file: folding its records into the thread's entry from any record boundary
// on (a window catching up), and its messages (all, the newest few, or a run on either side of a
// known line). Bad bytes are never fatal: fragments of writes that never finished are skipped
// quietly, damaged records are skipped and told to `damaged`, so one bad record never hides the
// rest of a thread.
import type { Message } from '../model';
import { findBackward, lineAt, linesBackward, linesForward, readAt } from './jsonl';
import type { PlacedLine, ReadHandle } from './jsonl';
import { decodeLine } from './recordLine';
import type { DamagedSegment, FoundRecord } from './recordLine';
import { foldRecord } from './threadFold';
import type { HeaderFallback, ThreadFold } from './threadFold';

/** Told about each damaged segment a read meets (the store decides what is news). */
export type ReportDamage = (segment: DamagedSegment) => void;

/** An open thread file being read. */
export interface ThreadReader {
  handle: ReadHandle;
  damaged: ReportDamage;
}

/** What a catch-up read. */
export interface CatchUp {
  /** Byte offset the fold now covers: the end of the last whole record read. */
  folded: number;
  /** Fragments of unfinished writes passed over. */
  torn: number;
  /** Whole records folded. */
  records: number;
}

/**
 * Folds the records from byte `from` (a record boundary) to the end of the file into `fold`,
 * calling `onMessage` for each message. A record still being written at the end is left for the
 * next catch-up: `folded` stops right before it.
 */
export async function catchUp(
  reader: ThreadReader,
  id: string,
  fold: ThreadFold,
  from: number,
  options: { fallback?: HeaderFallback; onMessage?: (message: Message, found: FoundRecord) => void } = {},
): Promise<CatchUp> {
  let folded = from;
  let torn = 0;
  let records = 0;
  for await (const line of linesForward(reader.handle, from)) {
    const decoded = decodeLine(line.bytes, line.start, line.complete);
    for (const found of decoded.records) {
      if (decoded.pendingFrom !== undefined && found.start >= decoded.pendingFrom) break;
      records++;
      foldRecord(fold, found.record, id, options.fallback);
      if (found.record.kind === 'message') options.onMessage?.(found.record.message, found);
    }
    for (const segment of decoded.damaged) reader.damaged(segment);
    torn += decoded.torn;
    folded = decoded.pendingFrom ?? line.end;
  }
  return { folded, torn, records };
}

/** All messages, oldest first, streamed so a huge thread is never one giant string. */
export async function readMessages(reader: ThreadReader): Promise<Message[]> {
  const messages: Message[] = [];
  for await (const placed of messagesForward(reader, 0)) messages.push(placed.message);
  return messages;
}

/** The newest `count` messages, oldest first, reading only as much of the file's end as needed. */
export async function readLastMessages(reader: ThreadReader, count: number): Promise<Message[]> {
  const newestFirst: Message[] = [];
  if (count <= 0) return newestFirst;
  // Leaving the loop early stops the read.
  for await (const placed of messagesBackward(reader)) {
    newestFirst.push(placed.message);
    if (newestFirst.length >= count) break;
  }
  return newestFirst.reverse();
}

/** Where a message's line sits in its file: `start` is its first byte, `end` just past its newline. */
export interface Cursor {
  start: number;
  end: number;
}

/** A message and where its line sits. */
export interface PlacedMessage extends Cursor {
  message: Message;
}

/** Messages whose lines end at or before byte `end` (default: the end of the file), newest first. */
export async function* messagesBackward(reader: ThreadReader, end?: number): AsyncGenerator<PlacedMessage> {
  for await (const line of linesBackward(reader.handle, end)) yield* placedMessages(reader, line, true);
}

/** Messages whose lines start at or after byte `start` (a line start), oldest first. */
export async function* messagesForward(reader: ThreadReader, start: number): AsyncGenerator<PlacedMessage> {
  for await (const line of linesForward(reader.handle, start)) yield* placedMessages(reader, line, false);
}

/**
 * The line of message `id`, found by a backward byte search for its `"id":"…"` key (nothing is
 * decoded but the lines that match), so a message near the end is found after reading little.
 * Undefined when no readable message has that id.
 */
export async function findMessage(reader: ThreadReader, id: string): Promise<PlacedMessage | undefined> {
  const needle = idNeedle(id);
  let before = Infinity;
  for await (const at of findBackward(reader.handle, needle)) {
    // Two matches on one line (the key also inside a nested object): the line was checked.
    if (at >= before) continue;
    const line = await lineAt(reader.handle, at);
    before = line.start;
    const found = messageOnLine(line, id);
    if (found) return found;
  }
  return undefined;
}

/**
 * Message `id` read from the line `cursor` frames, or undefined when that line is not (or no
 * longer) it. Thread files are append-only, so it fails only if a file was replaced.
 */
export async function messageAt(reader: ThreadReader, cursor: Cursor, id: string): Promise<PlacedMessage | undefined> {
  const length = cursor.end - cursor.start;
  if (length <= 0) return undefined;
  const bytes = await readAt(reader.handle, Math.max(0, cursor.start - 1), length + Math.min(1, cursor.start));
  // The byte before must end the previous line, and the line must end with its own newline.
  if (cursor.start > 0 && bytes[0] !== 0x0a) return undefined;
  const line = cursor.start > 0 ? bytes.subarray(1) : bytes;
  if (line.length !== length || line[length - 1] !== 0x0a || !line.includes(idNeedle(id))) return undefined;
  return messageOnLine({ bytes: line.subarray(0, length - 1), complete: true, start: cursor.start, end: cursor.end }, id);
}

function messageOnLine(line: PlacedLine, id: string): PlacedMessage | undefined {
  const decoded = decodeLine(line.bytes, line.start, line.complete);
  for (const { record } of decoded.records) {
    if (record.kind === 'message' && record.message.id === id) return { message: record.message, start: line.start, end: line.end };
  }
  return undefined;
}

/**
 * The bytes of a message's id key as JSON.stringify writes them. Quotes inside JSON strings are
 * escaped, so message text can never contain this; other keys (`remoteId`, `threadId`) differ.
 */
function idNeedle(id: string): Buffer {
  return Buffer.from(`"id":${JSON.stringify(id)}`, 'utf8');
}

/** The messages on one line (several when a write cut short glued records together), in the order asked. */
function* placedMessages(reader: ThreadReader, line: PlacedLine, newestFirst: boolean): Generator<PlacedMessage> {
  const decoded = decodeLine(line.bytes, line.start, line.complete);
  for (const segment of decoded.damaged) reader.damaged(segment);
  const messages: PlacedMessage[] = [];
  for (const { record } of decoded.records) {
    if (record.kind === 'message') messages.push({ message: record.message, start: line.start, end: line.end });
  }
  if (newestFirst) messages.reverse();
  yield* messages;
}

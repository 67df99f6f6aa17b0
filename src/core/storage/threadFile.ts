// Reading one thread file: its messages (all, the newest few, or a run on either side of a known
// line) and the index entry it implies. Bad lines are skipped, never fatal: a torn final line
// (crash mid-append) silently, anything else with a report, so one damaged record never hides
// the rest of a thread.
import type { Message, ThreadMeta } from '../model';
import { findBackward, lineAt, linesBackward, linesForward, openForReading, readAt, readLines, readLinesBackward } from './jsonl';
import { applyRecord, parseRecord } from './records';
import type { Line, OpenForReading, PlacedLine, ReadHandle } from './jsonl';
import type { ThreadRecord } from './records';
import path from 'node:path';

export type ReportProblem = (message: string) => void;

/** Rebuilds a thread's index entry from its file alone; undefined when no record survives. */
export async function scanThreadFile(file: string, id: string, report: ReportProblem, open: OpenForReading = openForReading): Promise<ThreadMeta | undefined> {
  let meta: ThreadMeta | undefined;
  let sawHeader = false;
  for await (const record of records(readLines(file, open), file, report, 'line')) {
    if (record.kind === 'thread') sawHeader = true;
    meta = applyRecord(meta, record, id);
  }
  if (meta && !sawHeader) report(`${path.basename(file)}: the thread header is missing; its title and settings were guessed.`);
  return meta;
}

/** All messages, oldest first, streamed so a huge thread is never one giant string. */
export async function readMessages(file: string, report: ReportProblem, open: OpenForReading = openForReading): Promise<Message[]> {
  const messages: Message[] = [];
  for await (const record of records(readLines(file, open), file, report, 'line')) {
    if (record.kind === 'message') messages.push(record.message);
  }
  return messages;
}

/** The newest `count` messages, oldest first, reading only as much of the file's end as needed. */
export async function readLastMessages(file: string, count: number, report: ReportProblem, open: OpenForReading = openForReading): Promise<Message[]> {
  const newestFirst: Message[] = [];
  if (count <= 0) return newestFirst;
  // Leaving the loop early closes the file through the generator's finally.
  for await (const record of records(readLinesBackward(file, undefined, open), file, report, 'line from the end')) {
    if (record.kind !== 'message') continue;
    newestFirst.push(record.message);
    if (newestFirst.length >= count) break;
  }
  return newestFirst.reverse();
}

async function* records(lines: AsyncIterable<Line>, file: string, report: ReportProblem, position: string): AsyncGenerator<ThreadRecord> {
  let number = 0;
  for await (const line of lines) {
    number++;
    if (!line.text.trim()) continue;
    const record = parseRecord(line.text);
    if (record) yield record;
    // An unterminated last line is an append cut short (or still in progress): expected, not news.
    else if (line.complete) report(`${path.basename(file)}: skipped unreadable ${position} ${number}.`);
  }
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

/** An open thread file being read a run of messages at a time. */
export interface ThreadReader {
  handle: ReadHandle;
  /** The file's name, for reports. */
  name: string;
  report: ReportProblem;
}

/** Messages whose lines end at or before byte `end` (default: the end of the file), newest first. */
export async function* messagesBackward(reader: ThreadReader, end?: number): AsyncGenerator<PlacedMessage> {
  yield* placedMessages(reader, linesBackward(reader.handle, end));
}

/** Messages whose lines start at or after byte `start` (a line start), oldest first. */
export async function* messagesForward(reader: ThreadReader, start: number): AsyncGenerator<PlacedMessage> {
  yield* placedMessages(reader, linesForward(reader.handle, start));
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
    const record = line.complete ? parseRecord(line.text) : undefined;
    if (record?.kind === 'message' && record.message.id === id) return { message: record.message, start: line.start, end: line.end };
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
  const record = parseRecord(line.subarray(0, length - 1).toString('utf8'));
  return record?.kind === 'message' && record.message.id === id ? { message: record.message, start: cursor.start, end: cursor.end } : undefined;
}

/**
 * The bytes of a message's id key as `encodeRecord` writes them. Quotes inside JSON strings are
 * escaped, so message text can never contain this; other keys (`remoteId`, `threadId`) differ.
 */
function idNeedle(id: string): Buffer {
  return Buffer.from(`"id":${JSON.stringify(id)}`, 'utf8');
}

async function* placedMessages({ name, report }: ThreadReader, lines: AsyncIterable<PlacedLine>): AsyncGenerator<PlacedMessage> {
  for await (const line of lines) {
    if (!line.text.trim()) continue;
    const record = parseRecord(line.text);
    if (record?.kind === 'message') yield { message: record.message, start: line.start, end: line.end };
    // An unterminated last line is an append cut short (or still in progress): expected, not news.
    else if (!record && line.complete) report(`${name}: skipped unreadable line at byte ${line.start}.`);
  }
}

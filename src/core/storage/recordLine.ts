// How a record sits on a line of a thread file, and how a line read back is taken apart.
//
// A record is one JSON object whose first key is `kind` and whose last is `sum`, the CRC-32 of the
// same JSON without that key: `{"kind":"message",…,"sum":"1c291ca3"}`. The checksum finds damage
// that keeps the line's size (a flipped byte), which JSON alone would read as a good record.
//
// Every append writes whole records, each ending in a newline, with O_APPEND and no lock, and
// nothing is ever cut off a file (another window may be writing right there). A write cut short
// (a file-size limit, a full disk, a process killed mid-write) leaves a fragment without its
// newline, and the next record from any window lands glued right after it. `{"kind":"` never
// occurs inside a record (nested objects have other first keys, and quotes inside strings are
// escaped), so a line splits into segments at every `{"kind":"`: each segment is a whole record,
// or the fragment of a write that never finished. Records written before checksums existed have
// no `sum` and are read as plain JSON.
import { crc32 } from 'node:zlib';
import { parseRecord } from './records';
import type { ThreadRecord } from './records';

/** Where every record starts, and nowhere else (see encodeRecordLine). */
export const RECORD_START = Buffer.from('{"kind":"', 'utf8');
const SUM_KEY = Buffer.from(',"sum":"', 'utf8');
/** `,"sum":"` + 8 hex digits + `"}`. */
const SUM_TAIL_LENGTH = SUM_KEY.length + 8 + 2;
const CLOSE_BRACE = Buffer.from('}', 'utf8');
const NEWLINE = 0x0a;

/** The record as the text of one line (without its newline), its checksum last. */
export function encodeRecordLine(record: ThreadRecord): string {
  const body = JSON.stringify(record);
  // The format's one rule: a reader must be able to find where records start.
  if (!body.startsWith('{"kind":"') || body.indexOf('{"kind":"', 1) !== -1) {
    throw new Error('A thread record may hold no nested object whose first key is "kind".');
  }
  const sum = crc32(Buffer.from(body, 'utf8')).toString(16).padStart(8, '0');
  return `${body.slice(0, -1)},"sum":"${sum}"}`;
}

/** One record found on a line. */
export interface FoundRecord {
  record: ThreadRecord;
  /** Byte offset of its first byte in the file. */
  start: number;
  /** Byte offset just past its last byte (its newline when it has one). */
  end: number;
}

/** A segment of a line that holds no record (see DecodedLine.damaged). */
export interface DamagedSegment {
  start: number;
  end: number;
  /** What is wrong, for the report: a checksum mismatch, or bytes that are no record at all. */
  reason: 'checksum' | 'unreadable';
}

export interface DecodedLine {
  /** Whole records, in file order. */
  records: FoundRecord[];
  /** Segments that are damaged records (a whole line, or bytes after a record's checksum). */
  damaged: DamagedSegment[];
  /** Fragments of writes that never finished (a later record follows on the same line). */
  torn: number;
  /**
   * The line has no newline yet and its last segment is not a whole record: an append still
   * being written, or one cut short with nothing after it yet. Byte offset of that segment.
   */
  pendingFrom?: number;
  /** Records with a kind this version does not know (written by a newer Threadline): skipped. */
  unknown: number;
}

/**
 * Takes apart the line `bytes` that starts at byte `start` of its file; `complete` says whether
 * a newline ends it (it is not part of `bytes`).
 */
export function decodeLine(bytes: Buffer, start: number, complete: boolean): DecodedLine {
  const decoded: DecodedLine = { records: [], damaged: [], torn: 0, unknown: 0 };
  const starts: number[] = [];
  for (let at = bytes.indexOf(RECORD_START); at >= 0; at = bytes.indexOf(RECORD_START, at + 1)) starts.push(at);
  // Bytes before the first record start: the end of a fragment whose start was on an earlier line
  // cannot happen (fragments never hold a newline), so this is damage unless it is blank.
  const head = starts.length ? bytes.subarray(0, starts[0]) : bytes;
  if (!isBlank(head)) {
    if (!complete && starts.length === 0) decoded.pendingFrom = start;
    else if (starts.length) decoded.torn++;
    else decoded.damaged.push({ start, end: start + bytes.length + 1, reason: 'unreadable' });
  }
  for (let i = 0; i < starts.length; i++) {
    const from = starts[i]!;
    const last = i === starts.length - 1;
    const segment = bytes.subarray(from, last ? bytes.length : starts[i + 1]);
    const segmentStart = start + from;
    const segmentEnd = segmentStart + segment.length + (last && complete ? 1 : 0);
    const read = readSegment(segment);
    if (read.kind === 'record') {
      decoded.records.push({ record: read.record, start: segmentStart, end: segmentEnd });
      if (read.trailing > 0) decoded.damaged.push({ start: segmentStart + segment.length - read.trailing, end: segmentEnd, reason: 'unreadable' });
    } else if (read.kind === 'unknown') {
      decoded.unknown++;
    } else if (!last) {
      // Another record follows on this line: a write that stopped part-way, never acknowledged.
      decoded.torn++;
    } else if (!complete) {
      decoded.pendingFrom = segmentStart;
    } else {
      decoded.damaged.push({ start: segmentStart, end: segmentEnd, reason: read.kind === 'mismatch' ? 'checksum' : 'unreadable' });
    }
  }
  return decoded;
}

type SegmentRead =
  | { kind: 'record'; record: ThreadRecord; /** Bytes after the record's checksum (damage). */ trailing: number }
  | { kind: 'unknown' }
  | { kind: 'mismatch' }
  | { kind: 'fragment' };

function readSegment(segment: Buffer): SegmentRead {
  // Trailing spaces or a CR (a file edited by hand on Windows) are not damage.
  let length = segment.length;
  while (length > 0 && (segment[length - 1] === 0x20 || segment[length - 1] === 0x0d || segment[length - 1] === 0x09)) length--;
  const sumAt = segment.lastIndexOf(SUM_KEY, length - 1);
  if (sumAt < 0) return readLegacy(segment.subarray(0, length));
  const sumEnd = sumAt + SUM_TAIL_LENGTH;
  if (sumEnd > length || segment[sumEnd - 2] !== 0x22 || segment[sumEnd - 1] !== 0x7d) return { kind: 'fragment' };
  const expected = segment.subarray(sumAt + SUM_KEY.length, sumAt + SUM_KEY.length + 8).toString('latin1');
  const actual = crc32(CLOSE_BRACE, crc32(segment.subarray(0, sumAt))).toString(16).padStart(8, '0');
  if (expected !== actual) return { kind: 'mismatch' };
  const parsed = parseBody(segment.subarray(0, sumEnd));
  if (parsed.kind !== 'record') return parsed.kind === 'unknown' ? parsed : { kind: 'mismatch' };
  return { kind: 'record', record: parsed.record, trailing: length - sumEnd };
}

/** A line written before checksums: good if it is a record, whatever its bytes. */
function readLegacy(segment: Buffer): SegmentRead {
  const parsed = parseBody(segment);
  return parsed.kind === 'record' ? { ...parsed, trailing: 0 } : parsed;
}

function parseBody(bytes: Buffer): { kind: 'record'; record: ThreadRecord } | { kind: 'unknown' } | { kind: 'fragment' } {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { kind: 'fragment' };
  }
  const record = parseRecord(value);
  if (record) return { kind: 'record', record };
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string' && !KNOWN_KINDS.has((value as { kind: string }).kind)
    ? { kind: 'unknown' }
    : { kind: 'fragment' };
}

const KNOWN_KINDS = new Set(['thread', 'message', 'meta', 'aside']);

function isBlank(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x0d && byte !== 0x09 && byte !== NEWLINE) return false;
  return true;
}

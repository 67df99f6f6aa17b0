// Reading one thread file: its messages (all, or the newest few) and the index entry it implies.
// Bad lines are skipped, never fatal: a torn final line (crash mid-append) silently, anything
// else with a report, so one damaged record never hides the rest of a thread.
import type { Message, ThreadMeta } from '../model';
import { readLines, readLinesBackward } from './jsonl';
import { applyRecord, parseRecord } from './records';
import type { Line } from './jsonl';
import type { ThreadRecord } from './records';
import path from 'node:path';

export type ReportProblem = (message: string) => void;

/** Rebuilds a thread's index entry from its file alone; undefined when no record survives. */
export async function scanThreadFile(file: string, id: string, report: ReportProblem): Promise<ThreadMeta | undefined> {
  let meta: ThreadMeta | undefined;
  let sawHeader = false;
  for await (const record of records(readLines(file), file, report, 'line')) {
    if (record.kind === 'thread') sawHeader = true;
    meta = applyRecord(meta, record, id);
  }
  if (meta && !sawHeader) report(`${path.basename(file)}: the thread header is missing; its title and settings were guessed.`);
  return meta;
}

/** All messages, oldest first, streamed so a huge thread is never one giant string. */
export async function readMessages(file: string, report: ReportProblem): Promise<Message[]> {
  const messages: Message[] = [];
  for await (const record of records(readLines(file), file, report, 'line')) {
    if (record.kind === 'message') messages.push(record.message);
  }
  return messages;
}

/** The newest `count` messages, oldest first, reading only as much of the file's end as needed. */
export async function readLastMessages(file: string, count: number, report: ReportProblem): Promise<Message[]> {
  const newestFirst: Message[] = [];
  if (count <= 0) return newestFirst;
  // Leaving the loop early closes the file through the generator's finally.
  for await (const record of records(readLinesBackward(file), file, report, 'line from the end')) {
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

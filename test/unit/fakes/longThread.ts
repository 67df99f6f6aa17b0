// Long threads for the paging and history tests: messages of varied, realistic sizes written in
// one burst, and a file opener that counts the bytes read, to prove what a page does not read.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { HistorySource } from '../../../src/core/backends/backend';
import type { Message } from '../../../src/core/model';
import type { OpenForReading } from '../../../src/core/storage/jsonl';
import type { ThreadStore } from '../../../src/core/library/threadStore';

/** A small deterministic generator (mulberry32), so a failing case can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'thread page cursor offset reply budget context token stream message line file'.split(' ');

/** Message `n` of a thread: alternating roles, between `minBytes` and `maxBytes` of text. */
export function sizedMessage(threadId: string, n: number, random: () => number, minBytes = 200, maxBytes = 1200): Message {
  const target = minBytes + Math.floor(random() * (maxBytes - minBytes));
  let text = `#${n} `;
  while (text.length < target) text += `${WORDS[Math.floor(random() * WORDS.length)]} `;
  return { id: `m${n}`, threadId, role: n % 2 ? 'assistant' : 'user', content: [{ type: 'text', text }], createdAt: 1_700_000_000_000 + n, status: 'complete' };
}

/** Appends `count` messages (ids m0…m{count-1}) in one burst, which the store batches. */
export async function fillThread(store: ThreadStore, threadId: string, count: number, seed = 1, from = 0): Promise<Message[]> {
  const random = seededRandom(seed);
  const messages = Array.from({ length: count }, (_, i) => sizedMessage(threadId, from + i, random));
  await Promise.all(messages.map((m) => store.append(threadId, m)));
  return messages;
}

export interface CountingOpener {
  openFile: OpenForReading;
  /** Bytes read since the last reset. */
  bytes(): number;
  /** The most bytes one read returned since the last reset. */
  largestRead(): number;
  reset(): void;
}

/** Opens files for reading like the store does, counting every byte read. */
export function countingOpener(): CountingOpener {
  let bytes = 0;
  let largest = 0;
  const openFile: OpenForReading = async (file) => {
    const handle = await fs.open(file, 'r');
    return {
      read: async (buffer, offset, length, position) => {
        const result = await handle.read(buffer, offset, length, position);
        bytes += result.bytesRead;
        largest = Math.max(largest, result.bytesRead);
        return result;
      },
      stat: () => handle.stat(),
      close: () => handle.close(),
    };
  };
  return {
    openFile,
    bytes: () => bytes,
    largestRead: () => largest,
    reset: () => {
      bytes = 0;
      largest = 0;
    },
  };
}

export function threadFilePath(dir: string, threadId: string): string {
  return path.join(dir, 'threads', `${threadId}.jsonl`);
}

export const ids = (messages: readonly Message[]): string[] => messages.map((m) => m.id);

/** `source`, counting the messages a reader pulls from it. */
export function counted(source: HistorySource): { history: HistorySource; pulled: () => number } {
  let pulled = 0;
  return {
    history: {
      async *newestFirst() {
        for await (const message of source.newestFirst()) {
          pulled++;
          yield message;
        }
      },
      all: () => source.all(),
    },
    pulled: () => pulled,
  };
}

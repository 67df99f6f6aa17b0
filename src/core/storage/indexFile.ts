// The library index: every thread's entry in one small file, so listing threads never opens
// the thread files. `fileBytes` records each thread file's size when its entry was computed;
// a file of another size on open was written after the index (a crash in between) and is
// rescanned, which costs one stat per thread instead of reading every file.
import { promises as fs } from 'node:fs';
import type { ThreadMeta } from '../model';
import { isThreadMeta } from './records';

export interface LibraryIndex {
  threads: ThreadMeta[];
  fileBytes: Map<string, number>;
}

export type IndexRead = { kind: 'ok'; index: LibraryIndex } | { kind: 'missing' } | { kind: 'corrupt'; reason: string };

export async function readIndex(file: string): Promise<IndexRead> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'corrupt', reason: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null) return { kind: 'corrupt', reason: 'not an object' };
  const { version, threads, fileBytes } = value as Record<string, unknown>;
  if (version !== 1) return { kind: 'corrupt', reason: `unknown version ${JSON.stringify(version)}` };
  if (!Array.isArray(threads) || !threads.every(isThreadMeta)) return { kind: 'corrupt', reason: 'malformed thread list' };
  if (new Set(threads.map((t) => t.id)).size !== threads.length) return { kind: 'corrupt', reason: 'duplicate thread ids' };
  return { kind: 'ok', index: { threads, fileBytes: parseFileBytes(fileBytes) } };
}

export function serializeIndex(threads: Iterable<ThreadMeta>, fileBytes: ReadonlyMap<string, number>): string {
  const list = [...threads];
  const bytes: Record<string, number> = {};
  for (const thread of list) {
    const size = fileBytes.get(thread.id);
    if (size !== undefined) bytes[thread.id] = size;
  }
  return `${JSON.stringify({ version: 1, threads: list, fileBytes: bytes })}\n`;
}

// Sizes are only a hint: anything unusable just means those files get rescanned.
function parseFileBytes(value: unknown): Map<string, number> {
  const sizes = new Map<string, number>();
  if (typeof value !== 'object' || value === null) return sizes;
  for (const [id, size] of Object.entries(value)) {
    if (Number.isInteger(size)) sizes.set(id, size as number);
  }
  return sizes;
}

// Shared test scaffolding: throwaway storage folders, a clock that only moves when asked, and
// message builders.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import type { Message } from '../../../src/core/model';

/** A fresh folder under the OS temp dir, removed when the test file finishes. */
export async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'threadline-test-'));
  // A store's background writes (the index, a probe) may still be landing: retry then.
  after(() => fs.rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  return dir;
}

/** A deterministic clock: each reading is one second after the last. */
export function steppingClock(start = 1_700_000_000_000): () => number {
  let t = start;
  return () => (t += 1000);
}

export function textMessage(threadId: string, id: string, text: string, createdAt: number, role: Message['role'] = 'user'): Message {
  return { id, threadId, role, content: [{ type: 'text', text }], createdAt, status: 'complete' };
}

/** Removes the library index (every generation, and the index of older versions): the next open reads the thread files. */
export async function dropIndex(dir: string): Promise<void> {
  // An index write may be landing right now (they follow changes by a moment): retry then.
  await fs.rm(path.join(dir, 'threads', 'index'), { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  await fs.rm(path.join(dir, 'threads', 'index.json'), { force: true });
}

// What the library tests look at from outside the store: its files, its newest index generation,
// and its events, waited for with a generous guard instead of a fixed sleep.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LibraryEvent, ThreadStore } from '../../../src/core/library/threadStore';
import type { IndexEntry } from '../../../src/core/library/libraryIndex';

export function threadFile(dir: string, id: string): string {
  return path.join(dir, 'threads', `${id}.jsonl`);
}

/** The entries of the newest index generation on disk, by thread id (undefined when there is none). */
export async function newestIndexEntries(dir: string): Promise<Map<string, IndexEntry> | undefined> {
  const indexDir = path.join(dir, 'threads', 'index');
  const names = (await fs.readdir(indexDir).catch(() => [] as string[])).filter((n) => /^\d{12}\.json$/.test(n)).sort();
  if (!names.length) return undefined;
  const parsed = JSON.parse(await fs.readFile(path.join(indexDir, names.at(-1)!), 'utf8')) as { threads: IndexEntry[] };
  return new Map(parsed.threads.map((entry) => [entry.meta.id, entry]));
}

/** Waits until `condition` holds (a background step of the store, another process), failing after `guardMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, guardMs = 5000): Promise<void> {
  const deadline = Date.now() + guardMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Every event the store emits from now on. */
export function recordEvents(store: ThreadStore): LibraryEvent[] {
  const events: LibraryEvent[] = [];
  store.onDidChange((event) => events.push(event));
  return events;
}

/** The store's health once it is known to be unwritable (the open-time probe runs in the background). */
export async function unwritable(store: ThreadStore): Promise<Extract<ThreadStore['health'], { writable: false }>> {
  await waitFor(() => !store.health.writable, 'the library turns unwritable');
  return store.health as Extract<ThreadStore['health'], { writable: false }>;
}

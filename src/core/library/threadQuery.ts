// Which threads the list shows, in what order. Pure, so the host can re-run it on every
// threadsChanged without touching the store.
import type { ThreadMeta } from '../model';

export interface ThreadListOptions {
  /** Show archived threads too (default: hidden). */
  includeArchived?: boolean;
  /**
   * Only threads started in these workspace folders (one, or each folder of a multi-root
   * workspace), plus threads that belong to none; 'all' or absent shows every folder's threads.
   */
  workspaceFolder?: string | readonly string[] | 'all';
}

/** Pinned threads first, then most recently updated first. */
export function listThreads(threads: readonly ThreadMeta[], options: ThreadListOptions = {}): ThreadMeta[] {
  const wanted = options.workspaceFolder;
  const folders = wanted === undefined || wanted === 'all' ? undefined : new Set((typeof wanted === 'string' ? [wanted] : wanted).map(sameFolderKey));
  return threads
    .filter((t) => options.includeArchived || !t.archived)
    .filter((t) => folders === undefined || t.workspaceFolder === undefined || folders.has(sameFolderKey(t.workspaceFolder)))
    .sort((a, b) => Number(!!b.pinned) - Number(!!a.pinned) || b.updatedAt - a.updatedAt || b.createdAt - a.createdAt);
}

// A folder path handed over with or without a trailing separator is still the same folder.
function sameFolderKey(folder: string): string {
  return folder.length > 1 ? folder.replace(/[\\/]+$/, '') : folder;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Threads the retention setting archives: idle for at least `days` (last activity), not pinned,
 * not archived already. `days` of 0 or less means the setting is off.
 */
export function idleThreads(threads: readonly ThreadMeta[], days: number, now: number): ThreadMeta[] {
  if (!(days > 0)) return [];
  return threads.filter((t) => !t.pinned && !t.archived && now - t.updatedAt >= days * DAY_MS);
}

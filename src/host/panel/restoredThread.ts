// Plain logic (no vscode import), so the unit tests can run it in Node.
import type { ThreadMeta } from '../../core/model';
import type { WebviewMemory } from '../../shared/protocol';

/**
 * The thread a tab restored after a reload shows: the one its page saved with `setState`. The
 * workbench saves a webview's state when it saves the window's editors, which in a browser may be
 * before the page had saved anything: then the thread whose title the tab has (the most recent of
 * those that no other tab shows).
 */
export function restoredThreadId(state: unknown, title: string, threads: readonly ThreadMeta[], shown: ReadonlySet<string | undefined>): string | undefined {
  const saved = (state as Partial<WebviewMemory> | undefined)?.threadId;
  if (typeof saved === 'string') return threads.some((t) => t.id === saved) ? saved : undefined;
  return threads
    .filter((t) => t.title === title && !shown.has(t.id))
    .sort((a, b) => b.updatedAt - a.updatedAt)[0]?.id;
}

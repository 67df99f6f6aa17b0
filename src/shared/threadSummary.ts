// How a thread is described in a list: the Switch Thread Quick Pick (host) and the panel's
// thread switcher (webview) both build their rows from these pieces. Imports core only.
import type { ThreadMeta } from '../core/model';
import { BACKEND_LABELS } from '../core/backends/providers';

export interface ThreadSummary {
  title: string;
  /** "just now", "5 min ago", "3 h ago", "2 d ago". */
  lastActivity: string;
  /** "1 message", "12 messages"; for a thread known only from another machine, that it is there. */
  messages: string;
  /** The dialect; a Chat Completions thread also says it exists only on this machine. */
  backend: string;
  /** The workspace folder the thread was started in (full path), if any. */
  folder: string | undefined;
  /** That folder's last path segment, for narrow rows. */
  folderName: string | undefined;
}

export function summarizeThread(thread: ThreadMeta, now: number): ThreadSummary {
  return {
    title: thread.title,
    lastActivity: relativeTime(now - thread.updatedAt),
    messages: thread.roamingFrom ? 'on another machine' : `${thread.messageCount} message${thread.messageCount === 1 ? '' : 's'}`,
    // Not BACKEND_LABELS.chat plus the note: that label already ends in "(threads kept locally)".
    backend: thread.backend === 'chat' ? 'Chat Completions (this machine only)' : BACKEND_LABELS[thread.backend],
    folder: thread.workspaceFolder,
    folderName: thread.workspaceFolder?.split(/[\\/]/).filter(Boolean).pop(),
  };
}

export function relativeTime(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

import * as vscode from 'vscode';
import type { ThreadActions } from '../../core/chat/threadActions';
import type { ThreadActivity } from '../../core/chat/threadActivity';
import { idleThreads } from '../../core/library/threadQuery';
import type { ThreadStore } from '../../core/library/threadStore';

const CHECK_EVERY_MS = 6 * 60 * 60 * 1000;

/**
 * `threadline.autoArchiveDays`: archives threads idle that long (0, the default, is off). Runs at
 * start, when the setting changes, and every few hours while VS Code stays open.
 */
export function startRetention(store: ThreadStore, threads: ThreadActions, activity: ThreadActivity): vscode.Disposable {
  const apply = async (): Promise<void> => {
    const days = vscode.workspace.getConfiguration('threadline').get<number>('autoArchiveDays') ?? 0;
    for (const thread of idleThreads(store.list(), days, Date.now())) {
      // A thread with a reply in flight is not idle, whatever its timestamp says.
      if (!activity.isSending(thread.id)) await threads.setArchived(thread.id, true);
    }
  };
  const run = () => void apply().catch((err) => console.error('Threadline: auto-archive failed', err));
  run();
  const timer = setInterval(run, CHECK_EVERY_MS);
  const onChange = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('threadline.autoArchiveDays')) run();
  });
  return { dispose: () => (clearInterval(timer), onChange.dispose()) };
}

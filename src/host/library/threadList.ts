// The list of threads a panel shows: the library's, and those known only from other machines
// (Settings Sync), under the panel's filters (archived threads, other workspace folders'), which
// are remembered per workspace. Opening a thread known from another machine loads it from its
// server first.
import * as vscode from 'vscode';
import { describeError } from '../../core/backends/errors';
import type { ThreadStore } from '../../core/library/threadStore';
import { listThreads } from '../../core/library/threadQuery';
import type { ThreadMeta } from '../../core/model';
import type { ListFilter } from '../../shared/protocol';
import type { Prompts } from '../prompts';
import { workspaceFolderPaths } from '../workspace';
import type { RoamingSync } from './roamingSync';

const LIST_FILTER_KEY = 'threadline.listFilter';
const DEFAULT_FILTER: ListFilter = { showArchived: false, allWorkspaces: false };

export class ThreadList implements vscode.Disposable {
  private roaming: RoamingSync | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[] = [this.changed];
  /** The filters changed, or the threads known from other machines did. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly store: Pick<ThreadStore, 'list' | 'get'>,
    private readonly workspaceState: vscode.Memento,
    private readonly prompts: () => Prompts,
  ) {}

  /** Lists the threads `roaming` knows from other machines too, and follows its changes. */
  useRoaming(roaming: RoamingSync): void {
    this.roaming = roaming;
    this.subscriptions.push(roaming.onDidChange(() => this.changed.fire()));
  }

  get filter(): ListFilter {
    const stored = this.workspaceState.get<Partial<ListFilter>>(LIST_FILTER_KEY);
    return {
      showArchived: typeof stored?.showArchived === 'boolean' ? stored.showArchived : DEFAULT_FILTER.showArchived,
      allWorkspaces: typeof stored?.allWorkspaces === 'boolean' ? stored.allWorkspaces : DEFAULT_FILTER.allWorkspaces,
    };
  }

  async setFilter(filter: ListFilter): Promise<void> {
    await this.workspaceState.update(LIST_FILTER_KEY, { showArchived: filter.showArchived, allWorkspaces: filter.allWorkspaces });
    this.changed.fire();
  }

  /** Every thread of the library, and those known only from other machines (to open from their server). */
  all(): ThreadMeta[] {
    return [...this.store.list(), ...(this.roaming?.placeholders() ?? [])];
  }

  /** A panel's list: pinned first, then most recent; the thread it shows is always listed. */
  forPanel(currentThreadId: string | undefined): ThreadMeta[] {
    const all = this.all();
    const filter = this.filter;
    const folders = workspaceFolderPaths();
    const shown = listThreads(all, { includeArchived: filter.showArchived, workspaceFolder: filter.allWorkspaces || folders.length === 0 ? 'all' : folders });
    const current = all.find((t) => t.id === currentThreadId);
    return current && !shown.includes(current) ? [current, ...shown] : shown;
  }

  /**
   * Makes `threadId` a thread of this library: true at once when it is one; one known only from
   * another machine is loaded from its server (with a cancellable progress notification); false,
   * after telling the user why, when it could not be.
   */
  async ensureLocal(threadId: string): Promise<boolean> {
    if (this.store.get(threadId)) return true;
    const roaming = this.roaming;
    const known = roaming?.find(threadId);
    if (!roaming || !known) return false;
    try {
      await this.prompts().progress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Threadline: loading "{0}" from the server', known.title), cancellable: true },
        (_progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return roaming.open(threadId, abort.signal);
        },
      );
      return true;
    } catch (err) {
      void this.prompts().error(vscode.l10n.t('Threadline: {0}', describeError(err).message));
      return false;
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

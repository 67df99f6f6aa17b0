import * as l10n from '@vscode/l10n';
import type { ThreadMeta } from '../../../src/core/model';
import type { ListFilter, Surface } from '../../../src/shared/protocol';
import type { ThreadSummary } from '../../../src/shared/threadSummary';
import { summarizeThread } from '../../../src/shared/threadSummary';
import type { DropdownItem, ValueElement } from '../ui/toolkit';
import { button, dropdown, el, iconButton, setDropdownItems } from '../ui/toolkit';

export interface ThreadBarActions {
  switchThread(threadId: string): void;
  newThread(): void;
  find(): void;
  search(): void;
  openInEditor(): void;
  setListFilter(filter: ListFilter): void;
}

/**
 * The thread switcher with Search (all threads), Find (this thread) and New at the top of the panel, and under it a row with the
 * list's filters (archived threads, other folders' threads) and Open in Editor.
 */
export class ThreadBar {
  readonly element = el('div', 'thread-bar');
  /** The second row: the list filters and Open in Editor. */
  readonly filters = el('div', 'thread-bar thread-filters');
  private readonly switcher;
  private readonly showArchived: ValueElement;
  private readonly allWorkspaces: ValueElement;
  private readonly openInEditor: ValueElement;
  private current: string | undefined;
  private filter: ListFilter = { showArchived: false, allWorkspaces: false };

  constructor(actions: ThreadBarActions) {
    this.switcher = dropdown('thread-switcher', l10n.t('Current thread'), (value) => {
      if (value && value !== this.current) actions.switchThread(value);
    });
    this.element.append(
      this.switcher,
      // Icons, so that the switcher keeps room for the thread's title in a narrow side bar.
      iconButton({ icon: 'search', label: l10n.t('Search all threads (titles, messages, attachment names)'), testId: 'search-button', onClick: () => actions.search() }),
      button({ label: l10n.t('Find'), testId: 'find-button', appearance: 'secondary', title: l10n.t('Find in thread (Ctrl+F)'), onClick: () => actions.find() }),
      iconButton({ icon: 'add', label: l10n.t('New thread'), testId: 'new-thread', onClick: () => actions.newThread() }),
    );
    this.showArchived = button({
      label: l10n.t('Archived'),
      testId: 'show-archived',
      appearance: 'secondary',
      title: l10n.t('List archived threads too'),
      onClick: () => actions.setListFilter({ ...this.filter, showArchived: !this.filter.showArchived }),
    });
    this.allWorkspaces = button({
      label: l10n.t('All folders'),
      testId: 'all-workspaces',
      appearance: 'secondary',
      title: l10n.t("List other workspace folders' threads too"),
      onClick: () => actions.setListFilter({ ...this.filter, allWorkspaces: !this.filter.allWorkspaces }),
    });
    this.openInEditor = button({ label: l10n.t('Open in Editor'), testId: 'open-in-editor', appearance: 'secondary', title: l10n.t('Open this thread in an editor tab'), onClick: () => actions.openInEditor() });
    this.filters.append(this.showArchived, this.allWorkspaces, el('span', 'spacer'), this.openInEditor);
  }

  /** What kind of panel this is (an editor tab has no Open in Editor) and which folder "this folder" is. */
  setContext(surface: Surface, workspaceFolder: string | undefined): void {
    this.openInEditor.hidden = surface === 'editor';
    // With no folder open every thread is listed anyway.
    this.allWorkspaces.hidden = workspaceFolder === undefined;
  }

  setFilter(filter: ListFilter): void {
    this.filter = filter;
    pressed(this.showArchived, filter.showArchived);
    pressed(this.allWorkspaces, filter.allWorkspaces);
  }

  update(threads: ThreadMeta[], currentThreadId: string | undefined): void {
    this.current = currentThreadId;
    const now = Date.now();
    const summaries = new Map(threads.map((t) => [t.id, summarizeThread(t, now)]));
    const items = threads.map((t): DropdownItem => threadItem(t, summaries.get(t.id)!));
    if (currentThreadId === undefined) items.unshift({ value: '', label: l10n.t('No thread yet') });
    setDropdownItems(this.switcher, items, currentThreadId ?? '');
    // The whole row and the full folder path on hover: a side bar cuts the row off after a few
    // words (before the dialect and "this machine only"), and has room for the folder's name only.
    const options = this.switcher.querySelectorAll('vscode-option');
    items.forEach((item, i) => {
      const option = options[i];
      const folder = summaries.get(item.value)?.folder;
      if (option && item.value) option.setAttribute('title', folder ? `${item.label}\n${folder}` : item.label);
    });
    this.switcher.disabled = threads.length === 0;
    // Right-click on the bar: Rename, Pin, Archive, Export and Delete of the shown thread (the
    // `webview/context` menu in package.json); the workbench passes this object to the command.
    const context = JSON.stringify(currentThreadId === undefined ? { preventDefaultContextMenuItems: true } : { webviewSection: 'thread', threadId: currentThreadId, preventDefaultContextMenuItems: true });
    for (const row of [this.element, this.filters]) row.dataset.vscodeContext = context;
  }

  /** The threads in the switcher, in order (for the render report). */
  listedIds(): string[] {
    return this.threadOptions().map((o) => o.getAttribute('value')!);
  }

  /** Their rows as shown, a pinned one starting "Pinned:" as screen readers hear it (for the render report). */
  listedLabels(): string[] {
    return this.threadOptions().map((o) => o.getAttribute('aria-label') ?? o.textContent?.trim() ?? '');
  }

  private threadOptions(): Element[] {
    return [...this.switcher.querySelectorAll('vscode-option')].filter((o) => o.getAttribute('value'));
  }
}

/** A row of the switcher: flags, title, then last activity, messages, dialect and folder. A pinned thread has the pin icon. */
function threadItem(thread: ThreadMeta, s: ThreadSummary): DropdownItem {
  const flags = [thread.archived ? l10n.t('(archived)') : '', thread.remoteGone ? l10n.t('(gone on server)') : ''].filter(Boolean);
  const meta = [s.lastActivity, s.messages, s.backend, s.folderName].filter(Boolean).join(' · ');
  const label = [...flags, l10n.t('{0} — {1}', s.title, meta)].join(' ');
  return thread.pinned ? { value: thread.id, label, icon: 'pinned', ariaLabel: l10n.t('Pinned: {0}', label) } : { value: thread.id, label };
}

function pressed(toggle: ValueElement, on: boolean): void {
  toggle.setAttribute('aria-pressed', String(on));
  toggle.setAttribute('appearance', on ? 'primary' : 'secondary');
}

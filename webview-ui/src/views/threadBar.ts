import type { ThreadMeta } from '../../../src/core/model';
import { button, dropdown, el, setDropdownItems } from '../ui/toolkit';

export interface ThreadBarActions {
  switchThread(threadId: string): void;
  newThread(): void;
  find(): void;
}

/** The thread switcher and the New Thread button at the top of the panel. */
export class ThreadBar {
  readonly element = el('div', 'thread-bar');
  private readonly switcher;
  private current: string | undefined;

  constructor(actions: ThreadBarActions) {
    this.switcher = dropdown('thread-switcher', 'Current thread', (value) => {
      if (value && value !== this.current) actions.switchThread(value);
    });
    this.element.append(
      this.switcher,
      button({ label: 'Find', testId: 'find-button', appearance: 'secondary', title: 'Find in thread (Ctrl+F)', onClick: () => actions.find() }),
      button({ label: 'New', testId: 'new-thread', appearance: 'secondary', title: 'New thread', onClick: () => actions.newThread() }),
    );
  }

  update(threads: ThreadMeta[], currentThreadId: string | undefined): void {
    this.current = currentThreadId;
    const items = threads.map((t) => ({ value: t.id, label: `${t.pinned ? '★ ' : ''}${t.archived ? '(archived) ' : ''}${t.remoteGone ? '(gone on server) ' : ''}${t.title}` }));
    if (currentThreadId === undefined) items.unshift({ value: '', label: 'No thread yet' });
    setDropdownItems(this.switcher, items, currentThreadId ?? '');
    this.switcher.disabled = threads.length === 0;
  }
}

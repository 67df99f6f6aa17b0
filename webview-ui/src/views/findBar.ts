import { el } from '../ui/toolkit';

export interface FindBarActions {
  find(query: string): void;
  reveal(messageId: string): void;
}

/**
 * Find in the open thread. The host searches the stored thread, so matches the panel has not
 * rendered are found too; Enter / Shift+Enter step through them, Escape closes.
 */
export class FindBar {
  readonly element = el('div', 'find-bar');
  private readonly input = el('input', 'find-input');
  private readonly status = el('span', 'find-status');
  private hits: string[] = [];
  private index = -1;
  private query = '';

  constructor(private readonly actions: FindBarActions) {
    this.element.dataset.testid = 'find';
    this.element.setAttribute('role', 'search');
    this.input.type = 'search';
    this.input.placeholder = 'Find in thread';
    this.input.setAttribute('aria-label', 'Find in thread');
    this.status.setAttribute('aria-live', 'polite');
    this.element.append(this.input, this.status);
    this.element.hidden = true;
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') return this.close();
      if (e.key !== 'Enter') return;
      e.preventDefault();
      if (this.input.value !== this.query) actions.find((this.query = this.input.value));
      else this.step(e.shiftKey ? -1 : 1);
    });
  }

  get summary(): string | undefined {
    return this.element.hidden ? undefined : this.status.textContent ?? '';
  }

  open(): void {
    this.element.hidden = false;
    this.input.focus();
    this.input.select();
  }

  close(): void {
    this.element.hidden = true;
    this.hits = [];
    this.index = -1;
    this.query = '';
    this.status.textContent = '';
  }

  /** Results from the host for `query` (stale answers are dropped). */
  results(query: string, messageIds: string[]): void {
    if (query !== this.query) return;
    this.hits = messageIds;
    this.index = -1;
    if (messageIds.length === 0) this.status.textContent = 'No results';
    else this.step(1);
  }

  private step(direction: 1 | -1): void {
    if (!this.hits.length) return;
    this.index = (this.index + direction + this.hits.length) % this.hits.length;
    this.status.textContent = `${this.index + 1} of ${this.hits.length}`;
    this.actions.reveal(this.hits[this.index]!);
  }
}

import * as l10n from '@vscode/l10n';
import type { RequestSlot, Requests } from '../requests';
import { el, iconButton } from '../ui/toolkit';
import { DismissableBox } from './dismissableBox';

/**
 * Find in the open thread. The host searches the stored thread, so matches the panel has not
 * rendered are found too; Enter / Shift+Enter (or the arrow buttons) step through them, Escape
 * (or the close button) closes and puts focus back where it was before Find.
 */
export class FindBar {
  readonly element = el('div', 'find-bar');
  private readonly input = el('input', 'find-input');
  private readonly status = el('span', 'find-status');
  private hits: string[] = [];
  private index = -1;
  private query = '';
  private readonly box = new DismissableBox(this.element, this.input, () => this.close());
  private readonly finds: RequestSlot<'find'>;

  /** `reveal` shows a hit (the transcript asks for its page when it is not held). */
  constructor(
    requests: Requests,
    private readonly reveal: (messageId: string) => void,
  ) {
    this.finds = requests.slot<'find'>();
    this.element.dataset.testid = 'find';
    this.element.setAttribute('role', 'search');
    this.input.type = 'search';
    this.input.placeholder = l10n.t('Find in thread');
    this.input.setAttribute('aria-label', l10n.t('Find in thread'));
    this.status.setAttribute('aria-live', 'polite');
    const previous = iconButton({ icon: 'arrow-up', label: l10n.t('Previous match (Shift+Enter)'), testId: 'find-previous', onClick: () => this.next(-1) });
    const next = iconButton({ icon: 'arrow-down', label: l10n.t('Next match (Enter)'), testId: 'find-next', onClick: () => this.next(1) });
    const close = iconButton({ icon: 'close', label: l10n.t('Close find (Escape)'), testId: 'find-close', onClick: () => this.box.dismiss() });
    this.element.append(this.input, this.status, previous, next, close);
    this.element.hidden = true;
    this.input.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      this.next(e.shiftKey ? -1 : 1);
    });
  }

  get summary(): string | undefined {
    return this.element.hidden ? undefined : this.status.textContent ?? '';
  }

  open(): void {
    this.box.open();
  }

  /** Hides the bar (the thread changed, or the user closed it); an answer still to come is dropped. */
  close(): void {
    this.finds.drop();
    this.element.hidden = true;
    this.hits = [];
    this.index = -1;
    this.query = '';
    this.status.textContent = '';
  }

  /** A new query is searched (replacing one still waiting); the same one steps to the next (or previous) match. */
  private next(direction: 1 | -1): void {
    if (this.input.value === this.query) {
      this.step(direction);
      return;
    }
    this.query = this.input.value;
    this.hits = [];
    this.finds.send({ type: 'find', query: this.query }, { answered: ({ messageIds }) => this.results(messageIds), timedOut: () => this.unanswered() });
  }

  private results(messageIds: string[]): void {
    this.hits = messageIds;
    this.index = -1;
    if (messageIds.length === 0) this.status.textContent = l10n.t('No results');
    else this.step(1);
  }

  /** The host did not answer: Enter asks again. */
  private unanswered(): void {
    this.query = '';
    this.status.textContent = l10n.t('Find did not answer. Press Enter to try again.');
  }

  private step(direction: 1 | -1): void {
    if (!this.hits.length) return;
    this.index = (this.index + direction + this.hits.length) % this.hits.length;
    this.status.textContent = l10n.t('{0} of {1}', this.index + 1, this.hits.length);
    this.reveal(this.hits[this.index]!);
  }
}

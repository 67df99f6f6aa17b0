import * as l10n from '@vscode/l10n';
import type { SearchHit } from '../../../src/core/library/search';
import type { RequestSlot, Requests } from '../requests';
import { el, iconButton } from '../ui/toolkit';
import { DismissableBox } from './dismissableBox';

/** Typing pauses this long before a search goes to the host (it reads every thread). */
const SEARCH_DELAY_MS = 150;

/**
 * Search across every thread (titles, messages, attachment names). The host searches the store;
 * each hit is a row with the thread's title and the matched text, and picking one opens that
 * thread at the message. Escape (or the close button) closes it and puts focus back.
 */
export class SearchPanel {
  readonly element = el('div', 'search-panel');
  private readonly input = el('input', 'find-input');
  private readonly status = el('span', 'find-status');
  private readonly list = el('ul', 'search-results');
  private query = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly box = new DismissableBox(this.element, this.input, () => this.close());
  private readonly searches: RequestSlot<'searchThreads'>;

  /** `openHit` shows a picked hit. */
  constructor(
    requests: Requests,
    private readonly openHit: (hit: SearchHit) => void,
  ) {
    this.searches = requests.slot<'searchThreads'>();
    this.element.dataset.testid = 'search';
    this.element.setAttribute('role', 'search');
    this.input.type = 'search';
    this.input.placeholder = l10n.t('Search all threads');
    this.input.setAttribute('aria-label', l10n.t('Search all threads (titles, messages, attachment names)'));
    this.status.setAttribute('aria-live', 'polite');
    this.list.setAttribute('aria-label', l10n.t('Search results'));
    const close = iconButton({ icon: 'close', label: l10n.t('Close search (Escape)'), testId: 'search-close', onClick: () => this.box.dismiss() });
    const row = el('div', 'find-bar');
    row.append(this.input, this.status, close);
    this.element.append(row, this.list);
    this.element.hidden = true;
    this.input.addEventListener('input', () => this.schedule());
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.searchNow();
      } else if (e.key === 'ArrowDown') {
        e.preventDefault();
        this.list.querySelector('button')?.focus();
      }
    });
  }

  open(): void {
    this.box.open();
  }

  private results(hits: SearchHit[]): void {
    this.status.textContent = hits.length ? l10n.t('{0} results', hits.length) : l10n.t('No results');
    this.list.replaceChildren(...hits.map((hit) => this.row(hit)));
  }

  /** The host did not answer: what is listed was for an earlier query, and Enter asks again. */
  private unanswered(): void {
    this.query = '';
    this.status.textContent = l10n.t('The search did not answer. Press Enter to try again.');
    this.list.replaceChildren();
  }

  private row(hit: SearchHit): HTMLLIElement {
    const item = el('li');
    const pick = el('button', 'search-hit');
    pick.type = 'button';
    pick.dataset.testid = 'search-hit';
    pick.append(el('span', 'search-hit-title', hit.title), el('span', 'search-hit-snippet', hit.snippet));
    pick.addEventListener('click', () => {
      this.close();
      this.openHit(hit);
    });
    pick.addEventListener('keydown', (e) => {
      const step = e.key === 'ArrowDown' ? item.nextElementSibling : e.key === 'ArrowUp' ? item.previousElementSibling : undefined;
      if (step === undefined) return;
      e.preventDefault();
      (step?.querySelector('button') ?? this.input).focus();
    });
    item.append(pick);
    return item;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.searchNow(), SEARCH_DELAY_MS);
  }

  private searchNow(): void {
    clearTimeout(this.timer);
    const query = this.input.value;
    if (query === this.query) return;
    this.query = query;
    if (query.trim() === '') {
      this.searches.drop();
      this.status.textContent = '';
      this.list.replaceChildren();
      return;
    }
    // A newer query replaces the one waiting: the older answer is dropped.
    this.searches.send({ type: 'searchThreads', query }, { answered: ({ hits }) => this.results(hits), timedOut: () => this.unanswered() });
  }

  private close(): void {
    clearTimeout(this.timer);
    this.searches.drop();
    this.element.hidden = true;
    this.query = '';
    this.input.value = '';
    this.status.textContent = '';
    this.list.replaceChildren();
  }
}

import { button, el } from '../ui/toolkit';

/** A line above the composer: the no-key hint (with its button) or the last error. */
export class Notice {
  readonly element = el('div', 'notice');
  private readonly text = el('span', 'notice-text');
  private readonly setKey;
  private message: string | undefined;

  constructor(onSetKey: () => void) {
    this.element.dataset.testid = 'notice';
    this.element.setAttribute('role', 'status');
    this.setKey = button({ label: 'Set API Key', testId: 'set-key', appearance: 'primary', onClick: onSetKey });
    this.element.append(this.text, this.setKey);
    this.show(undefined, false);
  }

  get current(): string | undefined {
    return this.message;
  }

  /** True while the notice is about the missing key (it goes once a key is set). */
  get offersKey(): boolean {
    return this.message !== undefined && !this.setKey.hidden;
  }

  /** Shows `message` (or hides the notice); `offerKey` adds the Set API Key button. */
  show(message: string | undefined, offerKey: boolean): void {
    this.message = message;
    this.text.textContent = message ?? '';
    this.element.hidden = message === undefined;
    this.element.classList.toggle('notice-error', message !== undefined && !offerKey);
    this.setKey.hidden = !offerKey;
  }
}

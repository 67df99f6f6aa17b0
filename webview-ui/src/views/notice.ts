import * as l10n from '@vscode/l10n';
import { button, el } from '../ui/toolkit';

/**
 * A line above the composer: the no-key hint (with its button), a polite status, or the last
 * error, an alert that screen readers announce at once.
 */
export class Notice {
  readonly element = el('div', 'notice');
  private readonly text = el('span', 'notice-text');
  private readonly setKey;
  private message: string | undefined;

  constructor(onSetKey: () => void) {
    this.element.dataset.testid = 'notice';
    this.element.setAttribute('role', 'status');
    this.setKey = button({ label: l10n.t('Set API Key'), testId: 'set-key', appearance: 'primary', onClick: onSetKey });
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
    const error = message !== undefined && !offerKey;
    // The role first: the new text is then read out as what it is.
    this.element.setAttribute('role', error ? 'alert' : 'status');
    this.message = message;
    this.text.textContent = message ?? '';
    this.element.hidden = message === undefined;
    this.element.classList.toggle('notice-error', error);
    this.setKey.hidden = !offerKey;
  }
}

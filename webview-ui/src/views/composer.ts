import type { PendingAttachment } from '../../../src/shared/protocol';
import { button, el, spinner, textArea } from '../ui/toolkit';
import { attachmentChip, pendingDetail } from './messageBody';

export interface ComposerActions {
  send(text: string): void;
  stop(): void;
  draftChanged(text: string): void;
  attach(kind: 'file' | 'image'): void;
  removeAttachment(id: string): void;
  setRunLimits(): void;
  clearRunLimits(): void;
}

/** The message box with Send and Stop. Enter sends; Shift+Enter starts a new line. */
export class Composer {
  readonly element = el('div', 'composer');
  private readonly input = textArea({ testId: 'composer', placeholder: 'Message Threadline (Enter to send, Shift+Enter for a new line)', label: 'Message', rows: 3 });
  private readonly sendButton;
  private readonly stopButton;
  private readonly busy = spinner();
  private readonly chips = el('div', 'composer-attachments');
  private readonly runLimits = el('div', 'composer-run-limits');

  constructor(private readonly actions: ComposerActions, draft: string) {
    this.input.value = draft;
    this.sendButton = button({ label: 'Send', testId: 'send', onClick: () => this.submit() });
    this.stopButton = button({ label: 'Stop', testId: 'stop', appearance: 'secondary', title: 'Stop the reply', onClick: () => actions.stop() });
    const row = el('div', 'composer-actions');
    const attachFile = button({ label: 'File…', testId: 'attach-file', appearance: 'secondary', title: 'Attach a file', onClick: () => actions.attach('file') });
    const attachImage = button({ label: 'Image…', testId: 'attach-image', appearance: 'secondary', title: 'Attach an image (PNG, JPEG, GIF, WebP)', onClick: () => actions.attach('image') });
    const limits = button({ label: 'Limits…', testId: 'run-limits', appearance: 'secondary', title: 'Context limits for the next message only', onClick: () => actions.setRunLimits() });
    row.append(attachFile, attachImage, limits, el('span', 'spacer'), this.busy, this.stopButton, this.sendButton);
    this.chips.dataset.testid = 'pending';
    this.runLimits.dataset.testid = 'run-limits-chip';
    this.element.append(this.chips, this.runLimits, this.input, row);
    this.input.addEventListener('input', () => actions.draftChanged(this.input.value));
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.submit();
      }
    });
    this.setStreaming(false);
  }

  get draft(): string {
    return this.input.value;
  }

  /** Puts text back (after a failed send) without losing anything typed since. */
  restore(text: string): void {
    const now = this.input.value;
    this.input.value = now.trim() === '' ? text : `${text}\n${now}`;
    this.actions.draftChanged(this.input.value);
  }

  /** Shows the attachments that will go with the next message, with upload progress. */
  setPending(pending: PendingAttachment[]): void {
    this.chips.replaceChildren(
      ...pending.map((p) => {
        const detail = p.state === 'uploading' ? `uploading ${Math.round(p.progress * 100)}%` : pendingDetail(p.mime, p.bytes);
        const chip = attachmentChip(p.name, detail);
        chip.dataset.state = p.state;
        const remove = el('button', 'chip-remove', '×');
        remove.type = 'button';
        remove.title = p.state === 'uploading' ? `Cancel the upload of ${p.name}` : `Remove ${p.name}`;
        remove.setAttribute('aria-label', remove.title);
        remove.addEventListener('click', () => this.actions.removeAttachment(p.id));
        chip.append(remove);
        return chip;
      }),
    );
    this.chips.hidden = pending.length === 0;
  }

  /** Shows the limits the next message will run with (undefined hides them). */
  setRunLimits(text: string | undefined): void {
    this.runLimits.hidden = text === undefined;
    if (text === undefined) return;
    const chip = attachmentChip('Next message', text);
    const remove = el('button', 'chip-remove', '×');
    remove.type = 'button';
    remove.title = 'Drop the limits for the next message';
    remove.setAttribute('aria-label', remove.title);
    remove.addEventListener('click', () => this.actions.clearRunLimits());
    chip.append(remove);
    this.runLimits.replaceChildren(chip);
  }

  get pendingNames(): string[] {
    return [...this.chips.querySelectorAll('.chip-name')].map((n) => n.textContent ?? '');
  }

  setStreaming(streaming: boolean): void {
    this.stopButton.hidden = !streaming;
    this.busy.hidden = !streaming;
    this.sendButton.disabled = streaming;
  }

  focus(): void {
    this.input.focus();
  }

  private submit(): void {
    const text = this.input.value;
    if ((text.trim() === '' && this.chips.childElementCount === 0) || this.sendButton.disabled) return;
    this.input.value = '';
    this.actions.draftChanged('');
    this.actions.send(text);
  }
}

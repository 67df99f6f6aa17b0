import * as l10n from '@vscode/l10n';
import type { PendingAttachment, QueuedMessage } from '../../../src/shared/protocol';
import { button, codicon, el, spinner, textArea } from '../ui/toolkit';
import { attachmentChip, pendingDetail } from './messageBody';

export interface ComposerActions {
  send(text: string): void;
  stop(): void;
  draftChanged(text: string): void;
  attach(kind: 'file' | 'image'): void;
  removeAttachment(id: string): void;
  /** Take a queued message out: back into the box to edit (`edit`), or dropped. */
  unqueue(id: string, edit: boolean): void;
  setRunLimits(): void;
  clearRunLimits(): void;
}

/**
 * The message box with Send and Stop. Enter sends; Shift+Enter starts a new line. Focus stays in
 * the box after sending, so the next message can be typed straight away. Sent while a reply
 * streams, a message waits above the box as queued (the host sends it when the reply ends).
 */
export class Composer {
  readonly element = el('div', 'composer');
  private readonly input = textArea({ testId: 'composer', placeholder: l10n.t('Message Threadline (Enter to send, Shift+Enter for a new line)'), label: l10n.t('Message'), rows: 3 });
  private readonly sendButton;
  private readonly stopButton;
  private readonly busy = spinner();
  private readonly chips = el('div', 'composer-attachments');
  private readonly queue = el('div', 'composer-queue');
  private readonly runLimits = el('div', 'composer-run-limits');

  constructor(private readonly actions: ComposerActions, draft: string) {
    this.input.value = draft;
    this.sendButton = button({ label: l10n.t('Send'), testId: 'send', onClick: () => this.submit() });
    this.stopButton = button({ label: l10n.t('Stop'), testId: 'stop', appearance: 'secondary', title: l10n.t('Stop the reply'), onClick: () => actions.stop() });
    const row = el('div', 'composer-actions');
    const attachFile = button({ label: l10n.t('File…'), testId: 'attach-file', appearance: 'secondary', title: l10n.t('Attach a file'), onClick: () => actions.attach('file') });
    const attachImage = button({ label: l10n.t('Image…'), testId: 'attach-image', appearance: 'secondary', title: l10n.t('Attach an image (PNG, JPEG, GIF, WebP)'), onClick: () => actions.attach('image') });
    const limits = button({ label: l10n.t('Limits…'), testId: 'run-limits', appearance: 'secondary', title: l10n.t('Context limits for the next message only'), onClick: () => actions.setRunLimits() });
    row.append(attachFile, attachImage, limits, el('span', 'spacer'), this.busy, this.stopButton, this.sendButton);
    this.chips.dataset.testid = 'pending';
    this.runLimits.dataset.testid = 'run-limits-chip';
    this.queue.dataset.testid = 'queued';
    this.queue.setAttribute('aria-live', 'polite');
    this.element.append(this.queue, this.chips, this.runLimits, this.input, row);
    this.input.addEventListener('input', () => actions.draftChanged(this.input.value));
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        // Ctrl/Cmd+Enter is also Threadline: Send Message in the workbench, which the webview
        // forwards the key to: one send, not two.
        e.stopPropagation();
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
        const detail = p.state === 'uploading' ? l10n.t('uploading {0}%', Math.round(p.progress * 100)) : pendingDetail(p.mime, p.bytes);
        const chip = attachmentChip(p.name, detail);
        chip.dataset.state = p.state;
        const label = p.state === 'uploading' ? l10n.t('Cancel the upload of {0}', p.name) : l10n.t('Remove {0}', p.name);
        chip.append(chipButton('close', label, () => this.removeChip(chip, () => this.actions.removeAttachment(p.id))));
        return chip;
      }),
    );
    this.chips.hidden = pending.length === 0;
  }

  /** Shows the limits the next message will run with (undefined hides them). */
  setRunLimits(text: string | undefined): void {
    this.runLimits.hidden = text === undefined;
    if (text === undefined) return;
    const chip = attachmentChip(l10n.t('Next message'), text);
    chip.append(chipButton('close', l10n.t('Drop the limits for the next message'), () => this.removeChip(chip, () => this.actions.clearRunLimits())));
    this.runLimits.replaceChildren(chip);
  }

  /** Shows the messages waiting for the reply to end, each with Edit and remove. */
  setQueued(queued: QueuedMessage[]): void {
    this.queue.replaceChildren(
      ...queued.map((q) => {
        const detail = [l10n.t('queued: sends when the reply ends'), ...q.attachments].join(' · ');
        const chip = attachmentChip(q.text.trim() || q.attachments.join(', '), detail);
        chip.classList.add('chip-queued');
        chip.dataset.queuedId = q.id;
        chip.append(
          chipButton('edit', l10n.t('Edit the queued message (back into the message box)'), () => this.removeChip(chip, () => this.actions.unqueue(q.id, true))),
          chipButton('close', l10n.t('Remove the queued message'), () => this.removeChip(chip, () => this.actions.unqueue(q.id, false))),
        );
        return chip;
      }),
    );
    this.queue.hidden = queued.length === 0;
  }

  get queuedShown(): { id: string; text: string }[] {
    return [...this.queue.querySelectorAll<HTMLElement>('.chip-queued')].map((chip) => ({ id: chip.dataset.queuedId ?? '', text: chip.querySelector('.chip-name')?.textContent ?? '' }));
  }

  get pendingNames(): string[] {
    return [...this.chips.querySelectorAll('.chip-name')].map((n) => n.textContent ?? '');
  }

  setStreaming(streaming: boolean): void {
    this.stopButton.hidden = !streaming;
    this.busy.hidden = !streaming;
    this.sendButton.title = streaming ? l10n.t('Queue: sends when the reply ends') : '';
  }

  focus(): void {
    this.input.focus();
  }

  /** Removes a chip; a keyboard user whose focus was on it goes on in the message box. */
  private removeChip(chip: HTMLElement, remove: () => void): void {
    if (chip.contains(document.activeElement)) this.input.focus();
    remove();
  }

  /** Sends what is in the box, as Send does (nothing while a reply streams or with nothing to send). */
  submit(): void {
    const text = this.input.value;
    if (text.trim() === '' && this.chips.childElementCount === 0) return;
    this.input.value = '';
    this.actions.draftChanged('');
    this.actions.send(text);
    // Send may have been clicked: type on.
    this.input.focus();
  }
}

/** A chip's button (× and the like): a codicon, named for screen readers by what it does. */
function chipButton(icon: string, label: string, onClick: () => void): HTMLButtonElement {
  const action = el('button', 'chip-remove');
  action.type = 'button';
  action.title = label;
  action.setAttribute('aria-label', label);
  action.append(codicon(icon));
  action.addEventListener('click', onClick);
  return action;
}

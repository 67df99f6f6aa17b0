import { button, el, spinner, textArea } from '../ui/toolkit';

export interface ComposerActions {
  send(text: string): void;
  stop(): void;
  draftChanged(text: string): void;
}

/** The message box with Send and Stop. Enter sends; Shift+Enter starts a new line. */
export class Composer {
  readonly element = el('div', 'composer');
  private readonly input = textArea({ testId: 'composer', placeholder: 'Message Threadline (Enter to send, Shift+Enter for a new line)', label: 'Message', rows: 3 });
  private readonly sendButton;
  private readonly stopButton;
  private readonly busy = spinner();

  constructor(private readonly actions: ComposerActions, draft: string) {
    this.input.value = draft;
    this.sendButton = button({ label: 'Send', testId: 'send', onClick: () => this.submit() });
    this.stopButton = button({ label: 'Stop', testId: 'stop', appearance: 'secondary', title: 'Stop the reply', onClick: () => actions.stop() });
    const row = el('div', 'composer-actions');
    row.append(this.busy, this.stopButton, this.sendButton);
    this.element.append(this.input, row);
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
    if (text.trim() === '' || this.sendButton.disabled) return;
    this.input.value = '';
    this.actions.draftChanged('');
    this.actions.send(text);
  }
}

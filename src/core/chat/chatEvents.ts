// What the chat services tell their listeners (the host's panels): one event type for every step
// of a send and every change to the library, and the errors a send is refused with.
import * as l10n from '@vscode/l10n';
import type { UploadRequest } from '../backends/backend';
import type { ErrorKind } from '../backends/errors';
import { errorText } from '../errorText';
import type { AttachmentPart, ContextLimits, Message } from '../model';

export type ChatEvent =
  /** The library changed (a thread's title, flags or messages, a thread added or gone): read it again. */
  | { type: 'threadsChanged' }
  | { type: 'message'; message: Message }
  | { type: 'streamStart'; threadId: string; messageId: string }
  | { type: 'streamDelta'; threadId: string; messageId: string; text: string }
  | { type: 'streamEnd'; threadId: string; message: Message }
  /** The messages waiting in a thread for its reply in progress to end changed (see ChatService.send). */
  | { type: 'queueChanged'; threadId: string; queued: QueuedSend[] };

export type AttachmentOptions = Pick<UploadRequest, 'signal' | 'onProgress'>;

/** A message sent while its thread had a reply in progress: it goes out when that reply ends. */
export interface QueuedSend {
  id: string;
  threadId: string;
  text: string;
  attachments: readonly AttachmentPart[];
  runLimits?: ContextLimits;
}

/**
 * A send refused before anything was stored; `message` is for the user. `kind` says why when the
 * server refused (e.g. 'retired': the host then offers another dialect).
 */
export class SendError extends Error {
  override readonly name = 'SendError';
  readonly kind: ErrorKind | undefined;

  constructor(message: string, options: { cause?: unknown; kind?: ErrorKind } = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.kind = options.kind;
  }
}

/**
 * A queued message taken out before it went (ChatService.unqueue). Nothing was stored; `giveBack`
 * says whether the user wants its text and attachments back to edit, or dropped.
 */
export class UnqueuedError extends SendError {
  constructor(readonly giveBack: boolean) {
    super(giveBack ? l10n.t('Taken out of the queue; it is back in the composer to edit.') : l10n.t('Taken out of the queue.'), { kind: 'cancelled' });
  }
}

export const stillStreaming = (): string => l10n.t('A reply is still streaming; stop it or wait.');
export const threadGone = (): string => l10n.t('That thread no longer exists.');

/** Listeners of chat events; one that throws is told to `onProblem` and never breaks a send or starves the rest. */
export class ChatEvents {
  private readonly listeners = new Set<(e: ChatEvent) => void>();

  constructor(private readonly onProblem: (message: string) => void = () => undefined) {}

  onEvent(listener: (e: ChatEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  emit(event: ChatEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.onProblem(`A chat event listener failed: ${errorText(err)}`);
      }
    }
  }
}

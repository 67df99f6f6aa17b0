// Runs a backend's reply stream to its end and turns every way it can end — finished, cut short,
// failed, stopped, dropped — into one outcome, keeping whatever text arrived.
import * as l10n from '@vscode/l10n';
import type { Backend, ReplyEvent, ReplyRequest } from '../backends/backend';
import { describeError } from '../backends/errors';
import type { Annotation, MessageStatus, Usage } from '../model';

/** How a reply ended, before it is turned into the stored message; optional fields only when known. */
export interface ReplyOutcome {
  text: string;
  annotations?: Annotation[];
  omittedMessageIds?: string[];
  status: MessageStatus;
  error?: string;
  errorKind?: string;
  usage?: Usage;
  remoteId?: string;
  model?: string;
}

/**
 * Starts a reply now: the request goes out at once, while the caller does what it must first
 * (see ChatService.streamReply). Iterating the result goes on from the reply's first event.
 */
export function startReply(backend: Backend, request: ReplyRequest): AsyncIterable<ReplyEvent> {
  const replies = backend.reply(request)[Symbol.asyncIterator]();
  let first: Promise<IteratorResult<ReplyEvent>> | undefined = replies.next();
  // Its failure is met when iterated; until then it is not an unhandled rejection.
  first.catch(() => undefined);
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        const next = first ?? replies.next();
        first = undefined;
        return next;
      },
      return: async (value?: unknown) => (await replies.return?.(value)) ?? { done: true, value: undefined },
    }),
  };
}

/** Collects a reply (see startReply), telling `onDelta` each piece of text as it arrives. */
export async function collectReply(replies: AsyncIterable<ReplyEvent>, signal: AbortSignal, onDelta: (text: string) => void): Promise<ReplyOutcome> {
  let text = '';
  try {
    for await (const event of replies) {
      // A backend that keeps yielding after stop() must not keep painting text.
      if (signal.aborted) break;
      if (event.type === 'delta') {
        text += event.text;
        onDelta(event.text);
        continue;
      }
      // The server's final text wins over the joined deltas: it is what its annotations index into.
      const ended: ReplyOutcome = { text: event.text ?? text, status: event.status };
      if (event.annotations?.length) ended.annotations = event.annotations;
      if (event.omittedMessageIds?.length) ended.omittedMessageIds = event.omittedMessageIds;
      if (event.status === 'incomplete') ended.error = incompleteExplanation(event.reason);
      if (event.usage) ended.usage = event.usage;
      if (event.remoteId) ended.remoteId = event.remoteId;
      if (event.model) ended.model = event.model;
      return ended;
    }
  } catch (err) {
    if (!signal.aborted) {
      const described = describeError(err);
      return { text, status: 'error', error: described.message, errorKind: described.kind };
    }
  }
  if (signal.aborted) return { text, status: 'cancelled', error: l10n.t('Stopped.') };
  return { text, status: 'incomplete', error: l10n.t('The server ended the reply without finishing it.') };
}

/** Why the server stopped early, in words a user understands. */
function incompleteExplanation(reason: string | undefined): string {
  switch (reason) {
    case 'max_output_tokens':
    case 'max_completion_tokens':
    case 'max_tokens':
    case 'length':
      return l10n.t('The reply reached the maximum output length and was cut short.');
    case 'max_prompt_tokens':
      return l10n.t("The conversation no longer fits this thread's prompt-token limit; the reply was cut short.");
    case 'content_filter':
      return l10n.t('The reply was cut short by the content filter.');
    case undefined:
    case '':
      return l10n.t('The server stopped the reply early.');
    default:
      return l10n.t('The server stopped the reply early ({0}).', reason);
  }
}

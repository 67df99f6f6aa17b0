// Conversations + Responses: the thread is a server-side conversation (`conv_…`) and each reply is
// a streamed response appended to it, so only the new user message is sent per turn.
//
// Limits Responses cannot enforce (a prompt-token budget, keeping the last N messages) change
// that: Threadline then picks the history itself, sends it as explicit input without the
// conversation, and appends the turn to the conversation afterwards so it stays complete.
import * as l10n from '@vscode/l10n';
import type OpenAI from 'openai';
import type { ResponseCreateParamsStreaming, ResponseInputItem } from 'openai/resources/responses/responses';
import type { Backend, ConnectionSettings, RemoteMessage, ReplyEvent, ReplyRequest, UploadRequest } from './backend';
import { describeError } from './errors';
import type { AttachmentPart, ContextLimits, Message, ThreadMeta } from '../model';
import { fetchFileName } from './fileDownload';
import { createOpenAIClient } from './openaiClient';
import { existsUnlessNotFound } from './remoteExists';
import { prepareAttachment } from './responses/attachments';
import { needsClientContext, selectHistory, serverPromptCounter } from './responses/context';
import { deleteConversation } from './responses/deletion';
import type { DeleteConversationOptions } from './responses/deletion';
import { toInputItem, toInputItems } from './responses/input';
import { listConversationMessages } from './responses/listing';
import { createConversation } from './responses/seed';
import { readResponse } from './responses/stream';
import type { FinishedResponse } from './responses/stream';

/** The API refuses a smaller `max_output_tokens` (400 integer_below_min_value), so lower limits are raised to it. */
const MIN_OUTPUT_TOKENS = 16;

export class ResponsesBackend implements Backend {
  readonly kind = 'responses' as const;

  get server(): string {
    return this.settings.baseUrl;
  }

  constructor(private readonly settings: ConnectionSettings) {}

  async createThread(thread: ThreadMeta, initialMessages: readonly Message[] = []): Promise<{ remoteId?: string }> {
    return { remoteId: await createConversation(this.client(), thread, initialMessages) };
  }

  async *reply(request: ReplyRequest): AsyncIterable<ReplyEvent> {
    const conversation = request.thread.remoteId;
    if (!conversation) throw new Error(l10n.t('This thread has no conversation on the server yet.'));
    const client = this.client();
    if (needsClientContext(request.limits)) {
      yield* this.replyWithTrimmedContext(client, conversation, request);
      return;
    }
    request.trace?.('requestSent');
    const stream = await client.responses.create(
      { model: request.model, conversation, input: [toInputItem(request.input)], stream: true, ...limitParams(request.limits) },
      { signal: request.signal },
    );
    request.trace?.('firstByte');
    const { done } = yield* readResponse(stream, request.signal);
    yield done;
  }

  /** Deletes the conversation's items, then the conversation (deleting it alone would leave them). */
  deleteThread(remoteId: string, options: DeleteConversationOptions = {}): Promise<void> {
    return deleteConversation(this.client(), remoteId, options);
  }

  threadExists(remoteId: string, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    return existsUnlessNotFound(() => this.client().conversations.retrieve(remoteId, { signal: options.signal }));
  }

  listMessages(remoteId: string, options: { signal?: AbortSignal } = {}): AsyncIterable<RemoteMessage> {
    return listConversationMessages(this.client(), remoteId, options.signal);
  }

  /** For `file_path` citations, which carry only the file's id. */
  fileName(fileId: string): Promise<string> {
    return fetchFileName(this.settings, fileId);
  }

  prepareAttachment(part: AttachmentPart, data: Uint8Array, options: Pick<UploadRequest, 'signal' | 'onProgress'>): Promise<AttachmentPart> {
    return prepareAttachment(this.client(), part, data, options);
  }

  private async *replyWithTrimmedContext(client: OpenAI, conversation: string, request: ReplyRequest): AsyncGenerator<ReplyEvent> {
    const { history, input, limits, model, signal } = request;
    const { kept, omittedMessageIds } = await selectHistory(history, input, limits, serverPromptCounter(client, model, signal));
    const stream = await client.responses.create({ model, input: toInputItems(kept, input), stream: true, ...limitParams(limits) }, { signal });
    const finished = yield* readResponse(stream, signal);
    const remoteId = await appendTurn(client, conversation, toInputItem(input), finished, signal);
    yield {
      ...finished.done,
      ...(remoteId ? { remoteId } : {}),
      ...(omittedMessageIds.length ? { omittedMessageIds } : {}),
    };
  }

  /** A fresh client per call, so changed settings apply to the next request. */
  private client(): OpenAI {
    return createOpenAIClient(this.settings);
  }
}

function limitParams(limits: ContextLimits | undefined): Pick<ResponseCreateParamsStreaming, 'max_output_tokens' | 'truncation'> {
  return {
    ...(limits?.maxCompletionTokens !== undefined ? { max_output_tokens: Math.max(MIN_OUTPUT_TOKENS, limits.maxCompletionTokens) } : {}),
    ...(limits?.truncation?.type === 'auto' ? { truncation: 'auto' } : {}),
  };
}

/**
 * Adds the turn the response was made outside the conversation: the user's message and the
 * reply's messages (tool and reasoning items stay out: they are not part of the thread).
 * Returns the conversation's id for the reply.
 */
async function appendTurn(client: OpenAI, conversation: string, userItem: ResponseInputItem, { response }: FinishedResponse, signal: AbortSignal): Promise<string | undefined> {
  const replies = response.output.filter((item) => item.type === 'message');
  try {
    const created = await client.conversations.items.create(conversation, { items: [userItem, ...replies] }, { signal });
    return replies.length > 0 ? created.data.at(-1)?.id : undefined;
  } catch (err) {
    if (signal.aborted) throw err;
    // The text has streamed already: say that it is the server's copy of the thread that is now short.
    throw new Error(l10n.t("The reply arrived, but the server's copy of the thread could not be updated, so replies without context limits will not see this turn. {0}", describeError(err).message), {
      cause: err,
    });
  }
}

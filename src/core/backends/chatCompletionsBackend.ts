// Chat Completions, for any OpenAI-compatible server (Ollama, LM Studio, llama.cpp, vLLM, …).
// The server keeps no thread: it lives only in the local store, and every reply resends the
// history that fits the context limits, with attachments inlined (text) or as data URLs (images).
import type OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions/completions';
import type { Backend, ConnectionSettings, ReplyEvent, ReplyRequest, UploadRequest } from './backend';
import { StreamEndedError } from './errors';
import type { AttachmentPart, Usage } from '../model';
import { prepareChatAttachment } from './chat/attachments';
import { selectContext } from './chat/context';
import { createOpenAIClient } from './openaiClient';
import { openai } from './sdk';

export interface ChatCompletionsOptions {
  /** OpenAI takes `max_completion_tokens` (`max_tokens` fails on reasoning models); most local servers only `max_tokens`. */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /** The model's context window in tokens, for `auto` truncation; unknown = not enforced. */
  contextWindow?: number;
}

type FinishReason = ChatCompletionChunk.Choice['finish_reason'];

export class ChatCompletionsBackend implements Backend {
  readonly kind = 'chat' as const;

  get server(): string {
    return this.settings.baseUrl;
  }

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly options: ChatCompletionsOptions,
  ) {}

  /** Nothing to create: initial messages stay in the local store and go out as each reply's history. */
  async createThread(): Promise<{ remoteId?: string }> {
    return {};
  }

  async *reply(request: ReplyRequest): AsyncIterable<ReplyEvent> {
    const context = await selectContext(request.history, request.input, request.limits, this.options.contextWindow);
    const body: ChatCompletionCreateParamsStreaming = {
      model: request.model,
      messages: context.messages,
      stream: true,
      stream_options: { include_usage: true },
    };
    const maxTokens = request.limits?.maxCompletionTokens;
    if (maxTokens !== undefined) body[this.options.maxTokensField] = maxTokens;
    request.trace?.('requestSent');
    const stream = await this.client().chat.completions.create(body, { signal: request.signal });
    request.trace?.('firstByte');

    let finishReason: FinishReason = null;
    let usage: Usage | undefined;
    let model: string | undefined;
    // A chunk with a top-level `error` makes the SDK throw APIError here; it propagates as is.
    try {
      for await (const chunk of stream) {
        model ??= chunk.model || undefined;
        // OpenAI sends usage on a last `choices: []` chunk; some servers put it on the finish chunk.
        if (chunk.usage) usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
        const choice = chunk.choices[0];
        if (!choice) continue;
        // A refusal is the model's answer too; showing nothing would look like a broken reply.
        const text = (choice.delta.content ?? '') + (choice.delta.refusal ?? '');
        if (text) yield { type: 'delta', text };
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
    } catch (err) {
      // Once the finish chunk is in, the reply is whole: a connection lost before the usage
      // chunk or `[DONE]` costs only the token counts, not the reply.
      if (!finishReason) throw err;
    }
    if (!finishReason) {
      // The SDK ends iteration quietly when the request is aborted, so tell the two endings apart here.
      if (request.signal.aborted) throw new (openai().APIUserAbortError)();
      throw new StreamEndedError();
    }
    const stoppedEarly = finishReason === 'length' || finishReason === 'content_filter';
    yield {
      type: 'done',
      status: stoppedEarly ? 'incomplete' : 'complete',
      ...(stoppedEarly ? { reason: finishReason } : {}),
      ...(usage ? { usage } : {}),
      ...(model ? { model } : {}),
      ...(context.omittedMessageIds.length > 0 ? { omittedMessageIds: context.omittedMessageIds } : {}),
    };
  }

  /** Nothing on the server to remove: the thread exists only locally. */
  async deleteThread(): Promise<void> {}

  /** Decided from the bytes alone (no Files API on local servers), so progress jumps straight to done. */
  async prepareAttachment(part: AttachmentPart, data: Uint8Array, options: Pick<UploadRequest, 'signal' | 'onProgress'>): Promise<AttachmentPart> {
    options.signal?.throwIfAborted();
    const prepared = prepareChatAttachment(part, data);
    options.onProgress?.(data.length, data.length);
    return prepared;
  }

  /** A fresh client per call, so changed settings apply to the next request. */
  private client(): OpenAI {
    return createOpenAIClient(this.settings);
  }
}

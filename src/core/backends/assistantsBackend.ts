// Assistants v2: the thread lives on the server (`thread_…`); each reply adds the user message
// and streams a run of an assistant over the whole thread. OpenAI removed this API on
// 2026-08-26; compatible servers may still speak it, and for api.openai.com the 404s it now
// gives are explained (assistants/gone.ts).
import * as l10n from '@vscode/l10n';
import type OpenAI from 'openai';
import type { Message as AssistantsMessage } from 'openai/resources/beta/threads/messages';
import type { Run, RunCreateParamsStreaming } from 'openai/resources/beta/threads/runs/runs';
import type { Backend, ConnectionSettings, RemoteMessage, ReplyEvent, ReplyRequest, UploadRequest } from './backend';
import { ResponseFailedError, StreamEndedError } from './errors';
import { detectImageMime, unsupportedImageMessage } from '../attachments/imageTypes';
import { ASSISTANTS_MIN_TOKEN_LIMIT } from '../context/limitRules';
import type { AttachmentPart, ContextLimits, Message, ThreadMeta } from '../model';
import { whenThreadIsFree } from './assistants/activeRun';
import { collectQuotes, replyText } from './assistants/annotations';
import type { DeltaQuotes } from './assistants/annotations';
import { forgetThreadlineAssistant, threadlineAssistant } from './assistants/assistantCache';
import type { AssistantLookup } from './assistants/assistantCache';
import { AssistantsApiGoneError, describeAssistantsGone } from './assistants/gone';
import { listThreadMessages } from './assistants/listing';
import { toMessageParams } from './assistants/messageParams';
import { createSeededThread } from './assistants/seed';
import { fetchFileName } from './fileDownload';
import { uploadFile } from './files';
import { createOpenAIClient } from './openaiClient';
import { existsUnlessNotFound } from './remoteExists';
import { openai } from './sdk';

export interface AssistantsOptions {
  /** Run this assistant, with its own model; without it Threadline finds or creates its own per model. */
  assistantId?: string;
  /** Instructions for the assistant Threadline creates. */
  instructions?: string;
}

/** A best-effort cancel must not hold up the end of a stopped reply for long. */
const CANCEL_TIMEOUT_MS = 3_000;


export class AssistantsBackend implements Backend {
  readonly kind = 'assistants' as const;

  get server(): string {
    return this.settings.baseUrl;
  }

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly options: AssistantsOptions = {},
  ) {}

  /** The assistant replies run on: the configured one, or Threadline's own for `model`. */
  async ensureAssistant(model: string): Promise<string> {
    if (this.options.assistantId) return this.options.assistantId;
    return this.explained(() => threadlineAssistant(this.client(), this.lookup(model)));
  }

  async createThread(thread: ThreadMeta, initialMessages: readonly Message[] = []): Promise<{ remoteId?: string }> {
    return { remoteId: await this.explained(() => createSeededThread(this.client(), thread, initialMessages)) };
  }

  async deleteThread(remoteId: string): Promise<void> {
    await this.explained(() => this.client().beta.threads.delete(remoteId));
  }

  /** Through `explained` first: on api.openai.com every Assistants 404 means the API is gone, not the thread. */
  async threadExists(remoteId: string, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    return existsUnlessNotFound(() => this.explained(() => this.client().beta.threads.retrieve(remoteId, { signal: options.signal })));
  }

  async *reply(request: ReplyRequest): AsyncIterable<ReplyEvent> {
    const threadId = request.thread.remoteId;
    if (!threadId) throw new Error(l10n.t('This thread has no Assistants thread on the server yet.'));
    try {
      yield* this.run(this.client(), threadId, request);
    } catch (err) {
      // However the request ended, a stop reads as a stop (the SDK may surface it as anything).
      if (request.signal.aborted && !(err instanceof openai().APIUserAbortError)) throw new (openai().APIUserAbortError)();
      throw this.explain(err);
    }
  }

  async *listMessages(remoteId: string, options: { signal?: AbortSignal } = {}): AsyncIterable<RemoteMessage> {
    try {
      yield* listThreadMessages(this.client(), remoteId, options.signal);
    } catch (err) {
      throw this.explain(err);
    }
  }

  async fileName(fileId: string): Promise<string> {
    return this.explained(() => fetchFileName(this.settings, fileId));
  }

  async prepareAttachment(part: AttachmentPart, data: Uint8Array, options: Pick<UploadRequest, 'signal' | 'onProgress'>): Promise<AttachmentPart> {
    const client = this.client();
    if (part.type === 'image') {
      const mime = detectImageMime(data);
      if (!mime) throw new Error(unsupportedImageMessage(part.name));
      const { fileId } = await this.explained(() => uploadFile(client, { name: part.name, mime, data, purpose: 'vision', ...options }));
      return { ...part, mime, fileId };
    }
    const { fileId } = await this.explained(() => uploadFile(client, { name: part.name, mime: part.mime ?? 'application/octet-stream', data, purpose: 'assistants', ...options }));
    return { ...part, fileId, bytes: data.byteLength };
  }

  private async *run(client: OpenAI, threadId: string, request: ReplyRequest): AsyncGenerator<ReplyEvent> {
    const { signal } = request;
    const assistantId = await this.ensureAssistant(request.model);
    const params = toMessageParams(request.input);
    await whenThreadIsFree(client, threadId, signal, () => client.beta.threads.messages.create(threadId, params, { signal }));
    const stream = await this.startRun(client, threadId, assistantId, request);

    let runId: string | undefined;
    let ended = false;
    let deltas = '';
    let final: AssistantsMessage | undefined;
    let done: ReplyEvent | undefined;
    const quotes: DeltaQuotes = new Map();
    try {
      // An `error` event makes the SDK throw APIError here; it propagates as is.
      for await (const event of stream) {
        switch (event.event) {
          case 'thread.run.created':
            runId = event.data.id;
            break;
          case 'thread.message.delta':
            collectQuotes(event.data.delta, quotes);
            for (const block of event.data.delta.content ?? []) {
              const text = block.type === 'text' ? block.text?.value : undefined;
              if (!text) continue;
              deltas += text;
              yield { type: 'delta', text };
            }
            break;
          case 'thread.message.completed':
          case 'thread.message.incomplete':
            final = event.data;
            break;
          case 'thread.run.completed':
          case 'thread.run.incomplete':
            ended = true;
            done = doneEvent(event.data, final, quotes, deltas);
            break;
          case 'thread.run.failed':
            ended = true;
            throw new ResponseFailedError(event.data.last_error?.message ?? l10n.t('The run failed.'), event.data.last_error?.code);
          case 'thread.run.expired':
            ended = true;
            throw new ResponseFailedError(l10n.t('The run expired before it finished.'), 'expired');
          case 'thread.run.cancelled':
            ended = true;
            throw new (openai().APIUserAbortError)();
          case 'thread.run.requires_action':
            // Left running, it would hold the thread until it expires; the finally cancels it.
            throw new Error(l10n.t('The assistant asked to call one of its functions, which Threadline cannot run. Use an assistant without function tools.'));
        }
      }
    } finally {
      // Stopped, dropped or refused midway: cancel, so the run neither finishes a reply the user
      // will not see nor keeps the thread locked for the next send.
      if (runId && !ended) await cancelQuietly(client, threadId, runId);
    }
    if (!done) {
      // The SDK ends iteration quietly when the request is aborted, so tell the two endings apart here.
      if (signal.aborted) throw new (openai().APIUserAbortError)();
      throw new StreamEndedError();
    }
    yield done;
  }

  private async startRun(client: OpenAI, threadId: string, assistantId: string, request: ReplyRequest) {
    // A picked assistant runs with its own model; Threadline's own was made for request.model.
    const model = this.options.assistantId ? {} : { model: request.model };
    const params = (assistant: string): RunCreateParamsStreaming => ({ assistant_id: assistant, ...model, stream: true, ...runLimits(request.limits) });
    const create = (assistant: string) => whenThreadIsFree(client, threadId, request.signal, () => client.beta.threads.runs.create(threadId, params(assistant), { signal: request.signal }));
    try {
      return await create(assistantId);
    } catch (err) {
      // Threadline's assistant was deleted on the server since it was remembered: make it again, once.
      if (this.options.assistantId || !(err instanceof openai().NotFoundError) || !/assistant/i.test(err.message)) throw err;
      forgetThreadlineAssistant(this.lookup(request.model));
      return create(await this.ensureAssistant(request.model));
    }
  }

  private lookup(model: string): AssistantLookup {
    return { settings: this.settings, model, ...(this.options.instructions ? { instructions: this.options.instructions } : {}) };
  }

  /** Runs `call`, turning api.openai.com's "API removed" 404 into a sentence that says so. */
  private async explained<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw this.explain(err);
    }
  }

  private explain(err: unknown): unknown {
    return describeAssistantsGone(err, this.settings.baseUrl) ? new AssistantsApiGoneError(err) : err;
  }

  /** A fresh client per call, so changed settings apply to the next request. */
  private client(): OpenAI {
    return createOpenAIClient(this.settings);
  }
}

/**
 * The run's limits. The prompt asks for at least ASSISTANTS_MIN_TOKEN_LIMIT in this dialect, but a
 * thread may bring smaller ones from another dialect: those are raised, as the server refuses less.
 */
function runLimits(limits: ContextLimits | undefined): Pick<RunCreateParamsStreaming, 'max_prompt_tokens' | 'max_completion_tokens' | 'truncation_strategy'> {
  if (!limits) return {};
  const { maxPromptTokens, maxCompletionTokens, truncation } = limits;
  const atLeastMinimum = (tokens: number) => Math.max(ASSISTANTS_MIN_TOKEN_LIMIT, tokens);
  return {
    ...(maxPromptTokens !== undefined ? { max_prompt_tokens: atLeastMinimum(maxPromptTokens) } : {}),
    ...(maxCompletionTokens !== undefined ? { max_completion_tokens: atLeastMinimum(maxCompletionTokens) } : {}),
    ...(truncation ? { truncation_strategy: truncation.type === 'auto' ? { type: 'auto' } : { type: 'last_messages', last_messages: truncation.lastMessages } } : {}),
  };
}

function doneEvent(run: Run, final: AssistantsMessage | undefined, quotes: DeltaQuotes, deltas: string): ReplyEvent {
  const status = run.status === 'incomplete' ? 'incomplete' : 'complete';
  const reply = final ? replyText(final, quotes) : undefined;
  return {
    type: 'done',
    status,
    ...(status === 'incomplete' ? { reason: run.incomplete_details?.reason ?? 'unknown' } : {}),
    ...(run.usage ? { usage: { inputTokens: run.usage.prompt_tokens, outputTokens: run.usage.completion_tokens } } : {}),
    ...(final ? { remoteId: final.id } : {}),
    model: run.model,
    // The annotations index into the server's text, so it goes along whenever there are any.
    ...(reply && (reply.annotations.length > 0 || reply.text !== deltas) ? { text: reply.text } : {}),
    ...(reply && reply.annotations.length > 0 ? { annotations: reply.annotations } : {}),
  };
}

async function cancelQuietly(client: OpenAI, threadId: string, runId: string): Promise<void> {
  try {
    await client.beta.threads.runs.cancel(runId, { thread_id: threadId }, { timeout: CANCEL_TIMEOUT_MS, maxRetries: 0 });
  } catch {
    // Best effort: the run may have ended meanwhile, or the server be unreachable.
  }
}

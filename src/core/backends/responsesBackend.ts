// Conversations + Responses: the thread is a server-side conversation (`conv_…`) and each reply is
// a streamed response appended to it, so only the new user message is sent per turn.
import { APIUserAbortError } from 'openai';
import type OpenAI from 'openai';
import type { Response, ResponseInputContent, ResponseInputItem } from 'openai/resources/responses/responses';
import type { Backend, ConnectionSettings, ReplyEvent, ReplyRequest } from '../backend';
import { ResponseFailedError, StreamEndedError } from '../errors';
import type { ContentPart, Message, ThreadMeta } from '../model';
import { createOpenAIClient } from './openaiClient';

export class ResponsesBackend implements Backend {
  readonly kind = 'responses' as const;

  constructor(private readonly settings: ConnectionSettings) {}

  async createThread(thread: ThreadMeta): Promise<{ remoteId?: string }> {
    const conversation = await this.client().conversations.create({ metadata: { threadline_thread: thread.id } });
    return { remoteId: conversation.id };
  }

  async *reply(request: ReplyRequest): AsyncIterable<ReplyEvent> {
    const conversation = request.thread.remoteId;
    if (!conversation) throw new Error('This thread has no conversation on the server yet.');
    const stream = await this.client().responses.create(
      { model: request.model, conversation, input: [toInputItem(request.input)], stream: true },
      { signal: request.signal },
    );
    let done: ReplyEvent | undefined;
    // An `error` event makes the SDK throw APIError here; it propagates to the caller as is.
    for await (const event of stream) {
      switch (event.type) {
        case 'response.output_text.delta':
          yield { type: 'delta', text: event.delta };
          break;
        case 'response.completed':
          done = doneEvent(event.response, 'complete');
          break;
        case 'response.incomplete':
          done = doneEvent(event.response, 'incomplete');
          break;
        case 'response.failed':
          throw new ResponseFailedError(event.response.error?.message ?? 'The response failed.', event.response.error?.code);
      }
    }
    if (!done) {
      // The SDK ends iteration quietly when the request is aborted, so tell the two endings apart here.
      if (request.signal.aborted) throw new APIUserAbortError();
      throw new StreamEndedError();
    }
    yield done;
  }

  async deleteThread(remoteId: string): Promise<void> {
    await this.client().conversations.delete(remoteId);
  }

  /** A fresh client per call, so changed settings apply to the next request. */
  private client(): OpenAI {
    return createOpenAIClient(this.settings);
  }
}

function toInputItem(message: Message): ResponseInputItem {
  return { type: 'message', role: 'user', content: message.content.map(toInputContent) };
}

function toInputContent(part: ContentPart): ResponseInputContent {
  switch (part.type) {
    case 'text':
      return { type: 'input_text', text: part.text };
    case 'file':
      if (!part.fileId) throw new Error(`The attachment "${part.name}" has not been uploaded.`);
      return { type: 'input_file', file_id: part.fileId };
    case 'image':
      if (part.fileId) return { type: 'input_image', file_id: part.fileId, detail: 'auto' };
      if (part.dataUrl) return { type: 'input_image', image_url: part.dataUrl, detail: 'auto' };
      throw new Error(`The image "${part.name}" has no data to send.`);
  }
}

function doneEvent(response: Response, status: 'complete' | 'incomplete'): ReplyEvent {
  const message = response.output.findLast((item) => item.type === 'message');
  return {
    type: 'done',
    status,
    ...(status === 'incomplete' ? { reason: response.incomplete_details?.reason ?? 'unknown' } : {}),
    ...(response.usage ? { usage: { inputTokens: response.usage.input_tokens, outputTokens: response.usage.output_tokens } } : {}),
    ...(message ? { remoteId: message.id } : {}),
    model: response.model,
  };
}

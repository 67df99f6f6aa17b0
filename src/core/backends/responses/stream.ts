// Reads one streamed response: yields its text deltas, returns how it ended. Shared by the
// conversation turn and the turn Threadline sends with trimmed, explicit context.
import type { Response, ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { ReplyEvent } from '../backend';
import { ResponseFailedError, StreamEndedError } from '../errors';
import { openai } from '../sdk';
import { finalText, StreamedAnnotations } from './annotations';

export type DoneEvent = Extract<ReplyEvent, { type: 'done' }>;
type DeltaEvent = Extract<ReplyEvent, { type: 'delta' }>;

export interface FinishedResponse {
  response: Response;
  done: DoneEvent;
}

export async function* readResponse(stream: AsyncIterable<ResponseStreamEvent>, signal: AbortSignal): AsyncGenerator<DeltaEvent, FinishedResponse> {
  const streamed = new StreamedAnnotations();
  let finished: FinishedResponse | undefined;
  // An `error` event makes the SDK throw APIError here; it propagates to the caller as is.
  for await (const event of stream) {
    switch (event.type) {
      case 'response.output_text.delta':
        yield { type: 'delta', text: event.delta };
        break;
      case 'response.output_text.annotation.added':
        streamed.add(event);
        break;
      case 'response.completed':
        finished = { response: event.response, done: doneEvent(event.response, 'complete', streamed) };
        break;
      case 'response.incomplete':
        finished = { response: event.response, done: doneEvent(event.response, 'incomplete', streamed) };
        break;
      case 'response.failed':
        throw new ResponseFailedError(event.response.error?.message ?? 'The response failed.', event.response.error?.code);
    }
  }
  if (!finished) {
    // The SDK ends iteration quietly when the request is aborted, so tell the two endings apart here.
    if (signal.aborted) throw new (openai().APIUserAbortError)();
    throw new StreamEndedError();
  }
  return finished;
}

function doneEvent(response: Response, status: DoneEvent['status'], streamed: StreamedAnnotations): DoneEvent {
  const message = response.output.findLast((item) => item.type === 'message');
  const final = finalText(response, streamed);
  return {
    type: 'done',
    status,
    // Kept as the server gave it (max_output_tokens, content_filter, …) so the user learns why.
    ...(status === 'incomplete' ? { reason: response.incomplete_details?.reason ?? 'unknown' } : {}),
    ...(response.usage ? { usage: { inputTokens: response.usage.input_tokens, outputTokens: response.usage.output_tokens } } : {}),
    ...(message ? { remoteId: message.id } : {}),
    model: response.model,
    ...(final ? { text: final.text } : {}),
    ...(final?.annotations.length ? { annotations: final.annotations } : {}),
  };
}

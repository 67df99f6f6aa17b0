// How a run plays out (openai-wire.md §2.5, §2.6). A run is planned when it is created (limits
// checked, context cut to the truncation strategy) and then lives as an async generator of its
// SSE events, which mutates the stored run, step and message as it goes. A stream drives it
// and writes the events; a non-streamed run is advanced by retrieves (see RunRecord.pending).
import { setTimeout as sleep } from 'node:timers/promises';
import { badRequest } from '../../errors';
import { parseMetadata } from '../../metadata';
import { newId, nowSeconds } from '../../store';
import type { Json, JsonObject, StandInState } from '../../store';
import { isKnownModel } from '../models';
import { familyId, isActive } from './family';
import type { AnnotationObject, AssistantObject, MessageObject, RunEvent, RunObject, RunRecord, RunStepObject, ThreadRecord } from './family';
import { countPromptTokens, replySegments } from './reply';
import type { ReplySegment } from './reply';

/** OpenAI's floor for max_prompt_tokens and max_completion_tokens. */
const MIN_TOKEN_LIMIT = 256;
const EXPIRY_SECONDS = 600;

interface Plan {
  promptTokens: number;
  /** False when even the truncated context exceeds max_prompt_tokens. */
  fits: boolean;
  segments: ReplySegment[];
}

export interface RunSettings {
  state: StandInState;
  /** Pause before each text delta (streamed runs only). */
  paceMs: number;
  /** End the run `failed` with this error (the `failResponse` fault). */
  failWith?: { code: string; message: string };
}

/**
 * Validates a run request against its thread and creates the queued run (with its
 * additional_messages appended). Throws ApiError and changes nothing when the request is bad.
 */
export function createRun(thread: ThreadRecord, assistant: AssistantObject, params: JsonObject, additional: MessageObject[]): RunRecord {
  const model = typeof params.model === 'string' && params.model ? params.model : assistant.model;
  if (!isKnownModel(model)) throw badRequest(`The requested model '${model}' does not exist.`, 'model', 'model_not_found');
  const base = typeof params.instructions === 'string' ? params.instructions : (assistant.instructions ?? '');
  const extra = typeof params.additional_instructions === 'string' ? params.additional_instructions : '';
  const createdAt = nowSeconds();
  const run: RunObject = {
    id: familyId('run_'),
    object: 'thread.run',
    created_at: createdAt,
    thread_id: thread.thread.id,
    assistant_id: assistant.id,
    status: 'queued',
    required_action: null,
    last_error: null,
    expires_at: createdAt + EXPIRY_SECONDS,
    started_at: null,
    cancelled_at: null,
    failed_at: null,
    completed_at: null,
    incomplete_details: null,
    model,
    instructions: extra ? `${base}\n${extra}`.trim() : base,
    tools: Array.isArray(params.tools) ? params.tools : assistant.tools,
    metadata: parseMetadata(params.metadata),
    usage: null,
    temperature: typeof params.temperature === 'number' ? params.temperature : (assistant.temperature ?? 1),
    top_p: typeof params.top_p === 'number' ? params.top_p : (assistant.top_p ?? 1),
    max_prompt_tokens: tokenLimit(params.max_prompt_tokens, 'max_prompt_tokens'),
    max_completion_tokens: tokenLimit(params.max_completion_tokens, 'max_completion_tokens'),
    truncation_strategy: truncation(params.truncation_strategy),
    tool_choice: params.tool_choice ?? 'auto',
    parallel_tool_calls: params.parallel_tool_calls !== false,
    response_format: params.response_format ?? assistant.response_format ?? 'auto',
  };
  for (const message of additional) thread.messages.push(message);
  const record: RunRecord = { run, steps: [], cancelRequested: false };
  thread.runs.push(record);
  return record;
}

/** The run's events from `thread.run.created` to its terminal event. */
export async function* runLifecycle(thread: ThreadRecord, record: RunRecord, settings: RunSettings): AsyncGenerator<RunEvent> {
  const { run } = record;
  const plan = planReply(thread, run, settings.state);
  if (settings.failWith) record.failure = settings.failWith;
  yield ['thread.run.created', run];
  yield ['thread.run.queued', run];
  if (record.cancelRequested) return yield* cancelled(record, undefined, undefined, 0, plan);
  run.status = 'in_progress';
  run.started_at = nowSeconds();
  yield ['thread.run.in_progress', run];
  if (record.failure) return yield* failed(record, undefined, undefined, 0, plan);
  if (!plan.fits) {
    end(run, 'incomplete', plan.promptTokens, 0);
    run.incomplete_details = { reason: 'max_prompt_tokens' };
    yield ['thread.run.incomplete', run];
    return;
  }

  const message = assistantMessage(thread, run);
  const step = messageStep(run, message);
  thread.messages.push(message);
  record.steps.push(step);
  yield ['thread.run.step.created', step];
  yield ['thread.run.step.in_progress', step];
  yield ['thread.message.created', message];
  yield ['thread.message.in_progress', message];

  const cap = run.max_completion_tokens ?? Infinity;
  const segments = plan.segments.slice(0, cap);
  let sent = 0;
  for (const segment of segments) {
    if (settings.paceMs > 0) await sleep(settings.paceMs);
    if (record.cancelRequested) return yield* cancelled(record, message, step, sent, plan);
    if (record.failure) return yield* failed(record, message, step, sent, plan);
    yield ['thread.message.delta', appendSegment(message, segment, settings.state)];
    sent += 1;
  }

  const truncated = segments.length < plan.segments.length;
  const at = nowSeconds();
  if (truncated) {
    Object.assign(message, { status: 'incomplete', incomplete_details: { reason: 'max_tokens' }, incomplete_at: at });
    yield ['thread.message.incomplete', message];
  } else {
    Object.assign(message, { status: 'completed', completed_at: at });
    yield ['thread.message.completed', message];
  }
  Object.assign(step, { status: 'completed', completed_at: at, usage: usage(plan.promptTokens, sent) });
  yield ['thread.run.step.completed', step];
  end(run, truncated ? 'incomplete' : 'completed', plan.promptTokens, sent);
  if (truncated) {
    run.incomplete_details = { reason: 'max_completion_tokens' };
    yield ['thread.run.incomplete', run];
  } else {
    run.completed_at = at;
    yield ['thread.run.completed', run];
  }
}

/**
 * Moves a non-streamed run on by one status (queued → in_progress → terminal), as if time had
 * passed since the last look; a no-op for streamed and finished runs.
 */
export async function advance(record: RunRecord): Promise<void> {
  const pending = record.pending;
  if (!pending) return;
  const from = record.run.status;
  while (record.run.status === from) {
    if ((await pending.next()).done) break;
  }
  if (!isActive(record.run)) record.pending = undefined;
}

function planReply(thread: ThreadRecord, run: RunObject, state: StandInState): Plan {
  let context = thread.messages.slice();
  const strategy = run.truncation_strategy;
  if (strategy.type === 'last_messages' && strategy.last_messages !== null) context = context.slice(-strategy.last_messages);
  let promptTokens = countPromptTokens(context, run.instructions);
  // `auto` drops the oldest messages until the prompt fits, keeping at least the newest one.
  const limit = run.max_prompt_tokens;
  while (limit !== null && strategy.type === 'auto' && promptTokens > limit && context.length > 1) {
    context = context.slice(1);
    promptTokens = countPromptTokens(context, run.instructions);
  }
  const trigger = context.findLast((m) => m.role === 'user');
  return { promptTokens, fits: limit === null || promptTokens <= limit, segments: replySegments(trigger, state) };
}

/** Appends one segment to the message's text block; returns the `thread.message.delta` payload. */
function appendSegment(message: MessageObject, segment: ReplySegment, state: StandInState): object {
  let block = message.content[0];
  if (block?.type !== 'text') {
    block = { type: 'text', text: { value: '', annotations: [] } };
    message.content.unshift(block);
  }
  const start = block.text.value.length;
  block.text.value += segment.text;
  const deltaAnnotations: object[] = [];
  const note = segment.annotation;
  if (note) {
    const span = { text: segment.text.slice(note.offset, note.offset + note.length), start_index: start + note.offset, end_index: start + note.offset + note.length };
    const index = block.text.annotations.length;
    let annotation: AnnotationObject;
    if (note.type === 'file_citation') {
      annotation = { type: 'file_citation', ...span, file_citation: { file_id: note.fileId } };
      // The quote travels only in the delta, as the current API sends it (openai-wire.md §2.4).
      deltaAnnotations.push({ index, ...annotation, file_citation: { file_id: note.fileId, ...(note.quote ? { quote: note.quote } : {}) } });
    } else {
      // The generated file exists from the moment the reply links to it.
      state.files.set(note.file.file.id, note.file);
      annotation = { type: 'file_path', ...span, file_path: { file_id: note.file.file.id } };
      deltaAnnotations.push({ index, ...annotation });
    }
    block.text.annotations.push(annotation);
  }
  return {
    id: message.id,
    object: 'thread.message.delta',
    delta: { content: [{ index: 0, type: 'text', text: { value: segment.text, ...(deltaAnnotations.length ? { annotations: deltaAnnotations } : {}) } }] },
  };
}

async function* cancelled(record: RunRecord, message: MessageObject | undefined, step: RunStepObject | undefined, sent: number, plan: Plan): AsyncGenerator<RunEvent> {
  const { run } = record;
  const at = nowSeconds();
  run.status = 'cancelling';
  yield ['thread.run.cancelling', run];
  if (message) {
    Object.assign(message, { status: 'incomplete', incomplete_details: { reason: 'run_cancelled' }, incomplete_at: at });
    yield ['thread.message.incomplete', message];
  }
  if (step) {
    Object.assign(step, { status: 'cancelled', cancelled_at: at, usage: usage(plan.promptTokens, sent) });
    yield ['thread.run.step.cancelled', step];
  }
  end(run, 'cancelled', plan.promptTokens, sent);
  run.cancelled_at = at;
  yield ['thread.run.cancelled', run];
}

async function* failed(record: RunRecord, message: MessageObject | undefined, step: RunStepObject | undefined, sent: number, plan: Plan): AsyncGenerator<RunEvent> {
  const { run } = record;
  const error = record.failure ?? { code: 'server_error', message: 'Sorry, something went wrong.' };
  const at = nowSeconds();
  if (message) {
    Object.assign(message, { status: 'incomplete', incomplete_details: { reason: 'run_failed' }, incomplete_at: at });
    yield ['thread.message.incomplete', message];
  }
  if (step) {
    Object.assign(step, { status: 'failed', failed_at: at, last_error: error, usage: usage(plan.promptTokens, sent) });
    yield ['thread.run.step.failed', step];
  }
  end(run, 'failed', plan.promptTokens, sent);
  Object.assign(run, { failed_at: at, last_error: error });
  yield ['thread.run.failed', run];
}

function end(run: RunObject, status: RunObject['status'], promptTokens: number, completionTokens: number): void {
  run.status = status;
  run.expires_at = null;
  run.usage = usage(promptTokens, completionTokens);
}

function usage(prompt: number, completion: number): RunObject['usage'] {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function assistantMessage(thread: ThreadRecord, run: RunObject): MessageObject {
  return {
    id: newId('msg_'),
    object: 'thread.message',
    created_at: nowSeconds(),
    thread_id: thread.thread.id,
    status: 'in_progress',
    incomplete_details: null,
    completed_at: null,
    incomplete_at: null,
    role: 'assistant',
    content: [],
    assistant_id: run.assistant_id,
    run_id: run.id,
    attachments: [],
    metadata: {},
  };
}

function messageStep(run: RunObject, message: MessageObject): RunStepObject {
  return {
    id: familyId('step_'),
    object: 'thread.run.step',
    created_at: nowSeconds(),
    assistant_id: run.assistant_id,
    thread_id: run.thread_id,
    run_id: run.id,
    type: 'message_creation',
    status: 'in_progress',
    step_details: { type: 'message_creation', message_creation: { message_id: message.id } },
    last_error: null,
    expired_at: null,
    cancelled_at: null,
    failed_at: null,
    completed_at: null,
    metadata: {},
    usage: null,
  };
}

function tokenLimit(value: Json | undefined, param: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw badRequest(`Invalid type for '${param}': expected an integer.`, param, 'invalid_type');
  if (value < MIN_TOKEN_LIMIT) {
    throw badRequest(`Invalid '${param}': integer below minimum value. Expected a value >= ${MIN_TOKEN_LIMIT}, but got ${value} instead.`, param, 'integer_below_min_value');
  }
  return value;
}

function truncation(value: Json | undefined): RunObject['truncation_strategy'] {
  if (value === undefined || value === null) return { type: 'auto', last_messages: null };
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest("Invalid type for 'truncation_strategy': expected an object.", 'truncation_strategy', 'invalid_type');
  if (value.type === 'auto') return { type: 'auto', last_messages: null };
  if (value.type !== 'last_messages') {
    throw badRequest("Invalid value for 'truncation_strategy.type': expected one of 'auto', 'last_messages'.", 'truncation_strategy.type', 'invalid_value');
  }
  const n = value.last_messages;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw badRequest("Invalid 'truncation_strategy.last_messages': expected an integer >= 1.", 'truncation_strategy.last_messages', 'invalid_value');
  }
  return { type: 'last_messages', last_messages: n };
}

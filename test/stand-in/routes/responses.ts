// The Responses API (openai-wire.md §4): create (JSON or SSE), retrieve, delete, input_items.
// A turn is planned (validated, reply computed) before anything is stored, so a rejected
// request changes nothing; the conversation grows only when a turn finishes.
//
// Attachments change the reply (replies.ts gives the text rule) so tests can see they arrived:
// each distinct image in the context adds ` I see an image (<mime>).`, then each distinct file
// adds ` [<filename>]` with a `file_citation` annotation whose `index` is the position of `[`,
// streamed as `response.output_text.annotation.added` once its marker has been sent. Then each
// distinct web link in the last user message adds ` [<host>]` with a `url_citation` over that
// marker, and `generate a file named <name>` in it adds ` [<name>]` with a
// `container_file_citation` to a file code interpreter "made" (stored when the turn finishes,
// served by routes/containers.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { jsonObject } from '../body';
import { badRequest, notFound } from '../errors';
import type { Fault } from '../faults';
import { outputText, toStoredItems } from '../items';
import { paginate } from '../lists';
import { parseMetadata } from '../metadata';
import { countInputTokens, expectedReply, lastUserText, splitDeltas } from '../replies';
import type { Reply, RouteContext, Router } from '../router';
import { responsesDialect, SseWriter } from '../sse';
import { newId, nowSeconds } from '../store';
import type { ContainerFile, ConversationRecord, Item, Json, JsonObject, ResponseRecord, StandInState, StoredFile } from '../store';
import { findConversation } from './conversations';
import { isKnownModel } from './models';

const MIN_OUTPUT_TOKENS = 16;
/** A user message with this word has its reply stopped by the "content filter" after FILTERED_DELTAS deltas. */
export const CONTENT_FILTER_TRIGGER = '#filtered';
const FILTERED_DELTAS = 2;

interface Turn {
  /** The Response as first announced: in_progress, no output, no usage. */
  draft: JsonObject & { id: string };
  conversation: ConversationRecord | undefined;
  inputItems: Item[];
  context: Item[];
  store: boolean;
  messageId: string;
  /** The deltas to send, already cut to max_output_tokens. */
  deltas: string[];
  /** Citations within the text that is sent, in order. */
  citations: Citation[];
  truncated: boolean;
  /** Why a truncated turn stopped early. */
  incompleteReason: 'max_output_tokens' | 'content_filter';
}

/** An annotation and where its marker ends in the reply text (it is announced once that much is sent). */
interface Citation {
  annotation: JsonObject;
  end: number;
  /** The container file it cites, stored when the turn finishes. */
  generated?: ContainerFile;
}

const WEB_LINK = /https?:\/\/[^\s\])>"']+/g;
const GENERATE_FILE = /\bgenerate a file named ([\w.-]+)/i;

/** What a request's context is made of: the earlier items plus this request's input. */
export interface RequestContext {
  conversation: ConversationRecord | undefined;
  previous: ResponseRecord | undefined;
  inputItems: Item[];
  context: Item[];
}

export function registerResponseRoutes(router: Router): void {
  router.add('POST', '/responses', createResponse);

  router.add('GET', '/responses/:response_id', ({ params, query, state }) => {
    if (query.get('stream') === 'true') throw badRequest('The stand-in cannot resume response streams (stream=true).', 'stream');
    return { json: findResponse(state, params.response_id).response };
  });

  router.add('DELETE', '/responses/:response_id', ({ params, state }) => {
    const { response } = findResponse(state, params.response_id);
    state.responses.delete(response.id);
    return { json: { id: response.id, object: 'response.deleted', deleted: true } };
  });

  router.add('GET', '/responses/:response_id/input_items', ({ params, query, state }) => ({
    json: paginate(findResponse(state, params.response_id).inputItems, query, { maxLimit: 100, defaultLimit: 20 }),
  }));
}

async function createResponse(ctx: RouteContext): Promise<Reply | void> {
  const params = jsonObject(ctx.body);
  const turn = planTurn(ctx.state, params);
  // Streaming is decided by the body, never by Accept: the SDK always sends application/json.
  if (params.stream === true) return streamTurn(ctx, turn);
  if (ctx.fault?.failResponse) return { json: fail(ctx.state, turn, ctx.fault) };
  return { json: finish(ctx.state, turn) };
}

async function streamTurn(ctx: RouteContext, turn: Turn): Promise<void> {
  const sse = new SseWriter(ctx.res, responsesDialect, ctx.fault, ctx.requestId);
  for await (const event of turnEvents(ctx, turn)) {
    if (!(await sse.send(event))) break;
  }
  await sse.finish();
}

/** The events of one turn, in the order §4.4 gives; state is committed just before the end. */
async function* turnEvents(ctx: RouteContext, turn: Turn): AsyncGenerator<[string, JsonObject]> {
  remember(ctx.state, turn, turn.draft, []);
  yield ['response.created', { response: turn.draft }];
  yield ['response.in_progress', { response: turn.draft }];
  if (ctx.fault?.failResponse) {
    yield ['response.failed', { response: fail(ctx.state, turn, ctx.fault) }];
    return;
  }
  const at = { item_id: turn.messageId, output_index: 0, content_index: 0 };
  yield ['response.output_item.added', { output_index: 0, item: { id: turn.messageId, type: 'message', status: 'in_progress', role: 'assistant', content: [] } }];
  yield ['response.content_part.added', { ...at, part: outputText('') }];
  let sent = 0;
  let announced = 0;
  for (const delta of turn.deltas) {
    if (ctx.deltaDelayMs > 0) await sleep(ctx.deltaDelayMs);
    yield ['response.output_text.delta', { ...at, delta, logprobs: [] }];
    sent += delta.length;
    for (let next = turn.citations[announced]; next && next.end <= sent; next = turn.citations[++announced]) {
      yield ['response.output_text.annotation.added', { ...at, annotation_index: announced, annotation: next.annotation }];
    }
  }
  const text = turn.deltas.join('');
  yield ['response.output_text.done', { ...at, text, logprobs: [] }];
  yield ['response.content_part.done', { ...at, part: citedText(text, turn.citations) }];
  const final = finish(ctx.state, turn);
  const output = final.output as Json[];
  yield ['response.output_item.done', { output_index: 0, item: output[0] ?? null }];
  yield [final.status === 'completed' ? 'response.completed' : 'response.incomplete', { response: final }];
}

function planTurn(state: StandInState, params: JsonObject): Turn {
  const model = params.model;
  if (typeof model !== 'string' || !model) throw badRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  checkModel(model);
  if (params.background === true) throw badRequest('The stand-in does not run background responses.', 'background');
  const { conversation, previous, inputItems, context } = requestContext(state, params);
  const instructions = typeof params.instructions === 'string' ? params.instructions : null;
  const maxOutputTokens = parseMaxOutputTokens(params.max_output_tokens);

  const reply = composeReply(state, context);
  const allDeltas = splitDeltas(reply.text);
  const filtered = lastUserText(context).split(/\s+/).includes(CONTENT_FILTER_TRIGGER);
  const allowed = Math.min(maxOutputTokens ?? Infinity, filtered ? FILTERED_DELTAS : Infinity);
  const deltas = allDeltas.slice(0, allowed);
  const sentLength = deltas.join('').length;

  const draft = {
    id: newId('resp_'),
    object: 'response',
    created_at: nowSeconds(),
    completed_at: null,
    status: 'in_progress',
    background: false,
    error: null,
    incomplete_details: null,
    instructions,
    model,
    previous_response_id: previous?.response.id ?? null,
    conversation: conversation ? { id: conversation.conversation.id } : null,
    output: [],
    // No `usage` until the turn finishes: the real API sends null here, but the spec's Response
    // types usage as an object, and omitting it satisfies both the spec and the SDK.
    max_output_tokens: maxOutputTokens,
    max_tool_calls: null,
    parallel_tool_calls: true,
    store: params.store !== false,
    temperature: typeof params.temperature === 'number' ? params.temperature : 1,
    top_p: typeof params.top_p === 'number' ? params.top_p : 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    truncation: 'disabled',
    metadata: parseMetadata(params.metadata),
    service_tier: 'default',
    reasoning: { effort: null, summary: null },
  };
  return {
    draft,
    conversation,
    inputItems,
    context,
    store: params.store !== false,
    messageId: newId('msg_'),
    deltas,
    citations: reply.citations.filter((c) => c.end <= sentLength),
    truncated: deltas.length < allDeltas.length,
    incompleteReason: filtered && FILTERED_DELTAS <= (maxOutputTokens ?? Infinity) ? 'content_filter' : 'max_output_tokens',
  };
}

/**
 * The context of a create or input_tokens request: the conversation's items or the previous
 * response's context and output, then this input. Refuses `conversation` with `previous_response_id`.
 */
export function requestContext(state: StandInState, params: JsonObject): RequestContext {
  if (params.conversation != null && params.previous_response_id != null) {
    throw badRequest(
      "Mutually exclusive parameters: Ensure you are only providing one of: 'previous_response_id' or 'conversation'.",
      null,
      'mutually_exclusive_parameters',
    );
  }
  const conversation = params.conversation == null ? undefined : findConversation(state, conversationId(params.conversation), 'conversation');
  const previous = typeof params.previous_response_id === 'string' ? findResponse(state, params.previous_response_id, 'previous_response_id') : undefined;
  const inputItems = toStoredItems(params.input, 'input');
  const before = conversation?.items ?? (previous ? [...previous.context, ...previous.output] : []);
  return { conversation, previous, inputItems, context: [...before, ...inputItems] };
}

export function checkModel(model: string): void {
  if (!isKnownModel(model)) throw badRequest(`The requested model '${model}' does not exist.`, 'model', 'model_not_found');
}

/** The reply text with its image mentions and file citations (see the top of this file). */
function composeReply(state: StandInState, context: readonly Item[]): { text: string; citations: Citation[] } {
  let text = expectedReply(lastUserText(context));
  const parts = userParts(context);
  for (const image of distinctBy(parts.filter((p) => p.type === 'input_image'), (p) => String(p.file_id ?? p.image_url))) {
    text += ` I see an image (${imageType(state, image)}).`;
  }
  const citations: Citation[] = [];
  for (const file of distinctBy(parts.filter((p) => p.type === 'input_file'), (p) => String(p.file_id ?? p.filename))) {
    const fileId = typeof file.file_id === 'string' ? file.file_id : null;
    const filename = (fileId ? state.files.get(fileId)?.file.filename : undefined) ?? (typeof file.filename === 'string' ? file.filename : (fileId ?? 'file'));
    const index = text.length + 1;
    text += ` [${filename}]`;
    citations.push({ annotation: { type: 'file_citation', file_id: fileId ?? '', filename, index }, end: text.length });
  }
  const asked = lastUserText(context);
  for (const url of new Set(asked.match(WEB_LINK) ?? [])) {
    const title = new URL(url).host;
    const start = text.length + 1;
    text += ` [${title}]`;
    citations.push({ annotation: { type: 'url_citation', url, title, start_index: start, end_index: text.length }, end: text.length });
  }
  // A sentence may end right after the name.
  const wanted = GENERATE_FILE.exec(asked)?.[1]?.replace(/\.+$/, '');
  if (wanted) {
    const generated: ContainerFile = { containerId: newId('cntr_'), fileId: newId('cfile_'), filename: wanted, content: Buffer.from(`Generated by the stand-in as ${wanted}.\n`) };
    const start = text.length + 1;
    text += ` [${wanted}]`;
    const annotation = { type: 'container_file_citation', container_id: generated.containerId, file_id: generated.fileId, filename: wanted, start_index: start, end_index: text.length };
    citations.push({ annotation, end: text.length, generated });
  }
  return { text, citations };
}

function userParts(items: readonly Item[]): JsonObject[] {
  return items
    .filter((item) => item.type === 'message' && item.role === 'user' && Array.isArray(item.content))
    .flatMap((item) => (item.content as Json[]).filter((part): part is JsonObject => !!part && typeof part === 'object' && !Array.isArray(part)));
}

/** The first of each group of values with the same key, in order. */
function distinctBy<T>(values: readonly T[], key: (value: T) => string): T[] {
  const first = new Map<string, T>();
  for (const value of values) if (!first.has(key(value))) first.set(key(value), value);
  return [...first.values()];
}

/** The image's type as a server would find it: sniffed from the uploaded bytes, else from a data URL. */
function imageType(state: StandInState, part: JsonObject): string {
  const stored = typeof part.file_id === 'string' ? state.files.get(part.file_id) : undefined;
  if (stored) return sniffImage(stored) ?? stored.contentType;
  const url = typeof part.image_url === 'string' ? part.image_url : '';
  return /^data:([^;,]+)/.exec(url)?.[1] ?? 'image from a URL';
}

function sniffImage({ content }: StoredFile): string | undefined {
  const ascii = (start: number, end: number) => content.subarray(start, end).toString('latin1');
  if (content[0] === 0x89 && ascii(1, 4) === 'PNG') return 'image/png';
  if (content[0] === 0xff && content[1] === 0xd8 && content[2] === 0xff) return 'image/jpeg';
  if (ascii(0, 4) === 'GIF8') return 'image/gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

function citedText(text: string, citations: readonly Citation[]): JsonObject {
  return { ...outputText(text), annotations: citations.map((c) => c.annotation) };
}

/** Completes the turn: builds the final Response and appends the turn to its conversation. */
function finish(state: StandInState, turn: Turn): JsonObject & { id: string } {
  const message: Item = {
    id: turn.messageId,
    type: 'message',
    status: turn.truncated ? 'incomplete' : 'completed',
    role: 'assistant',
    content: [citedText(turn.deltas.join(''), turn.citations)],
  };
  const inputTokens = countInputTokens(turn.context, turn.draft.instructions as string | null);
  const response = {
    ...turn.draft,
    status: turn.truncated ? 'incomplete' : 'completed',
    completed_at: turn.truncated ? null : nowSeconds(),
    incomplete_details: turn.truncated ? { reason: turn.incompleteReason } : null,
    output: [message],
    usage: {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: turn.deltas.length,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + turn.deltas.length,
    },
  };
  remember(state, turn, response, [message]);
  turn.conversation?.items.push(...turn.inputItems, message);
  for (const { generated } of turn.citations) if (generated) state.containerFiles.set(`${generated.containerId}/${generated.fileId}`, generated);
  return response;
}

/** Ends the turn as `failed`; the conversation is left as it was. */
function fail(state: StandInState, turn: Turn, fault: Fault): JsonObject & { id: string } {
  const response = {
    ...turn.draft,
    status: 'failed',
    error: { code: fault.code ?? 'server_error', message: fault.message ?? 'The model failed to generate a response.' },
  };
  remember(state, turn, response, []);
  return response;
}

function remember(state: StandInState, turn: Turn, response: JsonObject & { id: string }, output: Item[]): void {
  if (!turn.store) return;
  const record: ResponseRecord = { response, inputItems: turn.inputItems, context: turn.context, output };
  state.responses.set(response.id, record);
}

function findResponse(state: StandInState, id: string | undefined, param: string | null = null): ResponseRecord {
  const record = id ? state.responses.get(id) : undefined;
  if (!record) throw notFound(`Response with id '${id}' not found.`, param);
  return record;
}

/** `conversation` may be `"conv_…"` or `{id}`. */
function conversationId(value: Json): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value) && typeof value.id === 'string') return value.id;
  throw badRequest("Invalid 'conversation': expected a conversation id or an object with an 'id'.", 'conversation', 'invalid_type');
}

function parseMaxOutputTokens(value: Json | undefined): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw badRequest("Invalid type for 'max_output_tokens': expected an integer.", 'max_output_tokens', 'invalid_type');
  }
  if (value < MIN_OUTPUT_TOKENS) {
    throw badRequest(
      `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= ${MIN_OUTPUT_TOKENS}, but got ${value} instead.`,
      'max_output_tokens',
      'integer_below_min_value',
    );
  }
  return value;
}

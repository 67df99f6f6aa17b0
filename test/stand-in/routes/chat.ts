// Chat Completions (openai-wire.md §5.1): POST /chat/completions, JSON or data-only SSE ending in
// `data: [DONE]`. Stateless, like the local servers it stands in for: every request carries the
// whole conversation, and the reply follows the `expectedReply` rule on the LAST user message.
//
// The text the rule sees: a user message's text parts joined with no separator, each image part
// adding `[image: <mime>]`, so tests can tell that an image arrived (string content as is).
// `max_completion_tokens` (or `max_tokens`) cuts the deltas and ends with finish_reason "length".
//
// A request header `x-stand-in-chat-usage: finish-chunk` puts `usage` on the finish_reason chunk
// instead of a separate `choices: []` chunk, as some compatible servers do (§5.1, last bullet).
import { setTimeout as sleep } from 'node:timers/promises';
import { jsonObject } from '../body';
import { ApiError, badRequest } from '../errors';
import { expectedReply, splitDeltas } from '../replies';
import type { Reply, RouteContext, Router } from '../router';
import { chatDialect, SseWriter } from '../sse';
import { newId, nowSeconds } from '../store';
import type { Json, JsonObject } from '../store';
import { isKnownModel } from './models';

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool'];
const IMAGE_DATA_URL = /^data:(image\/(?:png|jpeg|gif|webp));base64,[A-Za-z0-9+/]+={0,2}$/;
const USAGE_HEADER = 'x-stand-in-chat-usage';

/** A validated request, with its reply already decided. */
interface Completion {
  id: string;
  created: number;
  model: string;
  /** The deltas to send, already cut to the max-tokens field. */
  deltas: string[];
  finishReason: 'stop' | 'length';
  usage: JsonObject;
}

export function registerChatRoutes(router: Router): void {
  router.add('POST', '/chat/completions', createCompletion);
}

async function createCompletion(ctx: RouteContext): Promise<Reply | void> {
  const params = jsonObject(ctx.body);
  const completion = plan(params);
  // Streaming is decided by the body, never by Accept: the SDK always sends application/json.
  if (params.stream !== true) {
    if (params.stream_options != null) {
      throw badRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options', 'invalid_value');
    }
    return { json: asJson(completion) };
  }
  const includeUsage = isObject(params.stream_options) && params.stream_options.include_usage === true;
  const usageOnFinish = ctx.req.headers[USAGE_HEADER] === 'finish-chunk';
  const sse = new SseWriter(ctx.res, chatDialect, ctx.fault, ctx.requestId);
  for await (const chunk of chunks(completion, { includeUsage, usageOnFinish, deltaDelayMs: ctx.deltaDelayMs })) {
    if (!(await sse.send(chunk))) break;
  }
  await sse.finish();
}

/** The chunks of one streamed completion, in the order §5.1 gives. */
async function* chunks(c: Completion, options: { includeUsage: boolean; usageOnFinish: boolean; deltaDelayMs: number }): AsyncGenerator<JsonObject> {
  // Real chunks carry `usage: null` only when usage was asked for; otherwise the key is absent.
  const chunk = (choices: Json[], usage: JsonObject | null): JsonObject => ({
    id: c.id,
    object: 'chat.completion.chunk',
    created: c.created,
    model: c.model,
    system_fingerprint: 'fp_stand_in',
    choices,
    ...(options.includeUsage || usage ? { usage } : {}),
  });
  const choice = (delta: JsonObject, finishReason: string | null): JsonObject => ({ index: 0, delta, logprobs: null, finish_reason: finishReason });
  yield chunk([choice({ role: 'assistant', content: '', refusal: null }, null)], null);
  for (const delta of c.deltas) {
    if (options.deltaDelayMs > 0) await sleep(options.deltaDelayMs);
    yield chunk([choice({ content: delta }, null)], null);
  }
  yield chunk([choice({}, c.finishReason)], options.usageOnFinish ? c.usage : null);
  if (options.includeUsage && !options.usageOnFinish) yield chunk([], c.usage);
}

function asJson(c: Completion): JsonObject {
  return {
    id: c.id,
    object: 'chat.completion',
    created: c.created,
    model: c.model,
    system_fingerprint: 'fp_stand_in',
    service_tier: 'default',
    choices: [
      {
        index: 0,
        finish_reason: c.finishReason,
        logprobs: null,
        message: { role: 'assistant', content: c.deltas.join(''), refusal: null, annotations: [] },
      },
    ],
    usage: c.usage,
  };
}

function plan(params: JsonObject): Completion {
  const model = params.model;
  if (typeof model !== 'string' || !model) throw badRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  // Chat Completions answers an unknown model with 404, unlike Responses' 400.
  if (!isKnownModel(model)) {
    throw new ApiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', null, 'model_not_found');
  }
  const messages = params.messages;
  if (!Array.isArray(messages)) throw badRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (messages.length === 0) throw badRequest("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array');
  const seen = messages.map((message, i) => validateMessage(message, `messages[${i}]`));
  const maxTokens = maxTokensOf(params, 'max_completion_tokens') ?? maxTokensOf(params, 'max_tokens');

  const lastUser = seen.filter((m) => m.role === 'user').at(-1);
  const allDeltas = splitDeltas(expectedReply(lastUser?.replyText ?? ''));
  const deltas = maxTokens === undefined ? allDeltas : allDeltas.slice(0, maxTokens);
  const promptTokens = seen.reduce((sum, m) => sum + m.words, 0);
  return {
    id: newId('chatcmpl-'),
    created: nowSeconds(),
    model,
    deltas,
    finishReason: deltas.length < allDeltas.length ? 'length' : 'stop',
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: deltas.length,
      total_tokens: promptTokens + deltas.length,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
  };
}

/** Checks one message; returns its role, the text the reply rule sees, and its word count (= prompt tokens). */
function validateMessage(message: Json, param: string): { role: string; replyText: string; words: number } {
  if (!isObject(message)) throw badRequest(`Invalid type for '${param}': expected an object.`, param, 'invalid_type');
  const role = message.role;
  if (typeof role !== 'string' || !ROLES.includes(role)) {
    throw badRequest(`Invalid value: '${String(role)}'. Supported values are: ${ROLES.map((r) => `'${r}'`).join(', ')}.`, `${param}.role`, 'invalid_value');
  }
  const content = message.content ?? null;
  if (content === null && role !== 'assistant') throw badRequest(`Missing required parameter: '${param}.content'.`, `${param}.content`, 'missing_required_parameter');
  if (content === null || typeof content === 'string') {
    const text = content ?? '';
    return { role, replyText: text, words: countWords(text) };
  }
  if (!Array.isArray(content)) throw badRequest(`Invalid type for '${param}.content': expected a string or an array of parts.`, `${param}.content`, 'invalid_type');
  const texts = content.map((part, i) => partText(part, role, `${param}.content[${i}]`));
  return { role, replyText: texts.map((t) => t.replyText).join(''), words: texts.reduce((sum, t) => sum + countWords(t.text), 0) };
}

function partText(part: Json, role: string, param: string): { text: string; replyText: string } {
  if (!isObject(part)) throw badRequest(`Invalid type for '${param}': expected an object.`, param, 'invalid_type');
  if (part.type === 'text') {
    if (typeof part.text !== 'string') throw badRequest(`Invalid type for '${param}.text': expected a string.`, `${param}.text`, 'invalid_type');
    return { text: part.text, replyText: part.text };
  }
  if (part.type === 'image_url' && role === 'user') {
    const url = isObject(part.image_url) ? part.image_url.url : undefined;
    // Like Ollama, only base64 data URLs of the four image types OpenAI takes.
    const match = typeof url === 'string' ? IMAGE_DATA_URL.exec(url) : null;
    if (!match) {
      throw badRequest(`Invalid '${param}.image_url.url': expected a base64 data URL of a PNG, JPEG, GIF or WebP image.`, `${param}.image_url.url`, 'invalid_image_url');
    }
    return { text: '', replyText: `[image: ${match[1]}]` };
  }
  throw badRequest(`Invalid value for '${param}.type': '${String(part.type)}' is not supported in a ${role} message.`, `${param}.type`, 'invalid_value');
}

function maxTokensOf(params: JsonObject, field: 'max_completion_tokens' | 'max_tokens'): number | undefined {
  const value = params[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw badRequest(`Invalid '${field}': expected an integer >= 1, but got ${JSON.stringify(value)} instead.`, field, 'invalid_value');
  }
  return value;
}

function countWords(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}

function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

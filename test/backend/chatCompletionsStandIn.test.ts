// The stand-in's POST /chat/completions: JSON and data-only SSE exactly as openai-wire.md §5.1,
// the reply rule, the max-tokens cut and the validation errors, seen through the real SDK and
// raw off the wire (the framing the SDK hides).
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { APIError } from 'openai';
import { expectedReply, splitDeltas } from '../stand-in/index';
import { assertConforms, referenceSpec } from './referenceSpec';
import { postRawSse, sdkClient, standInForFile } from './support';

const standIn = standInForFile();
const PNG_DATA_URL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const LONG_TEXT = 'one two three four five six seven eight nine ten';

afterEach(() => standIn.current.clearFaults());

/** Checked against the spec when it sits beside the repo; shapes are checked by hand as well. */
function conforms(schema: string, value: unknown): void {
  const spec = referenceSpec();
  if (spec) assertConforms(spec, schema, value);
}

/**
 * The spec marks the chunk's `usage` as `nullable` beside a `$ref`, which the validator's rewrite
 * (openapi.ts) cannot express; so a `usage: null` is checked by hand and left out of the schema check.
 */
function withoutNullUsage(chunk: Chunk): object {
  const { usage, ...rest } = chunk;
  return usage === null ? rest : chunk;
}

type Chunk = { id: string; object: string; model: string; choices: Array<{ index: number; delta: { role?: string; content?: string }; finish_reason: string | null }>; usage?: unknown };

async function rawStream(body: object): Promise<{ contentType: string | null; frames: string[]; chunks: Chunk[] }> {
  const { contentType, events } = await postRawSse(standIn.current, '/chat/completions', body);
  assert.ok(events.every((e) => e.event === undefined), 'Chat Completions frames are data-only: no event: lines');
  const frames = events.map((e) => e.data);
  return { contentType, frames, chunks: frames.filter((f) => f !== '[DONE]').map((f) => JSON.parse(f) as Chunk) };
}

function contentOf(chunks: Chunk[]): string {
  return chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
}

describe('stand-in: POST /chat/completions', () => {
  test('JSON: one chat.completion with the echo reply, usage and finish_reason stop', async () => {
    const completion = await sdkClient(standIn.current).chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        { role: 'user', content: [{ type: 'text', text: 'second ' }, { type: 'text', text: 'question' }] },
      ],
    });
    conforms('CreateChatCompletionResponse', completion);
    assert.match(completion.id, /^chatcmpl-/);
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.model, 'gpt-4o');
    const choice = completion.choices[0];
    assert.equal(choice?.message.content, expectedReply('second question'), 'the rule sees the last user message, text parts joined');
    assert.equal(choice?.message.role, 'assistant');
    assert.equal(choice?.finish_reason, 'stop');
    const words = 2 + 2 + 2 + 2;
    const deltas = splitDeltas(expectedReply('second question')).length;
    assert.deepEqual(
      { prompt: completion.usage?.prompt_tokens, completion: completion.usage?.completion_tokens, total: completion.usage?.total_tokens },
      { prompt: words, completion: deltas, total: words + deltas },
    );
  });

  test('SSE with include_usage: role chunk, content deltas, finish chunk, a choices:[] usage chunk, then [DONE]', async () => {
    const { contentType, frames, chunks } = await rawStream({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: LONG_TEXT }], stream: true, stream_options: { include_usage: true } });
    assert.match(contentType ?? '', /^text\/event-stream/);
    assert.equal(frames.at(-1), '[DONE]');
    assert.equal(frames.filter((f) => f === '[DONE]').length, 1);
    for (const chunk of chunks) conforms('CreateChatCompletionStreamResponse', withoutNullUsage(chunk));
    assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'gpt-4.1-mini'));
    assert.equal(new Set(chunks.map((c) => c.id)).size, 1, 'every chunk has the same id');

    const [first, ...rest] = chunks;
    assert.deepEqual(first?.choices[0]?.delta, { role: 'assistant', content: '', refusal: null });
    const usageChunk = rest.at(-1);
    const finish = rest.at(-2);
    const content = rest.slice(0, -2);
    assert.deepEqual(content.map((c) => c.choices[0]?.delta.content), splitDeltas(expectedReply(LONG_TEXT)));
    assert.ok(content.every((c) => c.choices[0]?.finish_reason === null));
    assert.deepEqual(finish?.choices, [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
    assert.deepEqual(usageChunk?.choices, []);
    assert.deepEqual(usageChunk?.usage, {
      prompt_tokens: 10,
      completion_tokens: splitDeltas(expectedReply(LONG_TEXT)).length,
      total_tokens: 10 + splitDeltas(expectedReply(LONG_TEXT)).length,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    assert.ok(chunks.slice(0, -1).every((c) => c.usage === null), 'every other chunk says usage: null');
  });

  test('SSE without include_usage: no usage chunk and no usage key', async () => {
    const { frames, chunks } = await rawStream({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'short' }], stream: true });
    assert.equal(frames.at(-1), '[DONE]');
    assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
    assert.ok(chunks.every((c) => !('usage' in c) && c.choices.length === 1));
    assert.equal(contentOf(chunks), expectedReply('short'));
  });

  test('the SDK streams the same reply; max_completion_tokens and max_tokens cut it with finish_reason length', async () => {
    const client = sdkClient(standIn.current);
    for (const field of ['max_completion_tokens', 'max_tokens'] as const) {
      const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: LONG_TEXT }], stream: true, [field]: 3 });
      let text = '';
      let finish: string | null = null;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      assert.equal(text, splitDeltas(expectedReply(LONG_TEXT)).slice(0, 3).join(''), field);
      assert.equal(finish, 'length', field);
    }
    const json = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: LONG_TEXT }], max_tokens: 2 });
    assert.equal(json.choices[0]?.finish_reason, 'length');
    assert.equal(json.usage?.completion_tokens, 2);
  });

  test('an image part shows in the reply as [image: <mime>], so a test can see it arrived', async () => {
    const completion = await sdkClient(standIn.current).chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: PNG_DATA_URL } }] }],
    });
    assert.equal(completion.choices[0]?.message.content, expectedReply('What is this?[image: image/png]'));
  });

  test('the header x-stand-in-chat-usage: finish-chunk moves usage onto the finish chunk', async () => {
    const { events } = await postRawSse(
      standIn.current,
      '/chat/completions',
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } },
      { 'x-stand-in-chat-usage': 'finish-chunk' },
    );
    const chunks = events.filter((e) => e.data.startsWith('{')).map((e) => JSON.parse(e.data) as Chunk);
    const last = chunks.at(-1);
    assert.equal(last?.choices[0]?.finish_reason, 'stop');
    assert.ok(last?.usage && typeof last.usage === 'object', 'usage rides on the finish chunk');
    assert.ok(chunks.every((c) => c.choices.length === 1), 'no separate choices:[] chunk');
  });

  test('invalid requests are refused with the OpenAI error shape', async () => {
    const client = sdkClient(standIn.current);
    const user = [{ role: 'user' as const, content: 'hi' }];
    const cases: Array<{ body: Record<string, unknown>; status: number; code: string; param: string | null }> = [
      { body: { messages: user }, status: 400, code: 'missing_required_parameter', param: 'model' },
      { body: { model: 'gpt-4o' }, status: 400, code: 'missing_required_parameter', param: 'messages' },
      { body: { model: 'gpt-4o', messages: [] }, status: 400, code: 'empty_array', param: 'messages' },
      { body: { model: 'no-such-model', messages: user }, status: 404, code: 'model_not_found', param: null },
      { body: { model: 'gpt-4o', messages: [{ role: 'bot', content: 'hi' }] }, status: 400, code: 'invalid_value', param: 'messages[0].role' },
      {
        body: { model: 'gpt-4o', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.invalid/cat.png' } }] }] },
        status: 400,
        code: 'invalid_image_url',
        param: 'messages[0].content[0].image_url.url',
      },
      { body: { model: 'gpt-4o', messages: user, max_tokens: 0 }, status: 400, code: 'invalid_value', param: 'max_tokens' },
      { body: { model: 'gpt-4o', messages: user, stream_options: { include_usage: true } }, status: 400, code: 'invalid_value', param: 'stream_options' },
    ];
    for (const { body, status, code, param } of cases) {
      const error = await client.chat.completions.create(body as never).then(
        () => assert.fail(`accepted ${JSON.stringify(body)}`),
        (err: unknown) => err,
      );
      assert.ok(error instanceof APIError, String(error));
      assert.deepEqual({ status: error.status, code: error.code, param: error.param, type: error.type }, { status, code, param, type: 'invalid_request_error' }, JSON.stringify(body));
      conforms('ErrorResponse', { error: error.error });
    }
  });

  test('stream faults: a mid-stream error chunk ends the stream without [DONE]; a cut drops the socket', async () => {
    standIn.current.injectFault({ path: '/chat/completions', errorEventAfter: 2, message: 'The model crashed.' });
    const failing = await rawStream({ model: 'gpt-4o', messages: [{ role: 'user', content: LONG_TEXT }], stream: true });
    assert.equal(failing.frames.length, 3);
    assert.deepEqual(JSON.parse(failing.frames[2] ?? ''), { error: { message: 'The model crashed.', type: 'server_error', param: null, code: null } });

    standIn.current.injectFault({ path: '/chat/completions', cutAfterEvents: 2 });
    await assert.rejects(rawStream({ model: 'gpt-4o', messages: [{ role: 'user', content: LONG_TEXT }], stream: true }), /terminated/);
  });
});

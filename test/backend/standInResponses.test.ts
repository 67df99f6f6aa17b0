// Responses and Models on the stand-in: JSON and SSE replies, the event order and framing of
// openai-wire.md §4.4, and the SDK's ResponseStream accepting the stream.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadRequestError, NotFoundError } from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { expectedReply, splitDeltas } from '../stand-in/index';
import { collect, itemText, postRawSse, sdkClient, standInForFile, TEST_KEY, transcript } from './support';

const standIn = standInForFile();

const EVENT_ORDER = [
  'response.created',
  'response.in_progress',
  'response.output_item.added',
  'response.content_part.added',
  'response.output_text.delta',
  'response.output_text.done',
  'response.content_part.done',
  'response.output_item.done',
  'response.completed',
];

/** Event types with consecutive repeats collapsed, so the order can be compared. */
function order(events: readonly { type: string }[]): string[] {
  return events.map((e) => e.type).filter((type, i, all) => type !== all[i - 1]);
}

describe('stand-in: responses', () => {
  test('a JSON response echoes the last user message and counts usage', async () => {
    const client = sdkClient(standIn.current);
    const response = await client.responses.create({ model: 'gpt-4.1-mini', input: 'Tell me about threads' });
    assert.match(response.id, /^resp_/);
    assert.equal(response.object, 'response');
    assert.equal(response.status, 'completed');
    assert.equal(response.output_text, expectedReply('Tell me about threads'));
    assert.equal(response.model, 'gpt-4.1-mini');
    assert.ok(response.usage);
    assert.equal(response.usage.input_tokens, 4);
    assert.equal(response.usage.output_tokens, splitDeltas(expectedReply('Tell me about threads')).length);
    assert.equal(response.usage.total_tokens, response.usage.input_tokens + response.usage.output_tokens);
    assert.equal(response.usage.input_tokens_details.cache_write_tokens, 0);
    assert.ok(response._request_id?.startsWith('req_'), 'x-request-id reaches the SDK');

    const retrieved = await client.responses.retrieve(response.id);
    assert.equal(retrieved.output_text, response.output_text);
    const inputItems = await client.responses.inputItems.list(response.id);
    assert.deepEqual(inputItems.data.map(itemText), ['Tell me about threads']);
    await client.responses.delete(response.id);
    await assert.rejects(client.responses.retrieve(response.id), NotFoundError);
  });

  test('with a conversation, earlier items are context and the turn is appended', async () => {
    const client = sdkClient(standIn.current);
    const conversation = await client.conversations.create();
    const first = await client.responses.create({ model: 'stand-in-echo', conversation: conversation.id, input: 'first question' });
    assert.deepEqual(first.conversation, { id: conversation.id });
    const second = await client.responses.create({ model: 'stand-in-echo', conversation: { id: conversation.id }, input: 'second one' });
    assert.equal(second.output_text, expectedReply('second one'));
    assert.ok(second.usage && second.usage.input_tokens > first.usage!.input_tokens, 'the conversation is part of the input');

    const items = await client.conversations.items.list(conversation.id, { order: 'asc' });
    assert.deepEqual(
      transcript(items.data),
      [
        ['user', 'first question'],
        ['assistant', expectedReply('first question')],
        ['user', 'second one'],
        ['assistant', expectedReply('second one')],
      ],
    );
    assert.equal(items.data[1]?.id, first.output[0]?.id, 'the stored assistant item is the response output item');
  });

  test('previous_response_id chains; using it with a conversation is refused', async () => {
    const client = sdkClient(standIn.current);
    const first = await client.responses.create({ model: 'gpt-4o', input: 'one' });
    const second = await client.responses.create({ model: 'gpt-4o', previous_response_id: first.id, input: [{ role: 'developer', content: 'be brief' }] });
    assert.equal(second.previous_response_id, first.id);
    assert.equal(second.output_text, expectedReply('one'), 'the last user message comes from the chained response');
    const conversation = await client.conversations.create();
    await assert.rejects(
      client.responses.create({ model: 'gpt-4o', previous_response_id: first.id, conversation: conversation.id, input: 'x' }),
      BadRequestError,
    );
  });

  test('the stream has the documented order and sequence numbers 0, 1, 2, …', async () => {
    const client = sdkClient(standIn.current);
    const text = 'stream these few words please';
    const events: ResponseStreamEvent[] = await collect(await client.responses.create({ model: 'gpt-4.1-mini', input: text, stream: true }));
    assert.deepEqual(order(events), EVENT_ORDER);
    assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i));
    const deltas = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : []));
    assert.deepEqual(deltas, splitDeltas(expectedReply(text)));
    assert.ok(deltas.length > 1, 'the reply arrives in several deltas');
    const [created] = events;
    const completed = events.at(-1);
    assert.ok(created?.type === 'response.created' && completed?.type === 'response.completed');
    assert.equal(created.response.status, 'in_progress');
    assert.equal(completed.response.id, created.response.id);
    assert.equal(completed.response.output[0]?.type === 'message' && itemText(completed.response.output[0]), expectedReply(text));
  });

  test('the wire framing: event line equals data.type, text/event-stream, no [DONE]', async () => {
    const { contentType, events } = await postRawSse(standIn.current, '/responses', { model: 'gpt-4.1-mini', input: 'framing', stream: true });
    assert.match(contentType ?? '', /^text\/event-stream/);
    assert.ok(events.length >= EVENT_ORDER.length);
    for (const { event, data } of events) {
      assert.notEqual(data, '[DONE]');
      assert.equal(event, (JSON.parse(data) as { type: string }).type);
    }
  });

  test('responses.stream().finalResponse() accepts the stream (ResponseStream rules hold)', async () => {
    const client = sdkClient(standIn.current);
    const seen: string[] = [];
    const stream = client.responses.stream({ model: 'gpt-4.1-mini', input: 'final answer' });
    stream.on('response.output_text.delta', (event) => seen.push(event.delta));
    const final = await stream.finalResponse();
    assert.equal(final.output_text, expectedReply('final answer'));
    assert.equal(seen.join(''), expectedReply('final answer'));
  });

  test('max_output_tokens cuts the reply short as incomplete, in JSON and in the stream', async () => {
    const client = sdkClient(standIn.current);
    const input = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');
    const response = await client.responses.create({ model: 'gpt-4.1-mini', input, max_output_tokens: 16 });
    assert.equal(response.status, 'incomplete');
    assert.deepEqual(response.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal(response.output_text, splitDeltas(expectedReply(input)).slice(0, 16).join(''));
    assert.equal(response.usage?.output_tokens, 16);

    const events = await collect(await client.responses.create({ model: 'gpt-4.1-mini', input, max_output_tokens: 16, stream: true }));
    const last = events.at(-1);
    assert.ok(last?.type === 'response.incomplete');
    assert.equal(last.response.incomplete_details?.reason, 'max_output_tokens');

    await assert.rejects(client.responses.create({ model: 'gpt-4.1-mini', input, max_output_tokens: 5 }), (err: unknown) => err instanceof BadRequestError && err.param === 'max_output_tokens');
  });

  test('an unknown model is refused with model_not_found', async () => {
    const client = sdkClient(standIn.current);
    await assert.rejects(client.responses.create({ model: 'no-such-model', input: 'x' }), (err: unknown) => err instanceof BadRequestError && err.code === 'model_not_found');
  });
});

describe('stand-in: models and plumbing', () => {
  test('models list and retrieve', async () => {
    const client = sdkClient(standIn.current);
    const models = await client.models.list();
    assert.deepEqual(models.data.map((m) => m.id), ['gpt-4.1-mini', 'gpt-4o', 'stand-in-echo']);
    assert.equal(models.hasNextPage(), false);
    const model = await client.models.retrieve('stand-in-echo');
    assert.equal(model.object, 'model');
    await assert.rejects(client.models.retrieve('nope'), NotFoundError);
  });

  test('unknown routes are 404 with the OpenAI error body and a request id', async () => {
    const res = await fetch(`${standIn.current.baseUrl}/nowhere`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.match(res.headers.get('x-request-id') ?? '', /^req_[0-9a-f]+$/);
    assert.deepEqual(await res.json(), { error: { message: 'Invalid URL (GET /v1/nowhere)', type: 'invalid_request_error', param: null, code: null } });
  });

  test('control routes queue faults over HTTP and list recorded requests', async () => {
    const control = new URL('/__stand-in/', standIn.current.baseUrl);
    await fetch(new URL('requests', control), { method: 'DELETE' });
    const queued = await fetch(new URL('faults', control), { method: 'POST', body: JSON.stringify({ path: '/models', status: 503, shouldRetry: false }) });
    assert.equal(queued.status, 200);
    const client = sdkClient(standIn.current);
    await assert.rejects(client.models.list(), (err: unknown) => err instanceof Error && 'status' in err && err.status === 503);
    await client.models.list(); // the fault was used up

    await fetch(new URL('faults', control), { method: 'POST', body: JSON.stringify({ path: '/models', status: 500, times: 5 }) });
    await fetch(new URL('faults', control), { method: 'DELETE' });
    await client.models.list();

    const header = { 'x-stand-in-fault': JSON.stringify({ status: 409, shouldRetry: false }) };
    await assert.rejects(client.models.list({ headers: header }), (err: unknown) => err instanceof Error && 'status' in err && err.status === 409);

    const requests = (await (await fetch(new URL('requests', control))).json()) as Array<{ method: string; path: string; headers: Record<string, string> }>;
    const models = requests.filter((r) => r.path === '/v1/models');
    assert.equal(models.length, 4);
    assert.equal(models[0]?.headers.authorization, `Bearer ${TEST_KEY}`);
    assert.equal(models[0]?.headers['x-stainless-retry-count'], '0');
    assert.ok(requests.every((r) => r.path.startsWith('/v1/')), 'control calls are not recorded');
  });
});

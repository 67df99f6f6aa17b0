// The Assistants v2 family on the stand-in, through the real SDK over HTTP (and plain fetch where
// the wire framing matters): the beta header, CRUD, message pages, run lifecycles and events,
// limits, cancel, the active-run rule, citations, and stream faults.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APIError, BadRequestError, NotFoundError, toFile } from 'openai';
import type OpenAI from 'openai';
import type { AssistantStreamEvent } from 'openai/resources/beta/assistants';
import type { Message } from 'openai/resources/beta/threads/messages';
import { expectedReply, splitDeltas } from '../stand-in/index';
import { ASSISTANTS_BETA, collect, fetchJson, postRawSse, sdkClient, standInForFile } from './support';

const standIn = standInForFile();
// A few milliseconds between deltas, so a cancel sent after the first delta lands mid-run.
const slowStandIn = standInForFile({ deltaDelayMs: 10 });

/** A message whose echo is long enough that a paced run is still going after its first delta. */
const LONG_TEXT = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');

const STREAM_ORDER = [
  'thread.run.created',
  'thread.run.queued',
  'thread.run.in_progress',
  'thread.run.step.created',
  'thread.run.step.in_progress',
  'thread.message.created',
  'thread.message.in_progress',
  'thread.message.delta',
  'thread.message.completed',
  'thread.run.step.completed',
  'thread.run.completed',
];

/** Event names with consecutive repeats collapsed, so the order can be compared. */
function order(names: readonly (string | undefined)[]): (string | undefined)[] {
  return names.filter((name, i, all) => name !== all[i - 1]);
}

function textOf(message: Message): string {
  return message.content.map((part) => (part.type === 'text' ? part.text.value : '')).join('');
}

async function setup(client: OpenAI, text?: string): Promise<{ assistantId: string; threadId: string }> {
  const assistant = await client.beta.assistants.create({ model: 'stand-in-echo', name: 'Echo', instructions: 'Repeat after me.' });
  const thread = await client.beta.threads.create(text ? { messages: [{ role: 'user', content: text }] } : {});
  return { assistantId: assistant.id, threadId: thread.id };
}

/** Polls a non-streamed run until it ends (each retrieve moves it on by one status). */
async function finish(client: OpenAI, threadId: string, runId: string): Promise<OpenAI.Beta.Threads.Run> {
  for (let i = 0; i < 10; i++) {
    const run = await client.beta.threads.runs.retrieve(runId, { thread_id: threadId });
    if (!['queued', 'in_progress', 'cancelling'].includes(run.status)) return run;
  }
  assert.fail('the run never ended');
}

describe('stand-in: assistants v2', () => {
  test('every /assistants and /threads route needs OpenAI-Beta: assistants=v2', async () => {
    for (const [path, beta] of [['/assistants', undefined], ['/threads', undefined], ['/assistants', 'assistants=v1']] as const) {
      const body = (await fetchJson(standIn.current, 'POST', path, {
        body: { model: 'stand-in-echo' },
        expectStatus: 400,
        headers: beta ? { 'openai-beta': beta } : {},
      })) as { error: { type: string; code: string; message: string } };
      assert.equal(body.error.type, 'invalid_request_error');
      assert.equal(body.error.code, 'invalid_beta');
      assert.match(body.error.message, /OpenAI-Beta: assistants=v2/);
    }
    // The SDK adds the header itself.
    const created = await sdkClient(standIn.current).beta.assistants.create({ model: 'stand-in-echo' });
    assert.match(created.id, /^asst_/);
    assert.equal(standIn.current.requests.at(-1)?.headers['openai-beta'], 'assistants=v2');
  });

  test('assistants: create, retrieve, update, list with before/after, delete', async () => {
    const client = sdkClient(standIn.current);
    const created = await client.beta.assistants.create({
      model: 'gpt-4o',
      name: 'Helper',
      instructions: 'Be kind.',
      tools: [{ type: 'code_interpreter' }, { type: 'file_search' }],
      metadata: { threadline: 'default' },
    });
    assert.deepEqual(
      { object: created.object, model: created.model, name: created.name, instructions: created.instructions, tools: created.tools, metadata: created.metadata },
      { object: 'assistant', model: 'gpt-4o', name: 'Helper', instructions: 'Be kind.', tools: [{ type: 'code_interpreter' }, { type: 'file_search' }], metadata: { threadline: 'default' } },
    );
    const updated = await client.beta.assistants.update(created.id, { name: 'Renamed', metadata: { a: 'b' } });
    assert.equal(updated.name, 'Renamed');
    assert.equal((await client.beta.assistants.retrieve(created.id)).name, 'Renamed');
    await assert.rejects(client.beta.assistants.update(created.id, { model: 'no-such-model' }), (err: unknown) => err instanceof BadRequestError && err.code === 'model_not_found');
    assert.equal((await client.beta.assistants.retrieve(created.id)).model, 'gpt-4o', 'a refused update changes nothing');

    const more = [await client.beta.assistants.create({ model: 'gpt-4o' }), await client.beta.assistants.create({ model: 'gpt-4o' })];
    const newest = await client.beta.assistants.list({ limit: 2 });
    assert.deepEqual(newest.data.map((a) => a.id), [more[1]!.id, more[0]!.id]);
    assert.equal(newest.has_more, true);
    const before = await client.beta.assistants.list({ limit: 2, before: more[0]!.id });
    assert.deepEqual(before.data.map((a) => a.id), [more[1]!.id], 'before gives the page preceding it in the same order');

    assert.deepEqual({ ...(await client.beta.assistants.delete(created.id)) }, { id: created.id, object: 'assistant.deleted', deleted: true });
    await assert.rejects(client.beta.assistants.retrieve(created.id), (err: unknown) => err instanceof NotFoundError && /No assistant found/.test(err.message));
  });

  test('threads: create with messages, retrieve, update, delete', async () => {
    const client = sdkClient(standIn.current);
    const thread = await client.beta.threads.create({
      metadata: { threadline_thread: 'th_local' },
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: [{ type: 'text', text: 'second' }] },
      ],
    });
    assert.match(thread.id, /^thread_/);
    assert.deepEqual(thread.metadata, { threadline_thread: 'th_local' });
    const messages = await client.beta.threads.messages.list(thread.id, { order: 'asc' });
    assert.deepEqual(messages.data.map((m) => [m.role, textOf(m)]), [['user', 'first'], ['assistant', 'second']]);
    assert.deepEqual((await client.beta.threads.update(thread.id, { metadata: { x: 'y' } })).metadata, { x: 'y' });
    assert.deepEqual({ ...(await client.beta.threads.delete(thread.id)) }, { id: thread.id, object: 'thread.deleted', deleted: true });
    await assert.rejects(client.beta.threads.retrieve(thread.id), NotFoundError);
  });

  test('messages: list pages with after and before, run_id filter, retrieve, update, delete', async () => {
    const client = sdkClient(standIn.current);
    const { threadId } = await setup(client);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await client.beta.threads.messages.create(threadId, { role: 'user', content: `m${i}` })).id);

    const first = await client.beta.threads.messages.list(threadId, { limit: 2 });
    assert.deepEqual(first.data.map((m) => m.id), [ids[4], ids[3]], 'newest first by default');
    assert.equal(first.has_more, true);
    const next = await client.beta.threads.messages.list(threadId, { limit: 2, after: ids[3] });
    assert.deepEqual(next.data.map((m) => m.id), [ids[2], ids[1]]);
    const back = await client.beta.threads.messages.list(threadId, { limit: 2, before: ids[1] });
    assert.deepEqual(back.data.map((m) => m.id), [ids[3], ids[2]], 'before walks back towards the start, keeping the order');
    const ascBefore = await client.beta.threads.messages.list(threadId, { order: 'asc', before: ids[2] });
    assert.deepEqual(ascBefore.data.map((m) => m.id), [ids[0], ids[1]]);
    const all: string[] = [];
    for await (const m of client.beta.threads.messages.list(threadId, { limit: 2, order: 'asc' })) all.push(m.id);
    assert.deepEqual(all, ids, 'SDK auto-pagination walks every page');
    await assert.rejects(client.beta.threads.messages.list(threadId, { before: 'msg_nope' }), (err: unknown) => err instanceof BadRequestError && err.param === 'before');

    const { assistantId } = await setup(client);
    const run = await client.beta.threads.runs.create(threadId, { assistant_id: assistantId });
    await finish(client, threadId, run.id);
    const byRun = await client.beta.threads.messages.list(threadId, { run_id: run.id });
    assert.deepEqual(byRun.data.map((m) => [m.role, textOf(m)]), [['assistant', expectedReply('m4')]]);

    const updated = await client.beta.threads.messages.update(ids[0]!, { thread_id: threadId, metadata: { k: 'v' } });
    assert.deepEqual(updated.metadata, { k: 'v' });
    assert.deepEqual((await client.beta.threads.messages.retrieve(ids[0]!, { thread_id: threadId })).metadata, { k: 'v' });
    assert.deepEqual({ ...(await client.beta.threads.messages.delete(ids[0]!, { thread_id: threadId })) }, { id: ids[0], object: 'thread.message.deleted', deleted: true });
    await assert.rejects(client.beta.threads.messages.retrieve(ids[0]!, { thread_id: threadId }), NotFoundError);
  });

  test('a streamed run: the full event order, event lines, bare objects, event: done + [DONE]', async () => {
    const client = sdkClient(standIn.current);
    const { assistantId, threadId } = await setup(client, 'stream this please');
    const { contentType, events } = await postRawSse(standIn.current, `/threads/${threadId}/runs`, { assistant_id: assistantId, stream: true }, ASSISTANTS_BETA);
    assert.match(contentType ?? '', /^text\/event-stream/);
    assert.deepEqual(order(events.map((e) => e.event)), [...STREAM_ORDER, 'done']);
    assert.deepEqual(events.at(-1), { event: 'done', data: '[DONE]' });
    const payloads = events.slice(0, -1).map((e) => JSON.parse(e.data) as Record<string, unknown>);
    for (const payload of payloads) {
      assert.ok(!('type' in payload) || payload.object === 'thread.run.step', 'bare objects carry no event type field');
      assert.ok(!('error' in payload) && !('sequence_number' in payload));
    }
    assert.deepEqual(
      events.filter((e) => e.event === 'thread.message.delta').map((e) => (JSON.parse(e.data) as { delta: { content: [{ text: { value: string } }] } }).delta.content[0].text.value),
      splitDeltas(expectedReply('stream this please')),
    );
    const completed = JSON.parse(events.find((e) => e.event === 'thread.run.completed')!.data) as OpenAI.Beta.Threads.Run;
    assert.equal(completed.status, 'completed');
    assert.deepEqual(completed.usage, { prompt_tokens: 3 + 3, completion_tokens: 4, total_tokens: 10 }, 'prompt = message + instruction words; completion = deltas');

    // The SDK reads the same stream as {event, data} pairs and stops at [DONE].
    const sdkEvents: AssistantStreamEvent[] = await collect(await client.beta.threads.runs.create(threadId, { assistant_id: assistantId, stream: true }));
    assert.deepEqual(order(sdkEvents.map((e) => e.event)), STREAM_ORDER);
    const messages = await client.beta.threads.messages.list(threadId, { order: 'asc' });
    assert.deepEqual(messages.data.map((m) => [m.role, textOf(m)]), [
      ['user', 'stream this please'],
      ['assistant', expectedReply('stream this please')],
      ['assistant', expectedReply('stream this please')],
    ]);
  });

  test('create thread and run streams thread.created first', async () => {
    const client = sdkClient(standIn.current);
    const { assistantId } = await setup(client);
    const events = await collect(await client.beta.threads.createAndRun({ assistant_id: assistantId, thread: { messages: [{ role: 'user', content: 'one shot' }] }, stream: true }));
    assert.deepEqual(order(events.map((e) => e.event)), ['thread.created', ...STREAM_ORDER]);
    const created = events[0];
    assert.ok(created?.event === 'thread.created');
    const messages = await client.beta.threads.messages.list(created.data.id);
    assert.equal(textOf(messages.data[0]!), expectedReply('one shot'));
  });

  test('a non-streamed run moves on one status per retrieve and leaves a message_creation step', async () => {
    const client = sdkClient(standIn.current);
    const { assistantId } = await setup(client);
    const run = await client.beta.threads.createAndRun({ assistant_id: assistantId, thread: { messages: [{ role: 'user', content: 'poll me' }] } });
    assert.equal(run.status, 'queued');
    const threadId = run.thread_id;
    assert.equal((await client.beta.threads.runs.retrieve(run.id, { thread_id: threadId })).status, 'in_progress');
    const done = await client.beta.threads.runs.retrieve(run.id, { thread_id: threadId });
    assert.equal(done.status, 'completed');
    assert.ok(done.usage && done.usage.completion_tokens === splitDeltas(expectedReply('poll me')).length);

    const steps = await client.beta.threads.runs.steps.list(run.id, { thread_id: threadId });
    assert.equal(steps.data.length, 1);
    const step = steps.data[0]!;
    assert.equal(step.type, 'message_creation');
    assert.equal(step.status, 'completed');
    assert.ok(step.step_details.type === 'message_creation');
    const message = await client.beta.threads.messages.retrieve(step.step_details.message_creation.message_id, { thread_id: threadId });
    assert.equal(textOf(message), expectedReply('poll me'));
    assert.equal((await client.beta.threads.runs.steps.retrieve(step.id, { thread_id: threadId, run_id: run.id })).id, step.id);

    const runs = await client.beta.threads.runs.list(threadId);
    assert.deepEqual(runs.data.map((r) => r.id), [run.id]);
    assert.deepEqual((await client.beta.threads.runs.update(run.id, { thread_id: threadId, metadata: { seen: 'yes' } })).metadata, { seen: 'yes' });
  });

  test('while a run is active, adding a message or starting a run is refused', async () => {
    const client = sdkClient(standIn.current);
    const { assistantId, threadId } = await setup(client, 'hold on');
    const run = await client.beta.threads.runs.create(threadId, { assistant_id: assistantId });
    await assert.rejects(
      client.beta.threads.messages.create(threadId, { role: 'user', content: 'too soon' }),
      (err: unknown) => err instanceof BadRequestError && err.error !== undefined && (err.error as { message: string }).message === `Can't add messages to ${threadId} while a run ${run.id} is active.`,
    );
    await assert.rejects(client.beta.threads.runs.create(threadId, { assistant_id: assistantId }), (err: unknown) => err instanceof BadRequestError && /already has an active run/.test(err.message));
    await finish(client, threadId, run.id);
    await client.beta.threads.messages.create(threadId, { role: 'user', content: 'now it is fine' });
  });

  test('limits are echoed on the run; a small max_completion_tokens ends it incomplete', async () => {
    const client = sdkClient(standIn.current);
    const words = Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ');
    const { assistantId, threadId } = await setup(client);
    const events = await collect(
      await client.beta.threads.runs.create(threadId, {
        assistant_id: assistantId,
        additional_messages: [{ role: 'user', content: words }],
        max_prompt_tokens: 1000,
        max_completion_tokens: 256,
        truncation_strategy: { type: 'last_messages', last_messages: 4 },
        stream: true,
      }),
    );
    const names = order(events.map((e) => e.event));
    assert.deepEqual(names.slice(-3), ['thread.message.incomplete', 'thread.run.step.completed', 'thread.run.incomplete']);
    const ended = events.at(-1);
    assert.ok(ended?.event === 'thread.run.incomplete');
    assert.equal(ended.data.max_prompt_tokens, 1000);
    assert.equal(ended.data.max_completion_tokens, 256);
    assert.deepEqual(ended.data.truncation_strategy, { type: 'last_messages', last_messages: 4 });
    assert.deepEqual(ended.data.incomplete_details, { reason: 'max_completion_tokens' });
    assert.equal(ended.data.usage?.completion_tokens, 256);
    const [reply] = (await client.beta.threads.messages.list(threadId, { limit: 1 })).data;
    assert.equal(reply?.status, 'incomplete');
    assert.deepEqual(reply?.incomplete_details, { reason: 'max_tokens' });
    assert.equal(textOf(reply!), splitDeltas(expectedReply(words)).slice(0, 256).join(''));

    // A prompt over max_prompt_tokens that truncation cannot shrink: incomplete before any message.
    const prompt = await client.beta.threads.runs.create(threadId, {
      assistant_id: assistantId,
      additional_messages: [{ role: 'user', content: words }],
      max_prompt_tokens: 256,
      stream: true,
    });
    const last = (await collect(prompt)).at(-1);
    assert.ok(last?.event === 'thread.run.incomplete');
    assert.deepEqual(last.data.incomplete_details, { reason: 'max_prompt_tokens' });
    await assert.rejects(client.beta.threads.runs.create(threadId, { assistant_id: assistantId, max_completion_tokens: 10 }), (err: unknown) => err instanceof BadRequestError && err.param === 'max_completion_tokens');
  });

  test('cancel during a slow stream: cancelling, the message incomplete, cancelled', async () => {
    const client = sdkClient(slowStandIn.current);
    const { assistantId, threadId } = await setup(client, LONG_TEXT);
    const stream = await client.beta.threads.runs.create(threadId, { assistant_id: assistantId, stream: true });
    const names: string[] = [];
    let runId: string | undefined;
    let cancelReply: OpenAI.Beta.Threads.Run | undefined;
    for await (const event of stream) {
      names.push(event.event);
      if (event.event === 'thread.run.created') runId = event.data.id;
      if (event.event === 'thread.message.delta' && !cancelReply) cancelReply = await client.beta.threads.runs.cancel(runId!, { thread_id: threadId });
    }
    assert.equal(cancelReply?.status, 'cancelling');
    assert.deepEqual(order(names).slice(-5), ['thread.message.delta', 'thread.run.cancelling', 'thread.message.incomplete', 'thread.run.step.cancelled', 'thread.run.cancelled']);
    assert.ok(names.filter((n) => n === 'thread.message.delta').length < splitDeltas(expectedReply(LONG_TEXT)).length, 'the reply stopped early');
    const [reply] = (await client.beta.threads.messages.list(threadId, { limit: 1 })).data;
    assert.equal(reply?.status, 'incomplete');
    assert.deepEqual(reply?.incomplete_details, { reason: 'run_cancelled' });
    const run = await client.beta.threads.runs.retrieve(runId!, { thread_id: threadId });
    assert.equal(run.status, 'cancelled');
    await assert.rejects(client.beta.threads.runs.cancel(runId!, { thread_id: threadId }), (err: unknown) => err instanceof BadRequestError && /Cannot cancel run with status 'cancelled'/.test(err.message));
  });

  test('attachments are cited: file_citation markers, and a downloadable code_interpreter file', async () => {
    const client = sdkClient(standIn.current);
    const notes = await client.files.create({ file: await toFile(Buffer.from('Threads are long-lived.\nSecond line.'), 'notes.txt'), purpose: 'assistants' });
    const table = await client.files.create({ file: await toFile(Buffer.from('a,b\n1,2\n'), 'table.csv'), purpose: 'assistants' });
    const { assistantId, threadId } = await setup(client);
    await client.beta.threads.messages.create(threadId, {
      role: 'user',
      content: 'cite them',
      attachments: [
        { file_id: notes.id, tools: [{ type: 'file_search' }] },
        { file_id: table.id, tools: [{ type: 'code_interpreter' }] },
      ],
    });
    const events = await collect(await client.beta.threads.runs.create(threadId, { assistant_id: assistantId, stream: true }));
    const completed = events.find((e) => e.event === 'thread.message.completed');
    assert.ok(completed?.event === 'thread.message.completed');
    const block = completed.data.content[0];
    assert.ok(block?.type === 'text');
    const text = block.text.value;
    assert.ok(text.startsWith(`${expectedReply('cite them')}【4:0†notes.txt】【4:1†table.csv】 [table-summary.txt](sandbox:/mnt/data/table-summary.txt)`), text);
    const [first, second, path] = block.text.annotations;
    assert.ok(first?.type === 'file_citation' && second?.type === 'file_citation' && path?.type === 'file_path');
    assert.deepEqual([first.file_citation.file_id, text.slice(first.start_index, first.end_index), first.text], [notes.id, '【4:0†notes.txt】', '【4:0†notes.txt】']);
    assert.deepEqual([second.file_citation.file_id, text.slice(second.start_index, second.end_index)], [table.id, '【4:1†table.csv】']);
    assert.equal(text.slice(path.start_index, path.end_index), 'sandbox:/mnt/data/table-summary.txt');

    // The quote travels in the delta only.
    const quotes = events.flatMap((e) => (e.event === 'thread.message.delta' ? (e.data.delta.content ?? []) : []))
      .flatMap((c) => (c.type === 'text' ? (c.text?.annotations ?? []) : []))
      .flatMap((a) => (a.type === 'file_citation' ? [a.file_citation?.quote] : []));
    assert.deepEqual(quotes, ['Threads are long-lived.', 'a,b']);

    const generated = await client.files.retrieve(path.file_path.file_id);
    assert.equal(generated.purpose, 'assistants_output');
    assert.equal(generated.filename, 'table-summary.txt');
    const content = await (await client.files.content(generated.id)).text();
    assert.equal(content, 'Summary of table.csv: 8 bytes, 2 lines.\n');
  });

  test('stream faults: an error event (bare object) fails the run; failResponse ends it failed; a cut keeps it running', async () => {
    const client = sdkClient(standIn.current);
    const { assistantId, threadId } = await setup(client, 'fault me');
    standIn.current.injectFault({ path: `/threads/${threadId}/runs`, errorEventAfter: 3, message: 'The model crashed.' });
    const { events } = await postRawSse(standIn.current, `/threads/${threadId}/runs`, { assistant_id: assistantId, stream: true }, ASSISTANTS_BETA);
    assert.deepEqual(events.map((e) => e.event), ['thread.run.created', 'thread.run.queued', 'thread.run.in_progress', 'error']);
    assert.deepEqual(JSON.parse(events[3]!.data), { code: 'server_error', message: 'The model crashed.', param: null, type: 'server_error' });
    const runs = await client.beta.threads.runs.list(threadId, { limit: 1 });
    assert.equal(runs.data[0]?.status, 'failed');
    assert.deepEqual(runs.data[0]?.last_error, { code: 'server_error', message: 'The model crashed.' });

    standIn.current.injectFault({ path: `/threads/${threadId}/runs`, errorEventAfter: 8, message: 'Mid-reply.' });
    await assert.rejects(collect(await client.beta.threads.runs.create(threadId, { assistant_id: assistantId, stream: true })), (err: unknown) => err instanceof APIError && err.status === undefined && err.message.includes('Mid-reply.'));

    standIn.current.injectFault({ path: `/threads/${threadId}/runs`, failResponse: true, message: 'No capacity.' });
    const failed = (await collect(await client.beta.threads.runs.create(threadId, { assistant_id: assistantId, stream: true }))).at(-1);
    assert.ok(failed?.event === 'thread.run.failed');
    assert.deepEqual(failed.data.last_error, { code: 'server_error', message: 'No capacity.' });

    standIn.current.injectFault({ path: `/threads/${threadId}/runs`, cutAfterEvents: 5 });
    await assert.rejects(collect(await client.beta.threads.runs.create(threadId, { assistant_id: assistantId, stream: true })));
    const [cut] = (await client.beta.threads.runs.list(threadId, { limit: 1 })).data;
    assert.equal(cut?.status, 'completed', 'the run finished on the server although its stream was cut');
  });
});

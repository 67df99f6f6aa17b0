// ResponsesBackend context limits against the stand-in: the limits Responses has are sent as
// parameters; the ones it lacks (a prompt budget, the last N messages) make Threadline send the
// newest history that fits itself and then bring the server's conversation up to date.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { historyFrom } from '../../src/core/backends/backend';
import type { ReplyRequest } from '../../src/core/backends/backend';
import { ResponsesBackend } from '../../src/core/backends/responsesBackend';
import { describeError } from '../../src/core/backends/errors';
import type { ContextLimits, Message, ThreadMeta } from '../../src/core/model';
import { expectedReply } from '../stand-in/index';
import type { RecordedRequest } from '../stand-in/index';
import { splitReply } from './replies';
import type { Done } from './replies';
import { collect, itemText, sdkClient, settingsFor, standInForFile, transcript } from './support';

const standIn = standInForFile();

function words(count: number, stem: string): string {
  return Array.from({ length: count }, (_, i) => `${stem}${i}`).join(' ');
}

function message(id: string, role: Message['role'], text: string): Message {
  return { id, threadId: 'th', role, content: [{ type: 'text', text }], createdAt: 0, status: 'complete' };
}

async function newThread(backend: ResponsesBackend): Promise<ThreadMeta> {
  const thread: ThreadMeta = { id: 'th', title: 'Test', createdAt: 0, updatedAt: 0, backend: 'responses', messageCount: 0 };
  thread.remoteId = (await backend.createThread(thread)).remoteId;
  return thread;
}

async function reply(backend: ResponsesBackend, thread: ThreadMeta, text: string, limits?: ContextLimits, history: Message[] = []): Promise<{ text: string; done: Done }> {
  const request: ReplyRequest = { thread, history: historyFrom(history), input: message('msg_new', 'user', text), model: 'stand-in-echo', signal: new AbortController().signal };
  if (limits) request.limits = limits;
  return splitReply(await collect(backend.reply(request)));
}

/** Requests made while `run` ran. */
async function requestsDuring(run: () => Promise<unknown>): Promise<RecordedRequest[]> {
  const before = standIn.current.requests.length;
  await run();
  return standIn.current.requests.slice(before);
}

function creates(requests: RecordedRequest[]): Array<Record<string, unknown>> {
  return requests.filter((r) => r.method === 'POST' && r.path === '/v1/responses').map((r) => r.body as Record<string, unknown>);
}

/** The input a create sent, as [role, text] pairs. */
function sentInput(body: Record<string, unknown> | undefined): Array<[string, string]> {
  assert.ok(body && Array.isArray(body.input));
  return body.input.map((item: { type: string; role: string; content: unknown }) => [item.role, typeof item.content === 'string' ? item.content : itemText(item)]);
}

describe('ResponsesBackend limits sent as parameters', () => {
  test('maxCompletionTokens becomes max_output_tokens, raised to the API minimum of 16, and the cut reply says why', async () => {
    const backend = new ResponsesBackend(settingsFor(standIn.current));
    const thread = await newThread(backend);
    const long = words(30, 'w');
    let result: { text: string; done: Done } | undefined;
    const [body] = creates(await requestsDuring(async () => (result = await reply(backend, thread, long, { maxCompletionTokens: 5 }))));
    assert.equal(body?.max_output_tokens, 16);
    assert.equal(body?.conversation, thread.remoteId, 'output limits keep the conversation');
    assert.equal(result?.done.status, 'incomplete');
    assert.equal(result?.done.reason, 'max_output_tokens');
    assert.equal(result?.done.text, result?.text);
    assert.ok(expectedReply(long).startsWith(result?.text ?? 'x') && result?.text !== expectedReply(long), 'the text is the start of the full reply');

    const [uncut] = creates(await requestsDuring(() => reply(backend, thread, 'short', { maxCompletionTokens: 200 })));
    assert.equal(uncut?.max_output_tokens, 200);
  });

  test('a reply stopped by the content filter ends incomplete with reason content_filter and the text so far', async () => {
    const backend = new ResponsesBackend(settingsFor(standIn.current));
    const thread = await newThread(backend);
    const text = 'please say something #filtered and long';
    const result = await reply(backend, thread, text);
    assert.equal(result.done.status, 'incomplete');
    assert.equal(result.done.reason, 'content_filter');
    assert.ok(expectedReply(text).startsWith(result.text) && result.text.length > 0 && result.text !== expectedReply(text), 'the text is the start of the full reply');
  });

  test('auto truncation is sent as truncation: "auto" and keeps the conversation', async () => {
    const backend = new ResponsesBackend(settingsFor(standIn.current));
    const thread = await newThread(backend);
    const [body] = creates(await requestsDuring(() => reply(backend, thread, 'hello', { truncation: { type: 'auto' } })));
    assert.equal(body?.truncation, 'auto');
    assert.equal(body?.conversation, thread.remoteId);
  });
});

describe('ResponsesBackend limits Threadline enforces', () => {
  test('last_messages: only the newest messages are sent, and the conversation still gets the whole turn', async () => {
    const backend = new ResponsesBackend(settingsFor(standIn.current));
    const thread = await newThread(backend);
    const history = [
      message('h1', 'user', 'first question'),
      message('h2', 'assistant', expectedReply('first question')),
      message('h3', 'user', 'second question'),
      message('h4', 'assistant', expectedReply('second question')),
    ];
    await reply(backend, thread, 'first question');
    await reply(backend, thread, 'second question');

    let result: { text: string; done: Done } | undefined;
    // Three messages: the new one and the two before it.
    const requests = await requestsDuring(async () => (result = await reply(backend, thread, 'third question', { truncation: { type: 'last_messages', lastMessages: 3 } }, history)));
    const [body] = creates(requests);
    assert.equal(body?.conversation, undefined, 'the conversation would bring back all of its items');
    assert.deepEqual(sentInput(body), [
      ['user', 'second question'],
      ['assistant', expectedReply('second question')],
      ['user', 'third question'],
    ]);
    assert.equal(result?.text, expectedReply('third question'));
    assert.deepEqual(result?.done.omittedMessageIds, ['h1', 'h2']);

    const items = await sdkClient(standIn.current).conversations.items.list(thread.remoteId!, { order: 'asc' });
    assert.deepEqual(
      transcript(items.data),
      [
        ['user', 'first question'],
        ['assistant', expectedReply('first question')],
        ['user', 'second question'],
        ['assistant', expectedReply('second question')],
        ['user', 'third question'],
        ['assistant', expectedReply('third question')],
      ],
    );
    assert.equal(result?.done.remoteId, items.data.at(-1)?.id, 'the reply points at its conversation item');

    // Without those limits, the next turn goes back to the conversation, which is complete.
    const [next] = creates(await requestsDuring(() => reply(backend, thread, 'fourth')));
    assert.equal(next?.conversation, thread.remoteId);
  });

  test('maxPromptTokens: the server counts, and the oldest messages that do not fit are left out', async () => {
    const backend = new ResponsesBackend(settingsFor(standIn.current));
    const thread = await newThread(backend);
    // The stand-in counts one token per word.
    const history = [
      message('h1', 'user', words(20, 'a')),
      message('h2', 'assistant', words(20, 'b')),
      message('h3', 'user', words(5, 'c')),
      message('h4', 'assistant', words(5, 'd')),
    ];
    let result: { text: string; done: Done } | undefined;
    const requests = await requestsDuring(async () => (result = await reply(backend, thread, 'the new question', { maxPromptTokens: 15 }, history)));
    assert.ok(requests.some((r) => r.method === 'POST' && r.path === '/v1/responses/input_tokens'), 'the input_tokens endpoint is asked');
    const [body] = creates(requests);
    assert.deepEqual(sentInput(body).map(([role]) => role), ['user', 'assistant', 'user']);
    assert.equal(sentInput(body)[0]?.[1], words(5, 'c'));
    assert.deepEqual(result?.done.omittedMessageIds, ['h1', 'h2']);
    assert.equal(result?.done.usage?.inputTokens, 13, 'the prompt the server saw is within the limit');
  });

  test('everything that fits is sent, and nothing is reported as left out', async () => {
    const backend = new ResponsesBackend(settingsFor(standIn.current));
    const thread = await newThread(backend);
    const history = [message('h1', 'user', 'hi there'), message('h2', 'assistant', expectedReply('hi there'))];
    let result: { text: string; done: Done } | undefined;
    const [body] = creates(await requestsDuring(async () => (result = await reply(backend, thread, 'again', { maxPromptTokens: 1000 }, history))));
    assert.equal(sentInput(body).length, 3);
    assert.equal(result?.done.omittedMessageIds, undefined);
  });

  test('a server without input_tokens (404) is budgeted with the local estimate', async () => {
    const backend = new ResponsesBackend(settingsFor(standIn.current));
    const thread = await newThread(backend);
    const history = [
      message('h1', 'user', words(300, 'long')),
      message('h2', 'assistant', 'short answer'),
      message('h3', 'user', 'short question'),
      message('h4', 'assistant', 'short answer again'),
    ];
    standIn.current.injectFault({ path: '/v1/responses/input_tokens', status: 404 });
    let result: { text: string; done: Done } | undefined;
    const requests = await requestsDuring(async () => (result = await reply(backend, thread, 'new question', { maxPromptTokens: 100 }, history)));
    assert.equal(requests.filter((r) => r.path === '/v1/responses/input_tokens').length, 1, 'after the 404 it is not asked again');
    assert.deepEqual(result?.done.omittedMessageIds, ['h1']);
    assert.equal(sentInput(creates(requests)[0]).length, 4);
  });

  test('a message over maxPromptTokens on its own is refused with a clear reason, before any reply is asked for', async () => {
    const backend = new ResponsesBackend(settingsFor(standIn.current));
    const thread = await newThread(backend);
    const history = [message('h1', 'user', 'earlier')];
    const before = standIn.current.requests.length;
    await assert.rejects(reply(backend, thread, words(10, 'x'), { maxPromptTokens: 5 }, history), (err: unknown) => {
      assert.equal(
        describeError(err).message,
        "This message is about 10 tokens, more than this thread's prompt limit of 5 tokens (maxPromptTokens). Shorten it, remove attachments, or raise the limit.",
      );
      return true;
    });
    assert.deepEqual(creates(standIn.current.requests.slice(before)), []);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createChat } from '../../src/core/chat/createChat';
import { SendError, stillStreaming, UnqueuedError } from '../../src/core/chat/chatEvents';
import { CONTINUE_TEXT } from '../../src/core/chat/chatService';
import type { ChatEvent } from '../../src/core/chat/chatEvents';
import { describeError, DialectRetiredError } from '../../src/core/backends/errors';
import { messageText } from '../../src/core/model';
import type { Message } from '../../src/core/model';
import { ThreadStore } from '../../src/core/library/threadStore';
import { FakeBackend } from './fakes/fakeBackend';
import { chatHarness } from './fakes/chatHarness';

const harness = chatHarness;

const summary = (events: ChatEvent[]): string[] =>
  events
    .filter((e) => e.type !== 'threadsChanged')
    .map((e) => (e.type === 'streamDelta' ? `delta:${e.text}` : e.type === 'message' ? `message:${e.message.role}` : e.type));

const stored = (messages: Message[]) => messages.map((m) => ({ role: m.role, text: messageText(m), status: m.status, error: m.error }));

describe('ChatService', () => {
  test('a send stores the user message and the reply, with events in order and one streamEnd', async () => {
    const { store, backend, chat, threads, events, lists } = await harness();
    backend.script({ delta: 'Hel' }, { delta: 'lo!' }, { done: { status: 'complete', usage: { inputTokens: 3, outputTokens: 2 }, remoteId: 'msg_r1' } });
    const thread = await threads.createThread();
    events.length = 0;

    const reply = await chat.send(thread.id, 'Hi there');

    assert.deepEqual(summary(events), ['message:user', 'streamStart', 'delta:Hel', 'delta:lo!', 'streamEnd']);
    const start = events.find((e) => e.type === 'streamStart');
    const end = events.find((e) => e.type === 'streamEnd');
    assert.equal(start?.type === 'streamStart' && start.messageId, reply.id);
    assert.deepEqual(end?.type === 'streamEnd' && end.message, reply);
    assert.deepEqual(stored(await store.messages(thread.id)), [
      { role: 'user', text: 'Hi there', status: 'complete', error: undefined },
      { role: 'assistant', text: 'Hello!', status: 'complete', error: undefined },
    ]);
    assert.deepEqual((await store.messages(thread.id))[1], reply);
    assert.deepEqual(reply.usage, { inputTokens: 3, outputTokens: 2 });
    assert.equal(reply.remoteId, 'msg_r1');
    assert.equal(reply.model, 'test-model');
    assert.equal(chat.isStreaming(thread.id), false);
    // The list the UI shows ends up reflecting the finished exchange.
    assert.equal(lists.at(-1)?.[0]?.messageCount, 2);
  });

  test('the reply request carries the remote thread, earlier history, the input and the model', async () => {
    const { backend, chat, threads } = await harness();
    const thread = await threads.createThread();
    await chat.send(thread.id, 'first');
    await chat.send(thread.id, 'second');
    const request = backend.requests[1];
    assert.equal(request?.thread.remoteId, 'conv_fake_1');
    assert.deepEqual(request?.history.map(messageText), ['first', 'ok']);
    assert.equal(request && messageText(request.input), 'second');
    assert.equal(request?.model, 'test-model');
  });

  test('the first message titles a new thread; later messages do not', async () => {
    const { store, chat, threads, lists } = await harness();
    const thread = await threads.createThread();
    assert.equal(thread.title, 'New thread');
    await chat.send(thread.id, '  How do I reverse a list in Python?\nThanks');
    assert.equal(store.get(thread.id)?.title, 'How do I reverse a list in Python?');
    assert.ok(lists.some((list) => list[0]?.title === 'How do I reverse a list in Python?'), 'the list was told of the title');
    await chat.send(thread.id, 'Something else entirely');
    assert.equal(store.get(thread.id)?.title, 'How do I reverse a list in Python?');
  });

  test('the server thread is created on the first send only and reused after', async () => {
    const { store, backend, chat, threads } = await harness();
    const thread = await threads.createThread();
    assert.equal(backend.createThreadCalls.length, 0, 'creating a thread is local');
    await chat.send(thread.id, 'one');
    await chat.send(thread.id, 'two');
    assert.equal(backend.createThreadCalls.length, 1);
    assert.equal(store.get(thread.id)?.remoteId, 'conv_fake_1');
    assert.deepEqual(backend.requests.map((r) => r.thread.remoteId), ['conv_fake_1', 'conv_fake_1']);
  });

  test('when the server thread cannot be created, send throws SendError and stores nothing', async () => {
    const { store, backend, chat, threads, events } = await harness();
    const failure = new Error('getaddrinfo ENOTFOUND api.example');
    backend.createThreadError = failure;
    const thread = await threads.createThread();
    events.length = 0;

    await assert.rejects(chat.send(thread.id, 'hello?'), (err: unknown) => err instanceof SendError && err.message === describeError(failure).message);
    assert.deepEqual(await store.messages(thread.id), []);
    assert.equal(store.get(thread.id)?.remoteId, undefined);
    assert.deepEqual(summary(events), []);
    assert.equal(chat.isStreaming(thread.id), false);

    backend.createThreadError = undefined;
    await chat.send(thread.id, 'hello again');
    assert.equal((await store.messages(thread.id)).length, 2, 'the thread works once the server is back');
  });

  test('a blank message is refused without touching the server or the store', async () => {
    const { store, backend, chat, threads } = await harness();
    const thread = await threads.createThread();
    await assert.rejects(chat.send(thread.id, ' \n\t '), SendError);
    assert.equal(backend.createThreadCalls.length, 0);
    assert.deepEqual(await store.messages(thread.id), []);
  });

  test('a failure mid-stream stores an error reply with the partial text; the user message stays', async () => {
    const { store, backend, chat, threads, events } = await harness();
    const failure = new Error('socket hang up');
    backend.script({ delta: 'The answer ' }, { delta: 'is' }, { fail: failure });
    const thread = await threads.createThread();

    const reply = await chat.send(thread.id, 'What is the answer?');

    assert.equal(reply.status, 'error');
    assert.equal(reply.error, describeError(failure).message);
    assert.deepEqual(stored(await store.messages(thread.id)), [
      { role: 'user', text: 'What is the answer?', status: 'complete', error: undefined },
      { role: 'assistant', text: 'The answer is', status: 'error', error: describeError(failure).message },
    ]);
    assert.equal(events.filter((e) => e.type === 'streamEnd').length, 1);
    assert.equal(chat.isStreaming(thread.id), false);
  });

  test('stop() ends the reply as cancelled and keeps the partial text', async () => {
    const { store, backend, chat, threads, events, next } = await harness();
    backend.script({ delta: 'Once upon' }, { waitForAbort: 'throw' }, { delta: 'never sent' });
    const thread = await threads.createThread();

    const sending = chat.send(thread.id, 'Tell me a story');
    await next('streamDelta');
    assert.equal(chat.isStreaming(thread.id), true);
    assert.equal(chat.stop(thread.id), true);
    const reply = await sending;

    assert.equal(reply.status, 'cancelled');
    assert.equal(messageText(reply), 'Once upon');
    assert.deepEqual(stored(await store.messages(thread.id)).map((m) => [m.text, m.status]), [
      ['Tell me a story', 'complete'],
      ['Once upon', 'cancelled'],
    ]);
    assert.equal(events.filter((e) => e.type === 'streamEnd').length, 1);
    assert.equal(chat.isStreaming(thread.id), false);
    assert.equal(chat.stop(thread.id), false, 'nothing left to stop');
  });

  test('text a backend still yields after stop() is neither shown nor stored', async () => {
    const { store, backend, chat, threads, events, next } = await harness();
    backend.script({ delta: 'kept' }, { waitForAbort: 'ignore' }, { delta: ' late' }, { done: { status: 'complete' } });
    const thread = await threads.createThread();
    const sending = chat.send(thread.id, 'go');
    await next('streamDelta');
    chat.stop(thread.id);
    const reply = await sending;
    assert.equal(reply.status, 'cancelled');
    assert.equal(messageText(reply), 'kept');
    assert.deepEqual(summary(events).filter((e) => e.startsWith('delta:')), ['delta:kept']);
    assert.equal(messageText((await store.messages(thread.id))[1] ?? reply), 'kept');
  });

  test('a title that cannot be saved does not fail the send', async () => {
    const problems: string[] = [];
    const { store, backend, threads } = await harness();
    const { chat: withProblems } = createChat({ store, backendFor: () => backend, settings: () => ({ model: 'm', backend: 'responses' }), onProblem: (m) => problems.push(m) });
    const thread = await threads.createThread();
    const update = store.update.bind(store);
    store.update = async (id, patch) => {
      if (patch.title !== undefined) throw new Error('EACCES: permission denied');
      return update(id, patch);
    };
    const reply = await withProblems.send(thread.id, 'Name me');
    assert.equal(reply.status, 'complete');
    assert.equal(store.get(thread.id)?.title, 'New thread');
    assert.match(problems.join('\n'), /title.*permission denied/);

    store.update = update;
    await withProblems.send(thread.id, 'Second message');
    assert.equal(store.get(thread.id)?.title, 'New thread', 'only the first message names a thread');
  });

  test('a send while a reply is in flight waits in the queue and goes out when the reply ends; other threads are not blocked', async () => {
    const { store, backend, chat, threads, next, events } = await harness();
    backend.script({ delta: 'thinking' }, { waitForAbort: 'throw' });
    const busy = await threads.createThread();
    const other = await threads.createThread();

    const first = chat.send(busy.id, 'first');
    // Queued even before the reply starts streaming (the server thread is still being created).
    const early = chat.send(busy.id, 'too early');
    await next('streamDelta');
    const second = chat.send(busy.id, 'second');
    assert.deepEqual(chat.queued(busy.id).map((q) => q.text), ['too early', 'second']);
    const lastQueue = events.filter((e) => e.type === 'queueChanged').at(-1);
    assert.deepEqual(lastQueue?.type === 'queueChanged' && lastQueue.queued.map((q) => q.text), ['too early', 'second']);
    assert.equal(messageText(await chat.send(other.id, 'elsewhere')), 'ok');
    assert.deepEqual((await store.messages(busy.id)).map(messageText), ['first'], 'nothing queued is stored before it goes');

    chat.stop(busy.id);
    await first;
    assert.equal(messageText(await early), 'ok');
    assert.equal(messageText(await second), 'ok');
    assert.deepEqual((await store.messages(busy.id)).map(messageText), ['first', 'thinking', 'too early', 'ok', 'second', 'ok']);
    // Each queued message ran on the thread as it was when it went: the history before it included.
    assert.deepEqual(backend.requests.at(-1)?.history.map(messageText), ['first', 'thinking', 'too early', 'ok']);
    assert.deepEqual(chat.queued(busy.id), []);
    assert.equal(chat.isStreaming(busy.id), false);
  });

  test('a queued message keeps its attachments and limits, and Stop leaves it queued to go next', async () => {
    const { store, backend, chat, threads, next } = await harness();
    backend.script({ delta: 'long' }, { waitForAbort: 'throw' });
    const thread = await threads.createThread();
    const first = chat.send(thread.id, 'first');
    await next('streamDelta');
    const file = { type: 'file' as const, name: 'notes.md', fileId: 'file_1', bytes: 3 };
    const queued = chat.send(thread.id, 'about the file', [file], { maxCompletionTokens: 300 });
    chat.stop(thread.id);
    assert.equal((await first).status, 'cancelled');
    await queued;
    const [, , user] = await store.messages(thread.id);
    assert.deepEqual(user?.content, [file, { type: 'text', text: 'about the file' }]);
    assert.deepEqual(backend.requests.at(-1)?.limits, { maxCompletionTokens: 300 });
  });

  test('a queued message taken out is never sent: it rejects with UnqueuedError and the rest of the queue still goes', async () => {
    const { store, backend, chat, threads, next } = await harness();
    backend.script({ delta: 'busy' }, { waitForAbort: 'throw' });
    const thread = await threads.createThread();
    const first = chat.send(thread.id, 'first');
    await next('streamDelta');
    const dropped = chat.send(thread.id, 'never mind');
    const edited = chat.send(thread.id, 'let me rephrase');
    const kept = chat.send(thread.id, 'keep me');
    const [a, b] = chat.queued(thread.id);

    assert.equal(chat.unqueue(thread.id, a!.id, { giveBack: false }), true);
    assert.equal(chat.unqueue(thread.id, b!.id, { giveBack: true }), true);
    assert.equal(chat.unqueue(thread.id, a!.id, { giveBack: false }), false, 'already out');
    await assert.rejects(dropped, (err: unknown) => err instanceof UnqueuedError && !err.giveBack);
    await assert.rejects(edited, (err: unknown) => err instanceof UnqueuedError && err.giveBack);
    assert.deepEqual(chat.queued(thread.id).map((q) => q.text), ['keep me']);

    chat.stop(thread.id);
    await first;
    await kept;
    assert.deepEqual((await store.messages(thread.id)).map(messageText), ['first', 'busy', 'keep me', 'ok']);
  });

  test('dispose() sends nothing that was queued: each queued send is refused', async () => {
    const { store, backend, chat, threads, next } = await harness();
    backend.script({ delta: 'busy' }, { waitForAbort: 'throw' });
    const thread = await threads.createThread();
    const first = chat.send(thread.id, 'first');
    await next('streamDelta');
    const queued = chat.send(thread.id, 'later');
    chat.dispose();
    await assert.rejects(queued, { name: 'SendError', message: 'Threadline is shutting down.' });
    await first;
    assert.deepEqual((await store.messages(thread.id)).map(messageText), ['first', 'busy']);
  });

  test('a listener can send the next message as soon as streamEnd arrives', async () => {
    const { store, chat, threads, next } = await harness();
    const thread = await threads.createThread();
    const followUp = next('streamEnd').then(() => chat.send(thread.id, 'follow-up'));
    await chat.send(thread.id, 'first');
    await followUp;
    assert.deepEqual((await store.messages(thread.id)).map(messageText), ['first', 'ok', 'follow-up', 'ok']);
  });

  test('an incomplete reply is stored as incomplete with the reason in words', async () => {
    const { store, backend, chat, threads } = await harness();
    backend.script({ delta: 'A very long ans' }, { done: { status: 'incomplete', reason: 'max_output_tokens' } });
    const thread = await threads.createThread();

    const reply = await chat.send(thread.id, 'Write an essay');

    assert.equal(reply.status, 'incomplete');
    assert.match(reply.error ?? '', /maximum output length/);
    const [, last] = await store.messages(thread.id);
    assert.equal(last?.status, 'incomplete');
    assert.equal(last && messageText(last), 'A very long ans');
    assert.equal(last?.error, reply.error);
  });

  test('each reason a reply is cut short is explained in words', async () => {
    const cases: [string, RegExp][] = [
      ['max_output_tokens', /maximum output length/],
      ['max_completion_tokens', /maximum output length/],
      ['max_prompt_tokens', /prompt-token limit/],
      ['content_filter', /content filter/],
      ['something_new', /stopped the reply early \(something_new\)/],
    ];
    for (const [reason, explanation] of cases) {
      const { backend, chat, threads } = await harness();
      backend.script({ delta: 'Cut' }, { done: { status: 'incomplete', reason } });
      const reply = await chat.send((await threads.createThread()).id, 'Go on');
      assert.equal(reply.status, 'incomplete', reason);
      assert.match(reply.error ?? '', explanation, reason);
    }
  });

  test('Continue sends only the continuation after the latest reply was cut short, and nothing else', async () => {
    const { store, backend, chat, threads } = await harness();
    const thread = await threads.createThread();
    await assert.rejects(chat.continueReply(thread.id), /Only the latest reply/, 'nothing to continue yet');
    backend.script({ delta: 'Part one' }, { done: { status: 'incomplete', reason: 'max_output_tokens' } });
    await chat.send(thread.id, 'Tell me a long story');
    backend.script({ delta: ' and part two.' }, { done: { status: 'complete' } });

    const reply = await chat.continueReply(thread.id);

    assert.equal(reply.status, 'complete');
    const request = backend.requests.at(-1)!;
    assert.deepEqual(request.input.content, [{ type: 'text', text: CONTINUE_TEXT }], 'no attachments go with Continue');
    assert.equal(request.limits, undefined, 'no per-run limits go with Continue');
    assert.deepEqual(request.history.map(messageText), ['Tell me a long story', 'Part one']);
    assert.deepEqual((await store.messages(thread.id)).map(messageText), ['Tell me a long story', 'Part one', CONTINUE_TEXT, ' and part two.']);
    await assert.rejects(chat.continueReply(thread.id), /Only the latest reply/, 'a finished reply is not continued');
  });

  test('a stream that ends without finishing is stored as incomplete, not complete', async () => {
    const { backend, chat, threads } = await harness();
    backend.script({ delta: 'cut' });
    const thread = await threads.createThread();
    const reply = await chat.send(thread.id, 'hello');
    assert.equal(reply.status, 'incomplete');
    assert.equal(messageText(reply), 'cut');
  });

  test('the conversation survives re-opening the store', async () => {
    const { dir, backend, chat, threads } = await harness();
    backend.script({ delta: 'Paris.' }, { done: { status: 'complete' } });
    const thread = await threads.createThread();
    await chat.send(thread.id, 'Capital of France?');

    const reopened = await ThreadStore.open(dir);
    assert.equal(reopened.get(thread.id)?.title, 'Capital of France?');
    assert.equal(reopened.get(thread.id)?.remoteId, 'conv_fake_1');
    assert.equal(reopened.get(thread.id)?.messageCount, 2);
    assert.deepEqual((await reopened.messages(thread.id)).map((m) => [m.role, messageText(m), m.status]), [
      ['user', 'Capital of France?', 'complete'],
      ['assistant', 'Paris.', 'complete'],
    ]);

    // A service on the re-opened store continues the same server thread.
    const { chat: again } = createChat({ store: reopened, backendFor: () => backend, settings: () => ({ model: 'm', backend: 'responses' }) });
    await again.send(thread.id, 'And of Italy?');
    assert.equal(backend.createThreadCalls.length, 1);
    assert.equal(reopened.get(thread.id)?.messageCount, 4);
  });

  test('when the reply cannot be saved, the user still gets its text, flagged as unsaved', async () => {
    const { store, backend, chat, threads, events } = await harness();
    backend.script({ delta: 'Precious ' }, { delta: 'words' }, { done: { status: 'complete' } });
    const thread = await threads.createThread();
    const append = store.append.bind(store);
    store.append = async (threadId, message) => {
      if (message.role === 'assistant') throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return append(threadId, message);
    };

    const reply = await chat.send(thread.id, 'Say something');

    assert.equal(messageText(reply), 'Precious words');
    assert.equal(reply.status, 'error');
    assert.match(reply.error ?? '', /could not be saved.*no space left/);
    const ends = events.filter((e) => e.type === 'streamEnd');
    assert.equal(ends.length, 1);
    assert.deepEqual(ends[0]?.type === 'streamEnd' && ends[0].message, reply);
    assert.deepEqual((await store.messages(thread.id)).map(messageText), ['Say something'], 'the user message is kept');
    assert.equal(chat.isStreaming(thread.id), false);
  });

  test('dispose() stops every reply, and each is still stored as cancelled', async () => {
    const { store, backend, chat, threads, next } = await harness();
    backend.script({ delta: 'partial' }, { waitForAbort: 'throw' });
    const thread = await threads.createThread();
    const sending = chat.send(thread.id, 'long question');
    await next('streamDelta');
    chat.dispose();
    assert.equal((await sending).status, 'cancelled');
    assert.deepEqual((await store.messages(thread.id)).map((m) => m.status), ['complete', 'cancelled']);
    await assert.rejects(chat.send(thread.id, 'after shutdown'), SendError);
  });
});

describe('ChatService: limits, citations and dialect changes', () => {
  test('a thread\'s limits go with every run, survive a re-open, and can be cleared', async () => {
    const { dir, store, backend, chat, threads } = await harness();
    const thread = await threads.createThread();
    const limits = { maxPromptTokens: 500, maxCompletionTokens: 50, truncation: { type: 'last_messages' as const, lastMessages: 4 } };
    await threads.setLimits(thread.id, limits);
    await chat.send(thread.id, 'one');
    assert.deepEqual(backend.requests[0]!.limits, limits);

    const reopened = await ThreadStore.open(dir);
    assert.deepEqual(reopened.get(thread.id)!.limits, limits);

    await threads.setLimits(thread.id, undefined);
    await chat.send(thread.id, 'two');
    assert.equal(backend.requests[1]!.limits, undefined);
    assert.equal((await ThreadStore.open(dir)).get(thread.id)!.limits, undefined);
    assert.equal(store.get(thread.id)!.limits, undefined);
  });

  test('the server\'s final text, its citations and the left-out context are stored with the reply', async () => {
    const { store, backend, chat, threads } = await harness();
    const annotations = [{ type: 'file_citation' as const, start: 6, end: 19, fileId: 'file-1', filename: 'notes.pdf' }];
    backend.script(
      { delta: 'See it' },
      { done: { status: 'complete', text: 'See it【4:0†notes.pdf】', annotations, omittedMessageIds: ['msg_old'] } },
    );
    const thread = await threads.createThread();
    const reply = await chat.send(thread.id, 'cite please');
    assert.deepEqual(reply.content, [{ type: 'text', text: 'See it【4:0†notes.pdf】', annotations }]);
    assert.deepEqual(reply.omittedMessageIds, ['msg_old']);
    assert.deepEqual((await store.messages(thread.id)).at(-1), reply);
  });

  test('switching a thread\'s dialect keeps its history and creates a new server thread on the next send', async () => {
    const { store, backend, chat, threads } = await harness();
    const thread = await threads.createThread();
    await chat.send(thread.id, 'before');
    assert.match(store.get(thread.id)!.remoteId ?? '', /^conv_fake_/);

    const moved = await threads.setBackend(thread.id, 'chat');
    assert.equal(moved.backend, 'chat');
    assert.equal(moved.remoteId, undefined);
    await chat.send(thread.id, 'after');
    assert.equal(backend.createThreadCalls.length, 2);
    assert.deepEqual((await store.messages(thread.id)).map(messageText), ['before', 'ok', 'after', 'ok']);
  });
});

describe('ChatService: naming cited files', () => {
  test('citations with only a file id get the file name, with one lookup per distinct file across replies', async () => {
    const backend = new FakeBackend();
    const lookups: string[] = [];
    backend.fileName = async (fileId: string) => {
      lookups.push(fileId);
      return `${fileId}.pdf`;
    };
    const { chat, threads } = await harness(backend);
    const cite = (start: number, fileId: string) => ({ type: 'file_citation' as const, start, end: start, fileId });
    backend.script({ done: { status: 'complete', text: 'abc', annotations: [cite(0, 'file-a'), cite(1, 'file-a'), cite(2, 'file-b')] } });
    backend.script({ done: { status: 'complete', text: 'x', annotations: [cite(0, 'file-a'), { ...cite(1, 'file-c'), filename: 'given.md' }] } });
    const thread = await threads.createThread();

    const first = await chat.send(thread.id, 'one');
    const second = await chat.send(thread.id, 'two');

    const names = (m: Message) => m.content.flatMap((p) => (p.type === 'text' ? (p.annotations ?? []).map((a) => a.filename) : []));
    assert.deepEqual(names(first), ['file-a.pdf', 'file-a.pdf', 'file-b.pdf']);
    assert.deepEqual(names(second), ['file-a.pdf', 'given.md']);
    assert.deepEqual(lookups.sort(), ['file-a', 'file-b']);
  });
});

describe('ChatService: the file-name cache', () => {
  const cite = (fileId: string) => ({ type: 'file_citation' as const, start: 0, end: 0, fileId });
  const named = (m: Message) => m.content.flatMap((p) => (p.type === 'text' ? (p.annotations ?? []).map((a) => a.filename) : []));

  test('a lookup that failed is tried again with the next reply, and then remembered', async () => {
    const backend = new FakeBackend();
    const lookups: string[] = [];
    backend.fileName = async (fileId: string) => {
      lookups.push(fileId);
      if (lookups.length === 1) throw new Error('503 Service Unavailable');
      return 'report.pdf';
    };
    const { chat, threads } = await harness(backend);
    for (let i = 0; i < 3; i++) backend.script({ done: { status: 'complete', text: 'x', annotations: [cite('file-a')] } });
    const thread = await threads.createThread();

    const failed = await chat.send(thread.id, 'one');
    const retried = await chat.send(thread.id, 'two');
    const cached = await chat.send(thread.id, 'three');

    assert.deepEqual([named(failed), named(retried), named(cached)], [[undefined], ['report.pdf'], ['report.pdf']]);
    assert.deepEqual(lookups, ['file-a', 'file-a']);
  });

  test('the same file id on another server is looked up there, not taken from the first', async () => {
    const backend = new FakeBackend();
    backend.fileName = async (fileId: string) => `${fileId} on ${backend.server}`;
    const { chat, threads } = await harness(backend);
    backend.script({ done: { status: 'complete', text: 'x', annotations: [cite('file-a')] } });
    backend.script({ done: { status: 'complete', text: 'x', annotations: [cite('file-a')] } });
    const thread = await threads.createThread();

    backend.server = 'https://one.example/v1';
    const first = await chat.send(thread.id, 'one');
    backend.server = 'https://two.example/v1';
    const second = await chat.send(thread.id, 'two');

    assert.deepEqual([named(first), named(second)], [['file-a on https://one.example/v1'], ['file-a on https://two.example/v1']]);
  });
});

describe('ChatService: a retired dialect', () => {
  test('a reply refused because the dialect is gone is stored with that kind, so the UI can offer a switch', async () => {
    const backend = new FakeBackend('assistants');
    backend.script({ fail: new DialectRetiredError('OpenAI turned the Assistants API off on 2026-08-26. Switch …') });
    const { store, chat, threads } = await harness(backend);
    const thread = await threads.createThread();
    const reply = await chat.send(thread.id, 'hello?');
    assert.equal(reply.status, 'error');
    assert.equal(reply.errorKind, 'retired');
    assert.match(reply.error ?? '', /turned the Assistants API off/);
    assert.deepEqual((await store.messages(thread.id)).at(-1), reply);
  });

  test('a new thread the server cannot make because the dialect is gone is refused with that kind, storing nothing', async () => {
    const backend = new FakeBackend('assistants');
    backend.createThreadError = new DialectRetiredError('OpenAI turned the Assistants API off on 2026-08-26. Switch …');
    const { store, chat, threads } = await harness(backend);
    const thread = await threads.createThread();
    await assert.rejects(chat.send(thread.id, 'my first question'), (err: unknown) => err instanceof SendError && err.kind === 'retired' && /turned the Assistants API off/.test(err.message));
    assert.deepEqual(await store.messages(thread.id), [], 'nothing stored: the draft goes back to the composer');
    // Any other failure to make the thread carries its own kind, never 'retired'.
    backend.createThreadError = new Error('getaddrinfo ENOTFOUND api.example');
    await assert.rejects(chat.send(thread.id, 'again'), (err: unknown) => err instanceof SendError && err.kind === 'unknown');
  });
});

describe('ChatService: per-run limits', () => {
  test('a run\'s limits override the thread\'s field by field, for that run only', async () => {
    const { backend, chat, threads } = await harness();
    const thread = await threads.createThread();
    await threads.setLimits(thread.id, { maxPromptTokens: 1000, maxCompletionTokens: 200 });
    await chat.send(thread.id, 'short answer please', [], { maxCompletionTokens: 20, truncation: { type: 'auto' } });
    await chat.send(thread.id, 'and now a normal one');
    assert.deepEqual(backend.requests[0]!.limits, { maxPromptTokens: 1000, maxCompletionTokens: 20, truncation: { type: 'auto' } });
    assert.deepEqual(backend.requests[1]!.limits, { maxPromptTokens: 1000, maxCompletionTokens: 200 });
  });
});

describe('ChatService: history follows a thread to a new server thread', () => {
  test('after a dialect switch the new server thread is created with the earlier messages', async () => {
    const backend = new FakeBackend();
    const seeded: number[] = [];
    const create = backend.createThread.bind(backend);
    backend.createThread = async (thread, initial = []) => {
      seeded.push(initial.length);
      return create(thread);
    };
    const { chat, threads } = await harness(backend);
    const thread = await threads.createThread();
    await chat.send(thread.id, 'first');
    await threads.setBackend(thread.id, 'assistants');
    await chat.send(thread.id, 'second');
    assert.deepEqual(seeded, [0, 2]);
  });
});

describe('ChatService: asking again (Retry, Regenerate)', () => {
  test('Retry after a failed reply asks again with the same message and keeps the failed reply', async () => {
    const { store, backend, chat, threads } = await harness();
    backend.script({ delta: 'Half' }, { fail: new Error('socket hang up') });
    const thread = await threads.createThread();
    await chat.send(thread.id, 'first');
    await chat.send(thread.id, 'What is the answer?');
    backend.script({ delta: 'Half' }, { fail: new Error('socket hang up') });
    await chat.send(thread.id, 'Tell me more');

    const reply = await chat.rerun(thread.id);

    assert.equal(reply.status, 'complete');
    const request = backend.requests.at(-1)!;
    assert.equal(messageText(request.input), 'Tell me more');
    // The history is what came before the message, not the failed reply after it.
    assert.deepEqual(request.history.map(messageText), ['first', 'Half', 'What is the answer?', 'ok']);
    assert.deepEqual(stored(await store.messages(thread.id)).map((m) => `${m.role}:${m.text}:${m.status}`), [
      'user:first:complete',
      'assistant:Half:error',
      'user:What is the answer?:complete',
      'assistant:ok:complete',
      'user:Tell me more:complete',
      'assistant:Half:error',
      'assistant:ok:complete',
    ]);
  });

  test('Regenerate streams a second answer to the same message, with the usual events', async () => {
    const { store, backend, chat, threads, events } = await harness();
    const thread = await threads.createThread();
    await chat.send(thread.id, 'Name a colour');
    backend.script({ delta: 'Blue' }, { done: { status: 'complete' } });
    events.length = 0;

    const again = await chat.rerun(thread.id, { maxCompletionTokens: 5 });

    assert.deepEqual(summary(events), ['streamStart', 'delta:Blue', 'streamEnd']);
    assert.equal(messageText(again), 'Blue');
    assert.deepEqual(backend.requests.at(-1)?.limits, { maxCompletionTokens: 5 });
    assert.equal((await store.messages(thread.id)).filter((m) => m.role === 'user').length, 1, 'the message is not stored twice');
  });

  test('asking again is refused with a clear message when there is nothing to redo or a reply is streaming', async () => {
    const { backend, chat, threads, next } = await harness();
    const thread = await threads.createThread();
    await assert.rejects(chat.rerun(thread.id), (err: unknown) => err instanceof SendError && /send a message first/.test(err.message));
    backend.script({ delta: 'slow' }, { waitForAbort: 'throw' });
    const started = next('streamStart');
    const sending = chat.send(thread.id, 'hello');
    await started;
    await assert.rejects(chat.rerun(thread.id), (err: unknown) => err instanceof SendError && err.message === stillStreaming());
    chat.stop(thread.id);
    await sending;
    assert.equal((await chat.rerun(thread.id)).status, 'complete');
  });
});

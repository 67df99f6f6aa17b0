// How a Chat Completions reply fails, end to end: the stand-in plays the fault, the real SDK sees
// it, and describeError turns it into the kind and sentence the user gets.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { APIError } from 'openai';
import { ChatCompletionsBackend } from '../../src/core/backends/chatCompletionsBackend';
import { historyFrom } from '../../src/core/backends/backend';
import type { ConnectionSettings, ReplyEvent } from '../../src/core/backends/backend';
import type { Message, ThreadMeta } from '../../src/core/model';
import { expectedReply, splitDeltas } from '../stand-in/index';
import { assertDescribed, deltasOf, settle } from './replies';
import { settingsFor, standInForFile } from './support';

// A few milliseconds between deltas, so an abort after the first delta lands mid-stream.
const standIn = standInForFile({ deltaDelayMs: 5 });
const LONG_TEXT = 'please answer with quite a few separate words';
const THREAD: ThreadMeta = { id: 'th_chat_fail', title: 't', createdAt: 0, updatedAt: 0, backend: 'chat', messageCount: 0 };
const INPUT: Message = { id: 'm1', threadId: THREAD.id, role: 'user', content: [{ type: 'text', text: LONG_TEXT }], createdAt: 0, status: 'complete' };

afterEach(() => standIn.current.clearFaults());

function backend(overrides: Partial<ConnectionSettings> = {}): ChatCompletionsBackend {
  return new ChatCompletionsBackend(settingsFor(standIn.current, overrides), { maxTokensField: 'max_tokens' });
}

/** Runs one reply to the end; returns what the consumer saw and the error it ended with, if any. */
function run(b: ChatCompletionsBackend, options: { signal?: AbortSignal; onDelta?: () => void } = {}): Promise<{ events: ReplyEvent[]; error: unknown }> {
  return settle(b.reply({ thread: THREAD, history: historyFrom([]), input: INPUT, model: 'gpt-4o', signal: options.signal ?? new AbortController().signal }), options.onDelta);
}

function retryCounts(): string[] {
  return standIn.current.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.headers['x-stainless-retry-count'] ?? '?');
}

describe('ChatCompletionsBackend failures', () => {
  test('an error chunk mid-stream: the text so far arrived, then the server error is described', async () => {
    standIn.current.injectFault({ path: '/chat/completions', errorEventAfter: 3, message: 'The model crashed.' });
    const { events, error } = await run(backend());
    // Chunk 0 is the role chunk, so three chunks carry two deltas.
    assert.deepEqual(deltasOf(events), splitDeltas(expectedReply(LONG_TEXT)).slice(0, 2));
    assert.ok(events.every((e) => e.type !== 'done'), 'no done after an error');
    assert.ok(error instanceof APIError && error.status === undefined, String(error));
    assertDescribed(error, 'server', /while replying: The model crashed\./);
  });

  test('a connection cut mid-stream is a network error, with the partial text delivered', async () => {
    standIn.current.injectFault({ path: '/chat/completions', cutAfterEvents: 4 });
    const { events, error } = await run(backend());
    assert.deepEqual(deltasOf(events), splitDeltas(expectedReply(LONG_TEXT)).slice(0, 3));
    assertDescribed(error, 'network', /connection dropped/);
  });

  test('a connection lost after the finish chunk still completes the reply, without usage', async () => {
    // 1 role chunk + the deltas + the finish chunk; the usage chunk and [DONE] never come.
    const chunksToFinish = 1 + splitDeltas(expectedReply(LONG_TEXT)).length + 1;
    standIn.current.injectFault({ path: '/chat/completions', cutAfterEvents: chunksToFinish });
    const { events, error } = await run(backend());
    assert.equal(error, undefined);
    assert.equal(deltasOf(events).join(''), expectedReply(LONG_TEXT));
    const done = events.at(-1);
    assert.ok(done?.type === 'done');
    assert.equal(done.status, 'complete');
    assert.equal(done.usage, undefined);
  });

  test('429 with Retry-After: the SDK waits, retries and the reply completes', async () => {
    standIn.current.injectFault({ path: '/chat/completions', status: 429, retryAfter: 1, times: 1 });
    const before = retryCounts().length;
    const { events, error } = await run(backend({ maxRetries: 1 }));
    assert.equal(error, undefined);
    assert.equal(deltasOf(events).join(''), expectedReply(LONG_TEXT));
    assert.deepEqual(retryCounts().slice(before), ['0', '1']);
  });

  test('429 that is not retried says how long to wait', async () => {
    standIn.current.injectFault({ path: '/chat/completions', status: 429, retryAfter: 7, shouldRetry: false });
    const { error } = await run(backend({ maxRetries: 2 }));
    assertDescribed(error, 'rateLimit', /429/, /Wait 7 seconds/);
  });

  test('stopping mid-reply cancels the request; the text so far was delivered', async () => {
    const controller = new AbortController();
    const { events, error } = await run(backend(), { signal: controller.signal, onDelta: () => controller.abort() });
    assert.equal(deltasOf(events).length, 1);
    assertDescribed(error, 'cancelled', /Stopped/);
  });

  test('a 503 from a local server that is still loading its model is a server error', async () => {
    standIn.current.injectFault({ path: '/chat/completions', status: 503, message: 'Loading model', type: 'unavailable_error', shouldRetry: false });
    const { error } = await run(backend());
    assertDescribed(error, 'server', /503/, /Loading model/);
  });
});

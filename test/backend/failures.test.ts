// Every way a reply can fail, end to end: the stand-in plays the fault, the real SDK sees it, and
// describeError turns it into a kind and a sentence the user can act on.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ResponsesBackend } from '../../src/core/backends/responsesBackend';
import { historyFrom } from '../../src/core/backends/backend';
import type { ConnectionSettings, ReplyEvent } from '../../src/core/backends/backend';
import type { ThreadMeta } from '../../src/core/model';
import { expectedReply, splitDeltas } from '../stand-in/index';
import { assertDescribed, deltasOf, failing } from './replies';
import { settingsFor, standInForFile } from './support';

// A few milliseconds between deltas, so an abort after the first delta lands mid-stream.
const standIn = standInForFile({ deltaDelayMs: 5 });
const LONG_TEXT = 'please answer with quite a few separate words';

afterEach(() => standIn.current.clearFaults());

function backend(overrides: Partial<ConnectionSettings> = {}): ResponsesBackend {
  return new ResponsesBackend(settingsFor(standIn.current, overrides));
}

async function newThread(b = backend()): Promise<ThreadMeta> {
  const thread: ThreadMeta = { id: 'th_fail', title: 't', createdAt: 0, updatedAt: 0, backend: 'responses', messageCount: 0 };
  thread.remoteId = (await b.createThread(thread)).remoteId;
  return thread;
}

/** Runs one reply that must fail; returns the events the consumer saw before it threw, and the error. */
function failingReply(b: ResponsesBackend, thread: ThreadMeta, options: { signal?: AbortSignal; onDelta?: () => void } = {}): Promise<{ events: ReplyEvent[]; error: unknown }> {
  const input = { id: 'm1', threadId: thread.id, role: 'user' as const, content: [{ type: 'text' as const, text: LONG_TEXT }], createdAt: 0, status: 'complete' as const };
  return failing(b.reply({ thread, history: historyFrom([]), input, model: 'gpt-4.1-mini', signal: options.signal ?? new AbortController().signal }), options.onDelta);
}

function retryCounts(path: string): string[] {
  return standIn.current.requests.filter((r) => r.path === path).map((r) => r.headers['x-stainless-retry-count'] ?? '?');
}

describe('failures', () => {
  test('no API key: a clear error and no request at all', async () => {
    const before = standIn.current.requests.length;
    for (const key of [undefined, '', '   ']) {
      const error = await backend({ getApiKey: async () => key }).createThread({ id: 't', title: 't', createdAt: 0, updatedAt: 0, backend: 'responses', messageCount: 0 }).then(
        () => assert.fail('createThread succeeded without a key'),
        (err: unknown) => err,
      );
      assert.equal((error as Error).message, 'No API key is set. Run "Threadline: Set API Key".');
      assertDescribed(error, 'noKey', /Set API Key/);
    }
    assert.equal(standIn.current.requests.length, before);
  });

  test('401: a wrong key says to set the key again', async () => {
    const thread = await newThread();
    const { error } = await failingReply(backend({ getApiKey: async () => 'sk-wrong-key-123456' }), thread);
    assertDescribed(error, 'auth', /401/, /Incorrect API key/, /Threadline: Set API Key/);
  });

  test('403 and 404 name the setting or step that fixes them', async () => {
    const thread = await newThread();
    standIn.current.injectFault({ path: '/responses', status: 403, message: 'Project does not have access to model' });
    assertDescribed((await failingReply(backend(), thread)).error, 'auth', /403/, /does not have access/, /threadline\.project/);
    const gone: ThreadMeta = { ...thread, remoteId: 'conv_does_not_exist' };
    assertDescribed((await failingReply(backend(), gone)).error, 'notFound', /404/, /conv_does_not_exist/, /start a new thread/);
  });

  test('429 with Retry-After: the SDK waits, retries and succeeds', async () => {
    standIn.current.injectFault({ method: 'POST', path: '/conversations', status: 429, retryAfter: 1, times: 1 });
    const before = retryCounts('/v1/conversations').length;
    await newThread(backend({ maxRetries: 2 }));
    assert.deepEqual(retryCounts('/v1/conversations').slice(before), ['0', '1'], 'one failed attempt, then one retry');
  });

  test('429 that must not be retried fails as rateLimit and says how long to wait', async () => {
    standIn.current.injectFault({ method: 'POST', path: '/conversations', status: 429, retryAfter: 7, shouldRetry: false });
    const before = retryCounts('/v1/conversations').length;
    const error = await newThread(backend({ maxRetries: 2 })).then(() => assert.fail('expected a 429'), (err: unknown) => err);
    assertDescribed(error, 'rateLimit', /429/, /Wait 7 seconds/);
    assert.deepEqual(retryCounts('/v1/conversations').slice(before), ['0'], 'x-should-retry: false means a single attempt');

    standIn.current.injectFault({ path: '/conversations', status: 429, type: 'insufficient_quota', code: 'insufficient_quota', message: 'You exceeded your current quota.', shouldRetry: false });
    const quota = await newThread().then(() => assert.fail('expected a 429'), (err: unknown) => err);
    assertDescribed(quota, 'rateLimit', /quota/, /billing/);
  });

  test('500: a server error says to try again', async () => {
    const thread = await newThread();
    standIn.current.injectFault({ path: '/responses', status: 500, message: 'stand-in exploded', shouldRetry: false });
    assertDescribed((await failingReply(backend(), thread)).error, 'server', /500/, /stand-in exploded/, /Try again/);
  });

  test('connection cut mid-stream: the deltas before the cut reach the consumer, then reply() throws', async () => {
    const thread = await newThread();
    // Events 0-3 are created, in_progress, output_item.added, content_part.added; 4 and 5 are deltas.
    standIn.current.injectFault({ path: '/responses', cutAfterEvents: 6 });
    const { events, error } = await failingReply(backend(), thread);
    assert.deepEqual(deltasOf(events), splitDeltas(expectedReply(LONG_TEXT)).slice(0, 2));
    assert.ok(!events.some((e) => e.type === 'done'));
    assertDescribed(error, 'network', /connection dropped/, /Try again/);
  });

  test('an error event mid-stream is thrown as a server error with its message', async () => {
    const thread = await newThread();
    standIn.current.injectFault({ path: '/responses', errorEventAfter: 5, message: 'The model crashed halfway.' });
    const { events, error } = await failingReply(backend(), thread);
    assert.equal(deltasOf(events).length, 1);
    assertDescribed(error, 'server', /while replying/, /The model crashed halfway\./);
  });

  test('response.failed is thrown with the response error message', async () => {
    const thread = await newThread();
    standIn.current.injectFault({ path: '/responses', failResponse: true, code: 'server_error', message: 'The model could not finish.' });
    const { events, error } = await failingReply(backend(), thread);
    assert.deepEqual(events, []);
    assertDescribed(error, 'server', /could not finish the reply/, /server_error/, /The model could not finish\./);
  });

  test('abort mid-stream: reply() throws and it reads as cancelled', async () => {
    const thread = await newThread();
    const controller = new AbortController();
    const { events, error } = await failingReply(backend(), thread, { signal: controller.signal, onDelta: () => controller.abort() });
    assert.ok(deltasOf(events).length >= 1);
    assert.ok(!events.some((e) => e.type === 'done'));
    assertDescribed(error, 'cancelled', /Stopped/);
  });

  test('abort while the server stalls: cancelled, not a network error', async () => {
    const thread = await newThread();
    standIn.current.injectFault({ path: '/responses', stallMs: 30_000 });
    const controller = new AbortController();
    const seen = standIn.current.requests.length;
    const waitForRequest = async () => {
      while (standIn.current.requests.length === seen) await new Promise((r) => setImmediate(r));
      controller.abort();
    };
    const [{ error }] = await Promise.all([failingReply(backend(), thread, { signal: controller.signal }), waitForRequest()]);
    assertDescribed(error, 'cancelled');
  });

  test('a stalled server and a client timeout read as a network problem', async () => {
    const thread = await newThread();
    standIn.current.injectFault({ path: '/responses', stallMs: 30_000 });
    const { error } = await failingReply(backend({ timeoutMs: 200, maxRetries: 0 }), thread);
    assertDescribed(error, 'network', /did not answer in time/);
  });

  test('nothing listening: a connection error names the baseUrl setting', async () => {
    const error = await new ResponsesBackend({ baseUrl: 'http://127.0.0.1:9/v1', getApiKey: async () => 'k', maxRetries: 0 })
      .createThread({ id: 't', title: 't', createdAt: 0, updatedAt: 0, backend: 'responses', messageCount: 0 })
      .then(() => assert.fail('expected a connection error'), (err: unknown) => err);
    assertDescribed(error, 'network', /Could not reach the server/, /threadline\.baseUrl/);
  });
});

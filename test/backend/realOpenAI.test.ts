// Flows 1, 2 and 7 (Responses dialect) against the real api.openai.com: a conversation created
// with history, a reply that must use it, and the messages listed back across a page boundary.
// Runs only when THREADLINE_REAL_OPENAI_KEY is set (it costs a few tokens); removes what it creates.
// THREADLINE_REAL_OPENAI_MODEL picks the model (default gpt-4o-mini).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { historyFrom } from '../../src/core/backend';
import type { ConnectionSettings } from '../../src/core/backend';
import { ResponsesBackend } from '../../src/core/backends/responsesBackend';
import type { Message, ThreadMeta } from '../../src/core/model';
import { splitReply } from './replies';
import { alternating, message, newThread, textOf } from './seedFixtures';
import { collect } from './support';

const KEY = process.env.THREADLINE_REAL_OPENAI_KEY?.trim();
const MODEL = process.env.THREADLINE_REAL_OPENAI_MODEL?.trim() || 'gpt-4o-mini';
const SKIP_REASON = 'set THREADLINE_REAL_OPENAI_KEY to run against the real OpenAI API';

function realBackend(key: string): ResponsesBackend {
  const settings: ConnectionSettings = { baseUrl: 'https://api.openai.com/v1', getApiKey: async () => key, maxRetries: 2, timeoutMs: 60_000 };
  return new ResponsesBackend(settings);
}

/** Creates the conversation and deletes it when the test ends, however it ends. */
async function seeded(t: TestContext, backend: ResponsesBackend, thread: ThreadMeta, messages: readonly Message[]): Promise<string> {
  const { remoteId } = await backend.createThread(thread, messages);
  assert.ok(remoteId, 'the conversation has an id');
  t.after(() => backend.deleteThread(remoteId));
  return remoteId;
}

describe('real OpenAI: Responses seed flows', () => {
  test('flows 1 and 2: a conversation created with history; the reply uses it', async (t) => {
    if (!KEY) return t.skip(SKIP_REASON);
    const backend = realBackend(KEY);
    const thread = newThread('responses', 'th_real_seed');
    const history = [
      message(thread.id, 'user', 'Remember this codeword for later: PAPAYA.'),
      message(thread.id, 'assistant', 'Understood, I will remember it.'),
      message(thread.id, 'user', 'Thanks. Do not repeat it yet.'),
    ];
    thread.remoteId = await seeded(t, backend, thread, history);

    const input = message(thread.id, 'user', 'What was the codeword? Answer with the word only.');
    const { text, done } = splitReply(await collect(backend.reply({ thread, history: historyFrom(history), input, model: MODEL, signal: AbortSignal.timeout(60_000) })));

    assert.equal(done.status, 'complete');
    assert.match(text, /papaya/i, 'the reply saw the seeded history');
    const listed = await collect(backend.listMessages(thread.remoteId));
    assert.deepEqual(listed.map((m) => m.role), ['user', 'assistant', 'user', 'user', 'assistant']);
    assert.deepEqual(listed.slice(0, 3).map((m) => textOf(m.content)), history.map((m) => textOf(m.content)));
  });

  test('flow 7: 105 seeded messages list back in order across a page boundary', async (t) => {
    if (!KEY) return t.skip(SKIP_REASON);
    const backend = realBackend(KEY);
    const thread = newThread('responses', 'th_real_list');
    const history = alternating(thread.id, 105);
    const remoteId = await seeded(t, backend, thread, history);

    const listed = await collect(backend.listMessages(remoteId));

    assert.deepEqual(
      listed.map((m) => [m.role, textOf(m.content)]),
      history.map((m) => [m.role, textOf(m.content)]),
    );
  });
});

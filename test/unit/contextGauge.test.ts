// The context gauge: what it counts against the window and the limits, that the messages it says
// the next run leaves out are those the dialect's own budgeting leaves out, and that a long
// thread is read only as far as the budget.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { describe, test } from 'node:test';
import { historyFrom } from '../../src/core/backends/backend';
import { selectContext } from '../../src/core/backends/chat/context';
import { toChatMessage } from '../../src/core/backends/chat/messages';
import { ChatCompletionsBackend } from '../../src/core/backends/chatCompletionsBackend';
import { OMITTED_IDS_LISTED } from '../../src/core/backends/history';
import { estimatePromptTokens, needsClientContext, selectHistory } from '../../src/core/backends/responses/context';
import { createChat } from '../../src/core/chat/createChat';
import { computeContextGauge, NEWEST_MARKED, threadHistory } from '../../src/core/context/contextGauge';
import type { GaugeRequest } from '../../src/core/context/contextGauge';
import type { BackendKind, ContextLimits, Message, ThreadMeta } from '../../src/core/model';
import { contextWindowFor, knownContextWindow, LARGEST_KNOWN_WINDOW } from '../../src/core/context/modelWindows';
import { estimateMessageTokens, REPLY_PRIMING_TOKENS, TOKENS_PER_MESSAGE } from '../../src/core/context/tokens';
import { ThreadStore } from '../../src/core/library/threadStore';
import { compactTokens, gaugeText } from '../../webview-ui/src/views/contextGauge';
import { steppingClock, tempDir } from './fakes/fixtures';
import { counted, countingOpener, fillThread, ids, seededRandom, sizedMessage, threadFilePath } from './fakes/longThread';

function meta(backend: BackendKind, messageCount: number, limits?: ContextLimits): ThreadMeta {
  return { id: 'th_g', title: 'Gauge', createdAt: 0, updatedAt: 0, backend, messageCount, ...(limits ? { limits } : {}) };
}

/** A history with the odd message that has nothing to resend (a failed reply without text). */
function mixedHistory(count: number, seed: number): Message[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, n) => {
    const message = sizedMessage('th_g', n, random, 20, 400);
    return n % 7 === 3 ? { ...message, role: 'assistant' as const, content: [], status: 'error' as const } : message;
  });
}

/** The empty next message the gauge stands in for the one not yet written. */
const NEXT: Message = { id: 'next', threadId: 'th_g', role: 'user', content: [], createdAt: 0, status: 'complete' };

function gauge(backend: BackendKind, history: readonly Message[], options: Partial<GaugeRequest> & { limits?: ContextLimits } = {}) {
  const { limits, ...rest } = options;
  return computeContextGauge({ thread: meta(backend, history.length, limits), model: 'gpt-4o', history: historyFrom(history), ...rest });
}

describe('model windows', () => {
  test('known OpenAI models have their published window; anything else is unknown', () => {
    assert.equal(knownContextWindow('gpt-4.1-mini'), 1_047_576);
    assert.equal(knownContextWindow('gpt-4.1'), 1_047_576);
    assert.equal(knownContextWindow('gpt-4o-2024-08-06'), 128_000);
    assert.equal(knownContextWindow('o3-mini'), 200_000);
    assert.equal(knownContextWindow('o1-mini'), 128_000);
    assert.equal(knownContextWindow('gpt-4'), 8_192);
    assert.equal(knownContextWindow('llama3.2'), undefined);
    assert.equal(knownContextWindow('my-azure-deployment'), undefined);
    assert.deepEqual(contextWindowFor('gpt-4o', 32_000), { tokens: 32_000, source: 'setting' });
    assert.deepEqual(contextWindowFor('gpt-4o', 0), { tokens: 128_000, source: 'model' });
    assert.equal(LARGEST_KNOWN_WINDOW, 1_047_576);
  });
});

describe('context gauge', () => {
  test('counts what the next run sends against the window and the limits in force', async () => {
    const history = mixedHistory(12, 3);
    const sent = history.flatMap((m) => toChatMessage(m, false) ?? []);
    const expected = REPLY_PRIMING_TOKENS + TOKENS_PER_MESSAGE + sent.reduce((sum, m) => sum + estimateMessageTokens(m.content), 0);

    const roomy = await gauge('chat', history, { limits: { maxPromptTokens: 50_000, maxCompletionTokens: 500 } });
    assert.equal(roomy.tokens, expected);
    assert.equal(roomy.window, 128_000);
    assert.equal(roomy.windowSource, 'model');
    assert.equal(roomy.budget, 50_000, 'the smaller of max prompt tokens and the window less the reply');
    assert.equal(roomy.leftOut, 0);
    assert.deepEqual(roomy.limits, { maxPromptTokens: 50_000, maxCompletionTokens: 500 });

    const windowBound = await gauge('chat', history, { limits: { maxCompletionTokens: 1_000 }, contextWindowSetting: 8_192 });
    assert.equal(windowBound.window, 8_192);
    assert.equal(windowBound.windowSource, 'setting');
    assert.equal(windowBound.budget, 7_192);

    // The next message's own limits override the thread's, field by field, and show as such.
    const run = await gauge('chat', history, { limits: { maxPromptTokens: 50_000, maxCompletionTokens: 500 }, runLimits: { maxPromptTokens: 300 } });
    assert.deepEqual(run.limits, { maxPromptTokens: 300, maxCompletionTokens: 500 });
    assert.deepEqual(run.runLimits, { maxPromptTokens: 300 });
    assert.equal(run.budget, 300);
    assert.ok(run.tokens <= 300 && run.leftOut > 0, JSON.stringify(run));
    assert.match(gaugeText(run), /^\d+ \/ 300 tokens \(window 128k\) · \d+ earlier messages? left out · limits: prompt ≤ 300, reply ≤ 500 \(next message: prompt ≤ 300\)$/);
  });

  test('Chat Completions: the messages it says are left out are those the send leaves out, on random limits', async () => {
    const random = seededRandom(21);
    for (let round = 0; round < 60; round++) {
      const history = mixedHistory(Math.floor(random() * 150), round);
      const limits: ContextLimits = {};
      if (random() < 0.6) limits.maxPromptTokens = 20 + Math.floor(random() * 3000);
      if (random() < 0.3) limits.maxCompletionTokens = 50 + Math.floor(random() * 500);
      const lastMessages = random() < 0.4;
      if (lastMessages) limits.truncation = { type: 'last_messages', lastMessages: 1 + Math.floor(random() * 40) };
      else if (random() < 0.4) limits.truncation = { type: 'auto' };
      const contextWindow = random() < 0.5 ? 500 + Math.floor(random() * 5000) : undefined;
      const said = await gauge('chat', history, { limits, ...(contextWindow ? { contextWindowSetting: contextWindow } : {}) });
      const sent = await selectContext(historyFrom(history), NEXT, limits, contextWindow);
      const at = `round ${round}: ${JSON.stringify({ limits, contextWindow, size: history.length })}`;
      assert.deepEqual(said.leftOutIds, sent.omittedMessageIds, at);
      if (sent.omittedMessageIds.length < OMITTED_IDS_LISTED) assert.equal(said.leftOut, sent.omittedMessageIds.length, at);
      if (!said.tokensOver) {
        const tokens = REPLY_PRIMING_TOKENS + sent.messages.reduce((sum, m) => sum + estimateMessageTokens(m.content), 0);
        assert.equal(said.tokens, tokens, at);
      }
    }
  });

  test('Responses under client-side limits: the same left-out messages as its selection', async () => {
    const random = seededRandom(8);
    const localCount = async (history: readonly Message[], input: Message) => estimatePromptTokens(history, input);
    let trimmed = 0;
    for (let round = 0; round < 60; round++) {
      const history = mixedHistory(Math.floor(random() * 150), round);
      const limits: ContextLimits = {};
      if (random() < 0.7) limits.maxPromptTokens = 20 + Math.floor(random() * 4000);
      if (random() < 0.5) limits.truncation = { type: 'last_messages', lastMessages: 1 + Math.floor(random() * 60) };
      if (!needsClientContext(limits)) continue;
      const said = await gauge('responses', history, { limits });
      const sent = await selectHistory(historyFrom(history), NEXT, limits, localCount);
      const at = `round ${round}: ${JSON.stringify({ limits, size: history.length })}`;
      assert.equal(said.server, undefined, at);
      assert.deepEqual(said.leftOutIds, sent.omittedMessageIds, at);
      if (limits.maxPromptTokens !== undefined) assert.equal(said.tokens, estimatePromptTokens(sent.kept, NEXT), at);
      if (said.leftOut > 0) trimmed++;
    }
    assert.ok(trimmed > 10, `only ${trimmed} rounds left anything out`);
  });

  test('a real Chat Completions send leaves out exactly what the gauge said it would', async () => {
    const store = await ThreadStore.open(await tempDir(), { now: steppingClock() });
    const bodies: Array<{ messages: unknown[] }> = [];
    const serve: typeof fetch = async (_url, init) => {
      bodies.push(JSON.parse(String(init?.body)));
      const chunk = (delta: object, finish: string | null) => ({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'local', choices: [{ index: 0, delta, finish_reason: finish }] });
      const events = [chunk({ role: 'assistant', content: 'fine' }, null), chunk({}, 'stop')].map((c) => `data: ${JSON.stringify(c)}\n\n`);
      return new Response(`${events.join('')}data: [DONE]\n\n`, { headers: { 'content-type': 'text/event-stream' } });
    };
    const backend = new ChatCompletionsBackend({ baseUrl: 'http://127.0.0.1:9/v1', getApiKey: async () => 'sk-test', fetch: serve, maxRetries: 0 }, { maxTokensField: 'max_tokens' });
    const { chat, threads } = createChat({ store, backendFor: () => backend, settings: () => ({ model: 'local', backend: 'chat' }), now: steppingClock() });

    for (const limits of [{ truncation: { type: 'last_messages', lastMessages: 5 } }, { maxPromptTokens: 1500 }] satisfies ContextLimits[]) {
      const thread = await threads.createThread();
      await fillThread(store, thread.id, 40, 7);
      await threads.setLimits(thread.id, limits);
      const predicted = await computeContextGauge({ thread: store.get(thread.id)!, model: 'local', history: threadHistory(store, thread.id) });
      assert.ok(predicted.leftOut > 0, JSON.stringify(predicted));
      const reply = await chat.send(thread.id, 'And now?');
      assert.equal(reply.status, 'complete');
      assert.deepEqual(reply.omittedMessageIds, predicted.leftOutIds, JSON.stringify(limits));
      assert.equal(predicted.leftOut, reply.omittedMessageIds?.length);
      assert.equal(bodies.at(-1)!.messages.length, 40 - predicted.leftOut + 1, 'what was sent is the rest, and the new message');
    }
  });

  test('a 5,000-message thread is read only as far as the budget', async () => {
    const dir = await tempDir();
    const counter = countingOpener();
    const store = await ThreadStore.open(dir, { now: steppingClock(), openFile: counter.openFile });
    const thread = await store.create({ backend: 'chat' });
    const all = await fillThread(store, thread.id, 5000);
    const fileBytes = statSync(threadFilePath(dir, thread.id)).size;
    const limited = { ...store.get(thread.id)!, limits: { maxPromptTokens: 3000 } };

    counter.reset();
    const said = await computeContextGauge({ thread: limited, model: 'local', history: threadHistory(store, thread.id) });
    const read = counter.bytes();
    assert.ok(read < 300_000, `the gauge read ${read} of the thread's ${fileBytes} bytes`);
    assert.ok(said.tokens <= 3000 && said.tokens > 2000, `${said.tokens} tokens`);
    const eager = await selectContext(historyFrom(all), NEXT, { maxPromptTokens: 3000 }, undefined);
    const kept = eager.messages.length - 1;
    assert.equal(said.leftOut, 5000 - kept, 'every older message is counted as left out, read or not');
    assert.equal(said.leftOutApproximate, true);
    // Only ids the transcript could be showing are named, never thousands.
    const newest = new Set(ids(all.slice(-NEWEST_MARKED)));
    assert.ok(said.leftOutIds.length > 0 && said.leftOutIds.length <= OMITTED_IDS_LISTED);
    assert.ok(said.leftOutIds.every((id) => newest.has(id)), 'a named left-out message is among the newest');
    assert.deepEqual(said.leftOutIds, eager.omittedMessageIds.filter((id) => newest.has(id)));

    // No limits, a known window: counting stops once past it.
    const open = counted(threadHistory(store, thread.id));
    counter.reset();
    const unbounded = await computeContextGauge({ thread: { ...limited, limits: undefined }, model: 'local', contextWindowSetting: 8192, history: open.history });
    assert.equal(unbounded.tokensOver, true);
    assert.ok(unbounded.tokens > 8192);
    assert.equal(unbounded.leftOut, 0, 'nothing trims this thread: the server will refuse it, not drop messages');
    assert.ok(open.pulled() < 100, `read ${open.pulled()} messages`);
    assert.ok(counter.bytes() < 300_000, `read ${counter.bytes()} bytes`);
    assert.match(gaugeText(unbounded), /^over \d+(\.\d)?k \/ 8\.2k tokens · no earlier messages left out · no limits$/);
  });

  test('an unknown window says so instead of guessing', async () => {
    const history = mixedHistory(6, 1);
    const said = await gauge('chat', history, { model: 'llama3.2' });
    assert.equal(said.window, undefined);
    assert.equal(said.budget, undefined);
    assert.ok(said.tokens > 0);
    assert.match(gaugeText(said), /^\d+ tokens \(model window unknown\) · no earlier messages left out · no limits$/);
    const limited = await gauge('chat', history, { model: 'llama3.2', limits: { maxPromptTokens: 4000 } });
    assert.equal(limited.budget, 4000);
    assert.match(gaugeText(limited), /^\d+ \/ 4k tokens \(model window unknown\)/);
  });

  test('where the server keeps the history, it says so rather than counting left-out messages', async () => {
    const history = mixedHistory(30, 2);
    const plain = await gauge('responses', history);
    assert.deepEqual(plain.server, { truncation: 'disabled' });
    assert.equal(plain.leftOut, 0);
    assert.deepEqual(plain.leftOutIds, []);
    assert.ok(plain.tokens > 100, 'the size of the history is still estimated');
    assert.match(gaugeText(plain), /· the server keeps the history; truncation: disabled · no limits$/);

    const auto = await gauge('responses', history, { limits: { truncation: { type: 'auto' }, maxCompletionTokens: 100 } });
    assert.deepEqual(auto.server, { truncation: 'auto' });
    assert.equal(auto.budget, 128_000 - 100);

    assert.deepEqual((await gauge('assistants', history)).server, { truncation: 'auto' });
    const last = await gauge('assistants', history, { limits: { truncation: { type: 'last_messages', lastMessages: 4 }, maxPromptTokens: 500 } });
    assert.deepEqual(last.server, { truncation: 'last_messages', lastMessages: 4 });
    assert.equal(last.leftOut, 0);
    assert.match(gaugeText(last), /the server keeps the history; truncation: last 4 messages · limits: prompt ≤ 500, last 4 messages$/);
  });

  test('token counts read at a glance', () => {
    assert.deepEqual([950, 1000, 12_345, 99_950, 128_000, 1_047_576, 2_000_000].map(compactTokens), ['950', '1k', '12.3k', '100k', '128k', '1.05M', '2M']);
  });
});

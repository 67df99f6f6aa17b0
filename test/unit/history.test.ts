import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { describe, test } from 'node:test';
import { historyFrom } from '../../src/core/backends/backend';
import { selectContext } from '../../src/core/backends/chat/context';
import { toChatMessage } from '../../src/core/backends/chat/messages';
import { ChatCompletionsBackend } from '../../src/core/backends/chatCompletionsBackend';
import { OMITTED_IDS_LISTED } from '../../src/core/backends/history';
import { selectHistory } from '../../src/core/backends/responses/context';
import type { PromptCounter } from '../../src/core/backends/responses/context';
import { toHistoryItem } from '../../src/core/backends/responses/input';
import { createChat } from '../../src/core/chat/createChat';
import { messageText } from '../../src/core/model';
import type { ContextLimits, Message } from '../../src/core/model';
import { PromptTooLargeError } from '../../src/core/context/promptTooLarge';
import { estimateMessageTokens, fitNewest, promptBudget, REPLY_PRIMING_TOKENS } from '../../src/core/context/tokens';
import { ThreadStore } from '../../src/core/library/threadStore';
import { steppingClock, tempDir, textMessage } from './fakes/fixtures';
import { counted, countingOpener, fillThread, ids, seededRandom, sizedMessage, threadFilePath } from './fakes/longThread';

const words = (message: Message) => messageText(message).split(/\s+/).filter(Boolean).length;

/** A counter that charges one token per word plus four per message, as a server might. */
const wordCounter: PromptCounter = async (history, input) => [...history, input].reduce((sum, m) => sum + 4 + words(m), 0);

/** The whole-history selection the Responses dialect made before history was read lazily. */
async function eagerResponsesSelection(history: readonly Message[], input: Message, limits: ContextLimits | undefined, count: PromptCounter) {
  let older = history.filter((message) => toHistoryItem(message) !== undefined);
  const omitted: string[] = [];
  const dropOldest = (n: number) => {
    omitted.push(...older.slice(0, n).map((message) => message.id));
    older = older.slice(n);
  };
  if (limits?.truncation?.type === 'last_messages') dropOldest(Math.max(0, older.length - (limits.truncation.lastMessages - 1)));
  const budget = limits?.maxPromptTokens;
  if (budget !== undefined && (await count(older, input)) > budget) {
    const alone = await count([], input);
    if (alone > budget) throw new PromptTooLargeError(alone, { tokens: budget, source: 'maxPromptTokens' });
    let lo = 0;
    let hi = older.length;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if ((await count(older.slice(older.length - mid), input)) <= budget) lo = mid;
      else hi = mid;
    }
    dropOldest(older.length - lo);
  }
  return { kept: older, omittedMessageIds: omitted };
}

/** The whole-history selection Chat Completions made before history was read lazily. */
function eagerChatSelection(history: readonly Message[], input: Message, limits: ContextLimits | undefined, contextWindow: number | undefined) {
  const newMessage = toChatMessage(input, true)!;
  let older = history.flatMap((message) => {
    const chat = toChatMessage(message, false);
    return chat ? [{ id: message.id, chat }] : [];
  });
  const omitted: string[] = [];
  const drop = (count: number) => {
    omitted.push(...older.slice(0, count).map((entry) => entry.id));
    older = older.slice(count);
  };
  if (limits?.truncation?.type === 'last_messages') drop(Math.max(0, older.length - Math.max(0, limits.truncation.lastMessages - 1)));
  const budget = promptBudget(limits, contextWindow);
  if (budget) {
    const required = estimateMessageTokens(newMessage.content) + REPLY_PRIMING_TOKENS;
    if (required > budget.tokens) throw new PromptTooLargeError(required, budget, contextWindow);
    drop(fitNewest(older, required, budget.tokens, (entry) => estimateMessageTokens(entry.chat.content)).dropped.length);
  }
  return { messages: [...older.map((entry) => entry.chat), newMessage], omittedMessageIds: omitted };
}

/** A history with the odd message that has nothing to resend (a failed reply without text). */
function mixedHistory(count: number, seed: number): Message[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, n) => {
    const message = sizedMessage('th_h', n, random, 20, 400);
    return n % 7 === 3 ? { ...message, role: 'assistant' as const, content: [], status: 'error' as const } : message;
  });
}

/** Only the newest OMITTED_IDS_LISTED left-out messages are named (reading no further for more). */
function capped<T extends { omittedMessageIds: string[] }>(selection: T): T {
  return { ...selection, omittedMessageIds: selection.omittedMessageIds.slice(-OMITTED_IDS_LISTED) };
}

function outcome<T>(run: () => Promise<T>): Promise<T | { threw: string }> {
  return run().catch((err: Error) => ({ threw: `${err.name}: ${err.message}` }));
}

describe('history read from the store', () => {
  test('holds the messages before the anchor, newest first or all oldest first, whatever was appended after', async () => {
    const store = await ThreadStore.open(await tempDir(), { now: steppingClock() });
    const thread = await store.create({ backend: 'chat' });
    const all = await fillThread(store, thread.id, 40);
    const history = store.historyBefore(thread.id, 'm30');
    await fillThread(store, thread.id, 5, 2, 40);
    assert.deepEqual(ids(await history.all()), ids(all.slice(0, 30)));
    const newest: string[] = [];
    for await (const message of history.newestFirst()) {
      newest.push(message.id);
      if (newest.length === 3) break;
    }
    assert.deepEqual(newest, ['m29', 'm28', 'm27']);
    assert.deepEqual(await store.historyBefore(thread.id, 'm0').all(), []);
    await assert.rejects(store.historyBefore(thread.id, 'nope').all(), /No message with id "nope"/);
    assert.throws(() => store.historyBefore('th_missing', 'm1'), /No thread with id/);
  });
});

describe('lazy history selects what the whole history did', () => {
  test('Chat Completions: the same messages and left-out ids, on random limits', async () => {
    const random = seededRandom(11);
    for (let round = 0; round < 60; round++) {
      const history = mixedHistory(Math.floor(random() * 30), round);
      const input = textMessage('th_h', 'new', 'the question '.repeat(1 + Math.floor(random() * 20)), 1);
      const limits: ContextLimits = {};
      if (random() < 0.6) limits.maxPromptTokens = 20 + Math.floor(random() * 1500);
      if (random() < 0.4) limits.truncation = { type: 'last_messages', lastMessages: 1 + Math.floor(random() * 12) };
      else if (random() < 0.3) limits.truncation = { type: 'auto' };
      const contextWindow = random() < 0.5 ? 500 + Math.floor(random() * 3000) : undefined;
      const lazy = await outcome(() => selectContext(historyFrom(history), input, limits, contextWindow));
      const eager = await outcome(async () => capped(eagerChatSelection(history, input, limits, contextWindow)));
      assert.deepEqual(lazy, eager, `round ${round}: ${JSON.stringify({ limits, contextWindow, size: history.length })}`);
    }
  });

  test('Responses: the same kept messages and left-out ids, on random limits, with fewer counts on a long history', async () => {
    const random = seededRandom(5);
    for (let round = 0; round < 60; round++) {
      const history = mixedHistory(Math.floor(random() * 150), round);
      const input = textMessage('th_h', 'new', 'the question '.repeat(1 + Math.floor(random() * 30)), 1);
      const limits: ContextLimits = {};
      if (random() < 0.7) limits.maxPromptTokens = 10 + Math.floor(random() * 3000);
      if (random() < 0.5) limits.truncation = { type: 'last_messages', lastMessages: 1 + Math.floor(random() * 60) };
      const lazy = await outcome(() => selectHistory(historyFrom(history), input, limits, wordCounter));
      const eager = await outcome(async () => capped(await eagerResponsesSelection(history, input, limits, wordCounter)));
      assert.deepEqual(lazy, eager, `round ${round}: ${JSON.stringify({ limits, size: history.length })}`);
    }
  });

  test('on a 10,000-message history both read about what fits, and name at most the newest left-out ones', async () => {
    const history = mixedHistory(10_000, 1);
    const input = textMessage('th_h', 'new', 'what now?', 1);

    const chat = counted(historyFrom(history));
    const context = await selectContext(chat.history, input, { maxPromptTokens: 2000 }, undefined);
    const sent = context.messages.length - 1;
    assert.ok(sent > 5 && sent < 100, `${sent} messages fit`);
    // What was sent, the first that did not fit, and the ids it names (a few skipped ones among them).
    assert.ok(chat.pulled() <= sent + 1 + OMITTED_IDS_LISTED * 1.3, `read ${chat.pulled()} of 10,000`);
    assert.equal(context.omittedMessageIds.length, OMITTED_IDS_LISTED);
    assert.deepEqual(context.omittedMessageIds, eagerChatSelection(history, input, { maxPromptTokens: 2000 }, undefined).omittedMessageIds.slice(-OMITTED_IDS_LISTED));

    const responses = counted(historyFrom(history));
    let counts = 0;
    const counting: PromptCounter = (h, i) => {
      counts++;
      return wordCounter(h, i);
    };
    const selected = await selectHistory(responses.history, input, { maxPromptTokens: 3000 }, counting);
    const eager = await eagerResponsesSelection(history, input, { maxPromptTokens: 3000 }, wordCounter);
    assert.deepEqual(ids(selected.kept), ids(eager.kept));
    assert.deepEqual(selected.omittedMessageIds, eager.omittedMessageIds.slice(-OMITTED_IDS_LISTED));
    assert.ok(responses.pulled() <= 2 * selected.kept.length * 1.3 + 32 + OMITTED_IDS_LISTED * 1.3, `read ${responses.pulled()} of 10,000 for ${selected.kept.length} kept`);
    assert.ok(counts < 20, `${counts} counts`);
  });
});

describe('a Chat Completions send on a long thread', () => {
  test('reads from the store only the messages that fit the budget, not the thread', async () => {
    const dir = await tempDir();
    const counter = countingOpener();
    const store = await ThreadStore.open(dir, { now: steppingClock(), openFile: counter.openFile });
    const bodies: Array<{ messages: Array<{ role: string; content: unknown }> }> = [];
    const serve: typeof fetch = async (_url, init) => {
      bodies.push(JSON.parse(String(init?.body)));
      const chunk = (delta: object, finish: string | null) => ({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'local', choices: [{ index: 0, delta, finish_reason: finish }] });
      const events = [chunk({ role: 'assistant', content: 'fine' }, null), chunk({}, 'stop')].map((c) => `data: ${JSON.stringify(c)}\n\n`);
      return new Response(`${events.join('')}data: [DONE]\n\n`, { headers: { 'content-type': 'text/event-stream' } });
    };
    const backend = new ChatCompletionsBackend({ baseUrl: 'http://127.0.0.1:9/v1', getApiKey: async () => 'sk-test', fetch: serve, maxRetries: 0 }, { maxTokensField: 'max_tokens' });
    const { chat, threads } = createChat({ store, backendFor: () => backend, settings: () => ({ model: 'local', backend: 'chat' }), now: steppingClock() });
    const thread = await threads.createThread();
    const all = await fillThread(store, thread.id, 5000);
    await threads.setLimits(thread.id, { maxPromptTokens: 3000 });
    const fileBytes = statSync(threadFilePath(dir, thread.id)).size;

    counter.reset();
    const reply = await chat.send(thread.id, 'And now?');
    const read = counter.bytes();

    assert.equal(reply.status, 'complete');
    const sent = bodies[0]!.messages;
    const history = sent.slice(0, -1);
    assert.ok(history.length > 5 && history.length < 60, `${history.length} history messages fit`);
    assert.equal(history.at(-1)?.content, messageText(all.at(-1)!), 'the newest history message went last before the new one');
    assert.equal(reply.omittedMessageIds?.length, OMITTED_IDS_LISTED);
    assert.equal(reply.omittedMessageIds?.at(-1), all[all.length - 1 - history.length]?.id, 'the newest left-out message is the one just before those sent');
    // The sent messages and the left-out ones it names, in 64 KB reads, and a search for the new message.
    assert.ok(read < 300_000, `the send read ${read} of the thread's ${fileBytes} bytes`);
  });
});

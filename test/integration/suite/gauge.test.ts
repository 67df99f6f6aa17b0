// The context gauge in a real VS Code: after limits are set and a message is sent, the panel
// shows the limits and a token count; on a thread over its budget it says how many earlier
// messages the next run leaves out, and the reply then leaves out exactly that many.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { newLocalId } from '../../../src/core/ids';
import type { Message } from '../../../src/core/model';
import type { ThreadlineTestApi } from '../../../src/host/testApi';
import { chooseBackend, setLimits } from './answers';
import { readyPanel, recordedRequests, resetBackendSetting } from './helpers';

const WORDS = 'context window budget tokens thread history reply limit message gauge panel model'.split(' ');

/** About `words` words of varied text, so each message costs a different number of tokens. */
function prose(n: number, words: number): string {
  return Array.from({ length: words }, (_, i) => WORDS[(n * 7 + i * 3) % WORDS.length]).join(' ');
}

suite('Context gauge in the panel', () => {
  let api: ThreadlineTestApi;

  suiteSetup(async () => {
    api = await readyPanel('sk-gauge');
  });

  suiteTeardown(() => resetBackendSetting());

  setup(async () => {
    await vscode.commands.executeCommand('threadline.newThread');
    await chooseBackend(api, 'chat');
  });

  test('after limits are set and a message sent, the gauge shows the limits and a token count', async () => {
    await setLimits(api, 'setContextLimits', { maxPromptTokens: 5000, maxCompletionTokens: 200 });
    await api.view.receive({ type: 'send', text: 'How full is the context now?' });
    const threadId = api.view.currentThreadId!;
    assert.equal((await api.store.messages(threadId)).at(-1)!.status, 'complete');
    const report = await api.view.waitForRender((r) => r.threadId === threadId && r.messageIds.length === 2 && /limits:/.test(r.gauge ?? ''));
    const match = /^(\d+) \/ 5k tokens .* · no earlier messages left out · limits: prompt ≤ 5000, reply ≤ 200$/.exec(report.gauge ?? '');
    assert.ok(match, `gauge: ${report.gauge}`);
    // Two short messages and their framing: some tokens, far from the budget.
    const tokens = Number(match[1]);
    assert.ok(tokens > 10 && tokens < 200, `${tokens} tokens`);

    // Limits for the next message only are in force too, and say so.
    await setLimits(api, 'setRunLimits', { maxPromptTokens: 3000 });
    const run = await api.view.waitForRender((r) => /next message: prompt ≤ 3000/.test(r.gauge ?? ''));
    assert.match(run.gauge!, /^\d+ \/ 3k tokens .*limits: prompt ≤ 3000, reply ≤ 200 \(next message: prompt ≤ 3000\)$/);
    await api.view.receive({ type: 'clearRunLimits' });
  });

  test('a thread over its budget says how many earlier messages the next run leaves out, and the reply leaves out as many', async () => {
    const threadId = api.view.currentThreadId!;
    // Twenty earlier turns, stored as they would be.
    for (let n = 0; n < 20; n++) {
      const message: Message = {
        id: newLocalId('msg'),
        threadId,
        role: n % 2 ? 'assistant' : 'user',
        content: [{ type: 'text', text: prose(n, 40 + ((n * 13) % 30)) }],
        createdAt: Date.now() - (20 - n) * 1000,
        status: 'complete',
      };
      await api.store.append(threadId, message);
    }
    await setLimits(api, 'setContextLimits', { maxPromptTokens: 600 });
    const before = await api.view.waitForRender((r) => r.threadId === threadId && /earlier messages? left out/.test(r.gauge ?? '') && /prompt ≤ 600/.test(r.gauge ?? ''));
    const predicted = /· (\d+) earlier messages? left out ·/.exec(before.gauge!);
    assert.ok(predicted, `gauge: ${before.gauge}`);
    assert.match(before.gauge!, /^\d+ \/ 600 tokens/);
    const leftOut = Number(predicted[1]);
    assert.ok(leftOut > 5 && leftOut < 20, `${leftOut} left out`);

    await api.view.receive({ type: 'send', text: 'Go on.' });
    const reply = (await api.store.messages(threadId)).at(-1)!;
    assert.equal(reply.status, 'complete', reply.error);
    assert.equal(reply.omittedMessageIds?.length, leftOut, 'the reply left out what the gauge said');

    // And the gauge follows the reply: the new turn is counted, and no fewer messages are left out.
    const after = await api.view.waitForRender((r) => r.messageIds.at(-1) === reply.id && r.gauge !== before.gauge);
    const now = /^(\d+) \/ 600 tokens.* · (\d+) earlier messages left out · limits: prompt ≤ 600$/.exec(after.gauge ?? '');
    assert.ok(now, `gauge: ${after.gauge}`);
    assert.ok(Number(now[2]) >= leftOut, `${now[2]} left out after the reply, ${leftOut} before`);
    // The reply itself says how many were left out.
    assert.equal(after.lastLeftOutNote, `${leftOut} earlier messages were left out of this reply's context to fit the limits.`);
  });

  test('Conversations + Responses: the client drops the oldest context to fit a prompt limit, and the reply says how much', async () => {
    await chooseBackend(api, 'responses');
    const threadId = api.view.currentThreadId!;
    for (let n = 0; n < 20; n++) {
      await api.store.append(threadId, { id: newLocalId('msg'), threadId, role: n % 2 ? 'assistant' : 'user', content: [{ type: 'text', text: prose(n, 40 + ((n * 13) % 30)) }], createdAt: Date.now() - (20 - n) * 1000, status: 'complete' });
    }
    await setLimits(api, 'setContextLimits', { maxPromptTokens: 600 });
    const before = (await recordedRequests()).length;
    await api.view.receive({ type: 'send', text: 'Go on.' });
    const reply = (await api.store.messages(threadId)).at(-1)!;
    assert.equal(reply.status, 'complete', reply.error);
    // Sized by the server's own count, as create will see it.
    assert.ok((await recordedRequests()).slice(before).some((r) => r.method === 'POST' && r.path.endsWith('/responses/input_tokens')), 'the prompt was not counted by /responses/input_tokens');
    const leftOut = reply.omittedMessageIds?.length ?? 0;
    assert.ok(leftOut > 5 && leftOut < 20, `${leftOut} left out`);
    const shown = await api.view.waitForRender((r) => r.messageIds.at(-1) === reply.id && !r.streaming);
    assert.equal(shown.lastLeftOutNote, `${leftOut} earlier messages were left out of this reply's context to fit the limits.`);
  });
});

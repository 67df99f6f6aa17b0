// Dialect-specific flows through the panel, against the stand-in: Assistants v2 retired on
// api.openai.com (the offer to switch), and the other flows added with them below.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { messageText } from '../../../src/core/model';
import type { ThreadlineTestApi } from '../../../src/host/testApi';
import { expectedReply } from '../../stand-in/replies';
import { attachFile, chooseBackend, setApiKey, setLimits } from './answers';
import { clearFaults, injectFault, readyPanel, recordedRequests, resetBackendSetting, scratchFolder, standInUrl } from './helpers';

const OPENAI = 'https://api.openai.com/v1';

suite('Dialects through the panel', () => {
  let api: ThreadlineTestApi;
  let scratch: ReturnType<typeof scratchFolder>;

  suiteSetup(async () => {
    api = await readyPanel('sk-dialects');
    scratch = scratchFolder('dialects-');
  });

  teardown(async () => {
    api.answerPrompts(undefined);
    api.routeRequests(undefined);
    await clearFaults();
    await vscode.workspace.getConfiguration('threadline').update('baseUrl', standInUrl(), vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    scratch.remove();
    await resetBackendSetting();
  });

  test('a new Assistants thread on api.openai.com offers the switch to Responses, keeps the draft, and the switched thread replies', async () => {
    // Threadline believes it talks to api.openai.com; the requests reach the stand-in, which
    // answers the Assistants call with the 404 api.openai.com now gives.
    await vscode.workspace.getConfiguration('threadline').update('baseUrl', OPENAI, vscode.ConfigurationTarget.Global);
    api.routeRequests((input, init) => fetch(String(input).replace(OPENAI, standInUrl()), init));
    await injectFault({ method: 'POST', path: '/v1/threads', status: 404, message: 'Invalid URL (POST /v1/threads)' });
    const warnings: { message: string; actions: string[] }[] = [];
    api.answerPrompts({
      warn: async (message, ...actions) => {
        warnings.push({ message, actions });
        return actions.find((a) => /Switch to Conversations/.test(a));
      },
    });
    await vscode.commands.executeCommand('threadline.newThread');
    await chooseBackend(api, 'assistants');
    const threadId = api.view.currentThreadId!;

    await api.view.receive({ type: 'send', text: 'My first question' });

    assert.equal(warnings.length, 1, 'the switch was offered once');
    assert.match(warnings[0]!.message, /turned the Assistants API off/);
    assert.deepEqual(await api.store.messages(threadId), [], 'nothing was stored');
    // Back in the composer, before anything typed there earlier.
    const report = await api.view.waitForRender((r) => r.draft.startsWith('My first question'));
    assert.match(report.notice ?? '', /turned the Assistants API off/);
    assert.equal(api.store.get(threadId)?.backend, 'responses', 'accepting the offer switched the thread');

    await api.view.receive({ type: 'send', text: 'My first question' });
    const [user, reply] = await api.store.messages(threadId);
    assert.equal(user && messageText(user), 'My first question');
    assert.equal(reply?.status, 'complete', reply?.error);
  });

  test('Assistants: a message sent while a run is active is shown queued, can go back to the composer, and goes out after Stop ends the run', async () => {
    await vscode.commands.executeCommand('threadline.newThread');
    await chooseBackend(api, 'assistants');
    const threadId = api.view.currentThreadId!;
    // The run is held at the stand-in, so the reply stays in progress until Stop.
    await injectFault({ method: 'POST', path: '/threads/[^/]+/runs$', stallMs: 15_000 });
    const first = api.view.receive({ type: 'send', text: 'First question' });
    await api.view.waitForRender((r) => r.streaming && r.threadId === threadId);

    const second = api.view.receive({ type: 'send', text: 'Second question' });
    const third = api.view.receive({ type: 'send', text: 'Third, to rephrase' });
    let report = await api.view.waitForRender((r) => r.queued?.length === 2);
    assert.deepEqual(report.queued?.map((q) => q.text), ['Second question', 'Third, to rephrase']);
    assert.equal(report.streaming, true, 'the reply is still in progress');

    // Edit: the queued message leaves the queue and its text is back in the composer.
    await api.view.receive({ type: 'unqueue', id: report.queued![1]!.id, edit: true });
    await third;
    report = await api.view.waitForRender((r) => r.queued?.length === 1 && r.draft.includes('Third, to rephrase'));
    assert.deepEqual(report.queued?.map((q) => q.text), ['Second question']);

    // Stop ends the run; the message still queued goes out then.
    await api.view.receive({ type: 'stop' });
    await first;
    await second;
    const messages = await api.store.messages(threadId);
    assert.deepEqual(
      messages.map((m) => [m.role, m.status, m.role === 'user' ? messageText(m) : '']),
      [
        ['user', 'complete', 'First question'],
        ['assistant', 'cancelled', ''],
        ['user', 'complete', 'Second question'],
        ['assistant', 'complete', ''],
      ],
    );
    report = await api.view.waitForRender((r) => r.messageIds.at(-1) === messages[3]!.id && !r.streaming && r.queued?.length === 0);
    assert.match(report.draft, /Third, to rephrase/, 'the edited message is still in the composer, never sent');
  });

  test('a reply stopped by the content filter says so; Continue gets the continuation and leaves the composer\'s attachment and limits for the next message', async () => {
    await vscode.commands.executeCommand('threadline.newThread');
    await chooseBackend(api, 'responses');
    const threadId = api.view.currentThreadId!;
    await api.view.receive({ type: 'send', text: 'Tell me everything #filtered please' });
    const cut = (await api.store.messages(threadId)).at(-1)!;
    assert.equal(cut.status, 'incomplete');
    assert.match(cut.error ?? '', /content filter/);

    // Waiting for the user's next message: a file and one-run limits.
    assert.equal(await attachFile(api, scratch.write('later.md', '# For later\n')), true);
    await setLimits(api, 'setRunLimits', { maxCompletionTokens: 64 });
    const before = (await recordedRequests()).length;

    await api.view.receive({ type: 'continue' });

    const [asked, continued] = (await api.store.messages(threadId)).slice(-2);
    assert.equal(asked && messageText(asked), 'Continue.');
    assert.deepEqual(asked?.content.map((p) => p.type), ['text'], 'the attachment did not go with Continue');
    assert.equal(continued?.status, 'complete', continued?.error);
    assert.equal(continued && messageText(continued), expectedReply('Continue.'));
    const create = (await recordedRequests()).slice(before).find((r) => r.method === 'POST' && r.path.endsWith('/responses')) as unknown as { body: { max_output_tokens?: number } };
    assert.equal(create.body.max_output_tokens, undefined, "the next message's limits did not go with Continue");
    const report = await api.view.waitForRender((r) => r.messageIds.at(-1) === continued!.id && !r.streaming);
    assert.deepEqual(report.pending, ['later.md'], 'the attachment still waits in the composer');

    // Continue is refused once the latest reply is finished.
    await api.view.receive({ type: 'continue' });
    assert.equal((await api.store.messages(threadId)).length, 4);
    await api.view.waitForRender((r) => /Only the latest reply/.test(r.notice ?? ''));
  });

  test('Choose Assistant lists the server\'s assistants and the picked one runs with its own model; Create asks for the model', async () => {
    const made: Record<string, string> = {};
    for (const [name, model] of [['Picker A', 'stand-in-echo'], ['Picker B', 'gpt-4o']] as const) {
      const res = await fetch(`${standInUrl()}/assistants`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-dialects', 'openai-beta': 'assistants=v2', 'content-type': 'application/json' },
        body: JSON.stringify({ name, model, instructions: `I am ${name}.` }),
      });
      made[name] = ((await res.json()) as { id: string }).id;
    }
    const shown: { label: string; description?: string | undefined }[][] = [];
    api.answerPrompts({
      pick: async (items) => {
        shown.push(items.map((i) => ({ label: i.label, description: i.description })));
        return items.find((i) => i.label === 'Picker B');
      },
    });
    try {
      assert.equal(await vscode.commands.executeCommand<string>('threadline.chooseAssistant'), made['Picker B']);
      assert.match(shown[0]![0]!.label, /Create a new assistant/);
      assert.deepEqual(shown[0]!.filter((i) => i.label.startsWith('Picker ')).map((i) => [i.label, i.description]).sort(), [['Picker A', 'stand-in-echo'], ['Picker B', 'gpt-4o']]);

      await vscode.commands.executeCommand('threadline.newThread');
      await chooseBackend(api, 'assistants');
      const before = (await recordedRequests()).length;
      await api.view.receive({ type: 'send', text: 'Who answers?' });
      const reply = (await api.store.messages(api.view.currentThreadId!)).at(-1)!;
      assert.equal(reply.status, 'complete', reply.error);
      assert.equal(reply.model, 'gpt-4o', "the reply came from the assistant's own model");
      const run = (await recordedRequests()).slice(before).find((r) => r.method === 'POST' && /\/runs$/.test(r.path)) as unknown as { body: Record<string, unknown> };
      assert.equal(run.body.assistant_id, made['Picker B']);
      assert.equal('model' in run.body, false);

      // Create: the model is asked for, the current one offered first.
      shown.length = 0;
      api.answerPrompts({
        pick: async (items) => {
          shown.push(items.map((i) => ({ label: i.label, description: i.description })));
          return shown.length === 1 ? items[0] : items.find((i) => i.label === 'gpt-4o');
        },
        ask: async () => 'Answer in haiku.',
      });
      const created = await vscode.commands.executeCommand<string>('threadline.chooseAssistant');
      assert.match(created ?? '', /^asst_/);
      const models = shown[1]!;
      assert.deepEqual(models[0], { label: vscode.workspace.getConfiguration('threadline').get<string>('model'), description: 'current model' });
      const body = ((await recordedRequests()).filter((r) => r.method === 'POST' && r.path.endsWith('/assistants')).at(-1) as unknown as { body: { model: string; instructions: string } }).body;
      assert.deepEqual([body.model, body.instructions], ['gpt-4o', 'Answer in haiku.']);
    } finally {
      await vscode.workspace.getConfiguration('threadline').update('assistantId', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('a local-server preset (Ollama) needs no key: with none set, a Chat Completions send gets its reply and only a placeholder goes as the key', async () => {
    const config = vscode.workspace.getConfiguration('threadline');
    await resetBackendSetting();
    await config.update('provider', 'ollama', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('threadline.clearApiKey');
    try {
      await vscode.commands.executeCommand('threadline.newThread');
      const threadId = api.view.currentThreadId!;
      assert.equal(api.store.get(threadId)?.backend, 'chat', "Ollama's threads speak Chat Completions");
      const report = await api.view.waitForRender((r) => r.threadId === threadId);
      assert.equal(report.notice, undefined, 'no "set a key" notice for a local server');
      const before = (await recordedRequests()).length;

      await api.view.receive({ type: 'send', text: 'Hello, local model' });

      const [, reply] = await api.store.messages(threadId);
      assert.equal(reply?.status, 'complete', reply?.error);
      assert.equal(reply && messageText(reply), expectedReply('Hello, local model'));
      const sent = (await recordedRequests()).slice(before).filter((r) => r.method === 'POST' && r.path.endsWith('/chat/completions'));
      assert.equal(sent.length, 1);
      assert.equal(sent[0]!.headers.authorization, 'Bearer threadline-no-key', 'a placeholder, never a real key, is sent');
    } finally {
      await config.update('provider', undefined, vscode.ConfigurationTarget.Global);
      await setApiKey(api, 'sk-dialects');
    }
  });
});


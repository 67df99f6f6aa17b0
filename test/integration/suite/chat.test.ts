// The walking skeleton, end to end in the real extension host: key, panel, thread, streamed
// reply from the stand-in over real HTTP, failures that lose nothing, and settings a workspace
// cannot redirect.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { messageText } from '../../../src/core/model';
import { ThreadStore } from '../../../src/core/library/threadStore';
import type { ThreadlineTestApi } from '../../../src/host/testApi';
import { expectedReply } from '../../stand-in/replies';
import { setApiKey } from './answers';
import type { RecordedRequest } from './helpers';
import { activateExtension, clearFaults, injectFault, pointAtStandIn, recordedRequests, showPanel, standInUrl } from './helpers';

const TEST_KEY = 'sk-threadline-integration-secret';

suite('Threadline chat in a real VS Code', () => {
  let api: ThreadlineTestApi;

  suiteSetup(async () => {
    api = await activateExtension();
    await pointAtStandIn();
    await showPanel(api);
  });

  teardown(() => clearFaults());

  test('without a key the panel says so and offers the command', async () => {
    await vscode.commands.executeCommand('threadline.clearApiKey');
    const report = await api.view.waitForRender((r) => r.notice?.includes('No API key') === true);
    assert.match(report.notice ?? '', /No API key/);
  });

  test('a send without a key stores nothing and gives the text back', async () => {
    const before = api.store.list().reduce((n, t) => n + t.messageCount, 0);
    await api.view.receive({ type: 'send', text: 'hello without key' });
    const report = await api.view.waitForRender((r) => r.notice?.includes('Set API Key') === true);
    assert.match(report.notice ?? '', /Set API Key/);
    // Back in the composer, first (the shared panel may still hold an earlier suite's draft below).
    assert.match(report.draft, /^hello without key(\n|$)/, 'the typed message did not go back into the composer');
    assert.equal(api.store.list().reduce((n, t) => n + t.messageCount, 0), before);
  });

  test('Set API Key stores the key in SecretStorage only', async () => {
    await setApiKey(api, TEST_KEY);
    await api.view.waitForRender((r) => r.notice === undefined);
    // The key must not be written anywhere Threadline keeps files, nor into settings.
    for (const file of filesUnder(api.storageDir)) {
      assert.ok(!fs.readFileSync(file, 'utf8').includes(TEST_KEY), `API key found in ${file}`);
    }
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('threadline')).includes(TEST_KEY));
    // …nor into the extension's global or workspace state, nor its log.
    for (const memento of [api.globalState, api.workspaceState]) {
      for (const key of memento.keys()) assert.ok(!JSON.stringify(memento.get(key) ?? null).includes(TEST_KEY), `API key found in state ${key}`);
    }
    // The extension host's logs: every extension's channel, Threadline's included, and its own.
    for (const file of filesUnder(path.dirname(api.logDir))) {
      assert.ok(!fs.readFileSync(file, 'utf8').includes(TEST_KEY), `API key found in the log ${file}`);
    }
  });

  test('New Thread creates a thread and shows it', async () => {
    const count = api.store.list().length;
    await vscode.commands.executeCommand('threadline.newThread');
    assert.equal(api.store.list().length, count + 1);
    const newest = api.store.list()[0]!;
    const report = await api.view.waitForRender((r) => r.threadId === newest.id);
    assert.deepEqual(report.messageIds, []);
  });

  test('a message streams a reply from the server into the panel and the store', async () => {
    await vscode.commands.executeCommand('threadline.newThread');
    const thread = api.store.list()[0]!;
    await api.view.receive({ type: 'send', text: 'What is a thread?' });

    const messages = await api.store.messages(thread.id);
    assert.deepEqual(messages.map((m) => [m.role, m.status, messageText(m)]), [
      ['user', 'complete', 'What is a thread?'],
      ['assistant', 'complete', expectedReply('What is a thread?')],
    ]);
    const stored = api.store.get(thread.id)!;
    assert.match(stored.remoteId ?? '', /^conv_/);
    assert.equal(stored.title, 'What is a thread?');

    const report = await api.view.waitForRender((r) => r.messageIds.length === 2 && !r.streaming);
    assert.deepEqual(report.messageIds, messages.map((m) => m.id));
    assert.equal(report.lastText, expectedReply('What is a thread?'));

    // The request really went to the stand-in, with the key from SecretStorage.
    const requests = await recordedRequests();
    const create = requests.filter(isResponseCreate).at(-1);
    assert.ok(create, 'no POST /responses reached the stand-in');
    assert.equal(create.headers.authorization, `Bearer ${TEST_KEY}`);
  });

  test('the thread survives a restart: a fresh store on the same folder reads it back', async () => {
    const thread = api.store.list()[0]!;
    const reopened = await ThreadStore.open(api.storageDir);
    assert.deepEqual(reopened.get(thread.id), thread);
    assert.deepEqual(await reopened.messages(thread.id), await api.store.messages(thread.id));
  });

  test('a server error keeps the user message and shows what went wrong', async () => {
    await injectFault({ path: '/v1/responses', status: 500, message: 'stand-in exploded', shouldRetry: false, times: 1 });
    const thread = api.store.list()[0]!;
    await api.view.receive({ type: 'send', text: 'Will this fail?' });
    const messages = await api.store.messages(thread.id);
    const [user, reply] = messages.slice(-2);
    assert.equal(messageText(user!), 'Will this fail?');
    assert.equal(reply!.status, 'error');
    assert.match(reply!.error ?? '', /500/);
    await api.view.waitForRender((r) => r.messageIds.at(-1) === reply!.id && !r.streaming);
  });

  // Every way a send can fail at the server: the message stays stored, the reply says what to do,
  // and the panel shows it under the reply.
  const failures: { name: string; fault: Record<string, unknown>; says: RegExp }[] = [
    { name: '401 (wrong key)', fault: { status: 401, message: 'Incorrect API key provided', code: 'invalid_api_key', type: 'invalid_request_error' }, says: /401.*Set API Key/ },
    { name: '429 (rate limit)', fault: { status: 429, message: 'Rate limit reached', code: 'rate_limit_exceeded', type: 'requests', retryAfter: 7, shouldRetry: false }, says: /429.*Wait 7 seconds and try again/ },
    { name: '503 (server down)', fault: { status: 503, message: 'overloaded', shouldRetry: false }, says: /503.*overloaded/ },
    // Dropped before any answer, on every retry the SDK makes.
    { name: 'network down', fault: { cutAfterEvents: 0, times: 5 }, says: /Could not reach the server.*try again/ },
  ];
  for (const { name, fault, says } of failures) {
    test(`${name}: the message is kept and the reply says what to do`, async () => {
      await vscode.commands.executeCommand('threadline.newThread');
      const thread = api.store.list()[0]!;
      await injectFault({ path: '/v1/responses', method: 'POST', ...fault });
      await api.view.receive({ type: 'send', text: `Does ${name} lose this?` });
      const [user, reply] = await api.store.messages(thread.id);
      assert.equal(messageText(user!), `Does ${name} lose this?`);
      assert.equal(reply!.status, 'error');
      assert.match(reply!.error ?? '', says);
      const report = await api.view.waitForRender((r) => r.messageIds.at(-1) === reply!.id && !r.streaming);
      assert.match(report.lastError ?? '', says);
      // The thread goes on once the server is back.
      await clearFaults();
      await api.view.receive({ type: 'send', text: 'and now?' });
      assert.equal((await api.store.messages(thread.id)).at(-1)!.status, 'complete');
    });
  }

  test('a server that cannot start the thread gives the typed text back, and stores nothing', async () => {
    await vscode.commands.executeCommand('threadline.newThread');
    const thread = api.store.list()[0]!;
    await injectFault({ path: '/v1/conversations', method: 'POST', status: 503, message: 'overloaded', shouldRetry: false });
    await api.view.receive({ type: 'send', text: 'keep me safe' });
    const report = await api.view.waitForRender((r) => r.notice?.includes('503') === true);
    // Back in the composer, first, above anything already there.
    assert.match(report.draft, /^keep me safe(\n|$)/);
    assert.deepEqual(await api.store.messages(thread.id), []);
  });

  test('Stop part-way through a reply keeps the text that arrived', async () => {
    await vscode.commands.executeCommand('threadline.newThread');
    const thread = api.store.list()[0]!;
    const question = 'please answer with a good number of separate words';
    // Responses events 0-3 open the reply; each delta after that is one word.
    await injectFault({ path: '/v1/responses', method: 'POST', pauseAfterEvents: 7 });
    const sending = api.view.receive({ type: 'send', text: question });
    const partial = await api.view.waitForRender((r) => r.streaming && r.lastText.trim().length > 0);
    await api.view.receive({ type: 'stop' });
    await sending;
    const reply = (await api.store.messages(thread.id)).at(-1)!;
    assert.equal(reply.status, 'cancelled');
    const kept = messageText(reply);
    assert.ok(kept.length > 0 && expectedReply(question).startsWith(kept) && kept.length < expectedReply(question).length, `kept ${JSON.stringify(kept)}`);
    assert.ok(kept.startsWith(partial.lastText.trim()));
    const report = await api.view.waitForRender((r) => r.messageIds.at(-1) === reply.id && !r.streaming);
    assert.equal(report.lastText, kept.trim());
  });

  test('Stop cancels a streaming reply and keeps what arrived', async () => {
    await injectFault({ path: '/v1/responses', stallMs: 10_000, times: 1 });
    const thread = api.store.list()[0]!;
    const posted = (await recordedRequests()).filter(isResponseCreate).length;
    const sending = api.view.receive({ type: 'send', text: 'Take your time' });
    // Stop once the request is really at the server (held there by the stall).
    await until(async () => (await recordedRequests()).filter(isResponseCreate).length > posted);
    assert.equal((await api.view.waitForRender((r) => r.streaming)).streaming, true);
    await api.view.receive({ type: 'stop' });
    await sending;
    const reply = (await api.store.messages(thread.id)).at(-1)!;
    assert.equal(reply.role, 'assistant');
    assert.equal(reply.status, 'cancelled');
  });

  test('a workspace cannot redirect the key to another base URL or Azure endpoint', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the harness opens a workspace folder');
    const settingsFile = path.join(folder.uri.fsPath, '.vscode', 'settings.json');
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    const changed = new Promise<void>((resolve) => {
      const sub = vscode.workspace.onDidChangeConfiguration(() => {
        sub.dispose();
        resolve();
      });
    });
    fs.writeFileSync(
      settingsFile,
      JSON.stringify({
        'threadline.baseUrl': 'http://127.0.0.1:9/v1',
        // Nor through the Azure settings, which decide the URL too.
        'threadline.provider': 'azure',
        'threadline.azure.path': 'deployments',
        'threadline.azure.endpoint': 'http://127.0.0.1:9',
        'threadline.azure.deployment': 'stand-in-echo',
        'threadline.azure.apiVersion': '2025-04-01-preview',
        'threadline.model': 'stand-in-echo',
      }),
    );
    try {
      await changed;
      const before = (await recordedRequests()).length;
      const thread = api.store.list()[0]!;
      await api.view.receive({ type: 'send', text: 'Where does this go?' });
      const reply = (await api.store.messages(thread.id)).at(-1)!;
      assert.equal(reply.status, 'complete', `reply failed: ${reply.error}`);
      assert.ok((await recordedRequests()).length > before, 'the request did not reach the user-configured stand-in');
      // The model is not sensitive, so a workspace may choose it.
      assert.equal(reply.model, 'stand-in-echo');
      assert.ok(standInUrl().startsWith('http://127.0.0.1'));
    } finally {
      fs.rmSync(path.join(folder.uri.fsPath, '.vscode'), { recursive: true, force: true });
    }
  });
});

function isResponseCreate(r: RecordedRequest): boolean {
  return r.method === 'POST' && r.path.endsWith('/responses');
}

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

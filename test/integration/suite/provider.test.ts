// Threadline: Choose Provider, in the real extension host: a custom OpenAI-compatible URL (the
// stand-in) works with no key at all; a preset with a known address replaces an explicit one. Both
// land in user settings only.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { messageText } from '../../../src/core/model';
import type { ThreadlineTestApi } from '../../../src/host/testApi';
import { expectedReply } from '../../stand-in/replies';
import { answering, pickWhere, setApiKey, typed } from './answers';
import { pointAtStandIn, readyPanel, recordedRequests, resetBackendSetting, standInUrl } from './helpers';

/** Choose Provider: `provider` picked, `url` typed when it asks for one, and the offer of next steps dismissed. */
function chooseProvider(api: ThreadlineTestApi, provider: string, url?: string): Promise<string> {
  return answering<string>(api, { pick: pickWhere((item) => item.id === provider), ask: typed(...(url ? [url] : [])), info: async () => undefined }, 'threadline.chooseProvider');
}

suite('Choose Provider', () => {
  let api: ThreadlineTestApi;
  const config = () => vscode.workspace.getConfiguration('threadline');

  suiteSetup(async () => {
    api = await readyPanel('sk-provider');
  });

  suiteTeardown(async () => {
    await config().update('provider', undefined, vscode.ConfigurationTarget.Global);
    await pointAtStandIn();
    await resetBackendSetting();
    await setApiKey(api, 'sk-provider');
  });

  test('a custom server URL needs no key: new threads speak Chat Completions to it', async () => {
    await vscode.commands.executeCommand('threadline.clearApiKey');
    assert.equal(await chooseProvider(api, 'custom', standInUrl()), 'custom');
    assert.equal(config().inspect('provider')?.globalValue, 'custom');
    assert.equal(config().inspect('baseUrl')?.globalValue, standInUrl());
    assert.equal(config().inspect('provider')?.workspaceValue, undefined, 'a provider choice must stay in user settings');

    await vscode.commands.executeCommand('threadline.newThread');
    const thread = api.store.get(api.view.currentThreadId!)!;
    assert.equal(thread.backend, 'chat');
    const before = (await recordedRequests()).length;
    await api.view.receive({ type: 'send', text: 'no key here' });
    const reply = (await api.store.messages(thread.id)).at(-1)!;
    assert.equal(reply.status, 'complete', reply.error);
    assert.equal(messageText(reply), expectedReply('no key here'));
    const sent = (await recordedRequests()).slice(before).filter((r) => r.method === 'POST' && r.path.endsWith('/chat/completions'));
    assert.equal(sent.length, 1, 'the reply did not come from the custom server');
  });

  test('a preset with its own address (Ollama) replaces an explicit base URL, so it is really used', async () => {
    assert.equal(await chooseProvider(api, 'ollama'), 'ollama');
    assert.equal(config().inspect('provider')?.globalValue, 'ollama');
    assert.equal(config().inspect('baseUrl')?.globalValue, undefined);
  });
});

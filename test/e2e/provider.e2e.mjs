// End-to-end: Threadline: Choose Provider through the workbench's own pickers. The profile starts
// on OpenAI with a base URL where nothing listens and no key; picking "Custom" and typing the
// stand-in's URL is all it takes to chat.
import assert from 'node:assert/strict';
import { controlUrl, expectedReply, openChatView, sendAndAwaitReply } from './support.mjs';

const DEAD_URL = 'http://127.0.0.1:9/v1';
export const settings = { 'threadline.baseUrl': DEAD_URL };

export const tests = [
  {
    name: 'the panel starts on OpenAI with no key and says so',
    async run(t) {
      await openChatView(t);
      await t.webview().locator('.footer', { hasText: DEAD_URL }).waitFor({ timeout: 15_000 });
      await t.webview().locator('[data-testid=notice]', { hasText: 'No API key' }).waitFor({ timeout: 15_000 });
    },
  },
  {
    name: 'Choose Provider → Custom with the server\'s URL: no key needed, and the reply comes from that server',
    async run(t) {
      await t.runCommand(t.page, 'Threadline: Choose Provider');
      const custom = t.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Custom OpenAI-compatible server' });
      await custom.waitFor({ timeout: 15_000 });
      // Every preset is offered.
      for (const label of ['OpenAI', 'Azure OpenAI', 'Ollama', 'LM Studio']) {
        assert.ok(await t.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).count() > 0, `${label} is not offered`);
      }
      await custom.click();
      // The URL box refuses what is not a URL, then takes the stand-in's.
      const input = t.page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill('not a url');
      await t.page.locator('.quick-input-message', { hasText: 'http:// or https://' }).waitFor({ timeout: 10_000 });
      await t.answerInputBox(t.page, t.standInUrl);
      await t.toast(t.page, 'now uses Custom OpenAI-compatible server').waitFor({ timeout: 15_000 });

      await t.webview().locator('.footer', { hasText: t.standInUrl }).waitFor({ timeout: 15_000 });
      await t.webview().locator('[data-testid=notice]', { hasText: 'No API key' }).waitFor({ state: 'hidden', timeout: 15_000 });
      await fetch(controlUrl(t, 'requests'), { method: 'DELETE' });
      const reply = await sendAndAwaitReply(t, 'Hello, local server');
      assert.equal((await reply.locator('.message-text').innerText()).trim(), expectedReply('Hello, local server'));
      const recorded = await (await fetch(controlUrl(t, 'requests'))).json();
      assert.ok(recorded.some((r) => r.method === 'POST' && /\/chat\/completions$/.test(r.path)), 'the reply did not come from Chat Completions on the chosen server');
      await t.screenshot('provider-custom');
    },
  },
];

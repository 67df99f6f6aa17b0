// End-to-end: the Threadline chat panel in a real workbench (code-server + Chromium), talking to the
// stand-in server. Run by test/harness/e2e.mjs (`npm run test:vscode`, or `-- --only e2e`), which
// gives each test `t`: { page, webview(), runCommand, answerInputBox, toast, screenshot, standInUrl, log }.
// Tests run in order on one page; each builds on the one before.
//
// The webview DOM contract: [data-testid=composer] (vscode-text-area, real <textarea> in its open
// shadow root), [data-testid=send|stop|new-thread|thread-switcher|notice|set-key],
// [data-testid=transcript] .message[data-role=user|assistant][data-status=…] .message-text
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The stand-in's deterministic reply rule (built from test/stand-in/replies.ts). */
const { expectedReply } = require(path.join(repo, 'out', 'test', 'stand-in', 'replies.js'));

const API_KEY = 'sk-test-e2e';
const FIRST = 'Hello from the end-to-end test';
const SECOND = 'Please stop this reply';

/** The stand-in's control routes live beside /v1. */
const controlUrl = (t, route) => new URL(`/__stand-in/${route}`, t.standInUrl).href;

const messages = (t, role) => t.webview().locator(`[data-testid=transcript] .message${role ? `[data-role=${role}]` : ''}`);

async function openChatView(t) {
  // "Focus on Chat View" is the command VS Code adds for the view (threadline.chat.focus).
  await t.runCommand(t.page, 'Threadline: Focus on Chat View');
  await t.webview().locator('[data-testid=composer]').waitFor({ timeout: 30_000 });
}

async function send(t, text) {
  const box = t.webview().locator('[data-testid=composer] textarea');
  await box.click();
  await box.fill(text);
  await t.webview().locator('[data-testid=send]').click();
}

export const tests = [
  {
    name: 'the Threadline view opens and asks for an API key',
    async run(t) {
      await openChatView(t);
      const notice = t.webview().locator('[data-testid=notice]');
      await notice.waitFor({ state: 'visible', timeout: 15_000 });
      assert.match(await notice.innerText(), /API key/i);
      await t.webview().locator('[data-testid=set-key]').waitFor({ state: 'visible' });
      await t.screenshot('no-key');
    },
  },
  {
    name: 'Threadline: Set API Key stores the key and the notice goes away',
    async run(t) {
      await t.runCommand(t.page, 'Threadline: Set API Key');
      await t.answerInputBox(t.page, API_KEY);
      await t.toast(t.page, 'API key').first().waitFor({ timeout: 15_000 });
      await t.webview().locator('[data-testid=notice]').waitFor({ state: 'hidden', timeout: 15_000 });
    },
  },
  {
    name: 'a message gets the streamed reply from the server',
    async run(t) {
      await fetch(controlUrl(t, 'requests'), { method: 'DELETE' });
      await send(t, FIRST);
      const user = messages(t, 'user').last();
      await user.locator('.message-text', { hasText: FIRST }).waitFor({ timeout: 15_000 });
      const reply = messages(t, 'assistant').last();
      await reply.and(t.webview().locator('[data-status=complete]')).waitFor({ timeout: 30_000 });
      assert.equal((await reply.locator('.message-text').innerText()).trim(), expectedReply(FIRST));
      // The reply came over SSE with the key set above.
      const recorded = await (await fetch(controlUrl(t, 'requests'))).json();
      const create = recorded.find((r) => r.method === 'POST' && /\/responses$/.test(r.path));
      assert.ok(create, `no POST /responses among ${recorded.map((r) => `${r.method} ${r.path}`).join(', ')}`);
      assert.equal(create.body?.stream, true, 'the reply was not requested as a stream');
      assert.equal(create.headers?.authorization, `Bearer ${API_KEY}`);
      await t.screenshot('panel');
    },
  },
  {
    name: 'Stop ends a reply that is still in progress',
    async run(t) {
      const before = await messages(t, 'assistant').count();
      // Hold the next reply back so that there is something to stop.
      const r = await fetch(controlUrl(t, 'faults'), {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ method: 'POST', path: '/responses', stallMs: 20_000 }),
      });
      assert.ok(r.ok, `could not queue a fault: HTTP ${r.status}`);
      try {
        await send(t, SECOND);
        const stop = t.webview().locator('[data-testid=stop]');
        await stop.waitFor({ state: 'visible', timeout: 10_000 });
        await t.screenshot('streaming');
        await stop.click();
        await t.webview().locator('[data-testid=send]').waitFor({ state: 'visible', timeout: 10_000 });
        await t.webview().locator('.message[data-status=streaming]').waitFor({ state: 'detached', timeout: 10_000 });
        // The stopped reply is kept, marked as stopped, after the user's message.
        await expectCount(messages(t, 'assistant'), before + 1);
        assert.equal(await messages(t, 'assistant').last().getAttribute('data-status'), 'cancelled');
        assert.match(await messages(t, 'assistant').last().innerText(), /Stopped/);
        assert.equal((await messages(t, 'user').last().locator('.message-text').innerText()).trim(), SECOND);
        await t.screenshot('stopped');
      } finally {
        await fetch(controlUrl(t, 'faults'), { method: 'DELETE' });
      }
    },
  },
  {
    name: 'New Thread starts an empty thread',
    async run(t) {
      await t.webview().locator('[data-testid=new-thread]').click();
      await t.webview().locator('[data-testid=transcript] .message').first().waitFor({ state: 'detached', timeout: 10_000 });
      await send(t, 'Second thread');
      await messages(t, 'assistant').and(t.webview().locator('[data-status=complete]'))
        .locator('.message-text', { hasText: expectedReply('Second thread') }).waitFor({ timeout: 30_000 });
      await t.screenshot('second-thread');
    },
  },
  {
    name: 'after a reload the key is still set and the thread is still there',
    async run(t) {
      await t.page.reload();
      await t.waitForWorkbench(t.page);
      await openChatView(t);
      await messages(t, 'assistant').first().waitFor({ timeout: 30_000 });
      assert.equal(await t.webview().locator('[data-testid=notice]').isVisible(), false, 'the "no API key" notice is back after a reload');
      await t.screenshot('after-reload');
    },
  },
  {
    name: 'the thread switcher brings the first thread back',
    async run(t) {
      const switcher = t.webview().locator('[data-testid=thread-switcher]');
      await expectCount(switcher.locator('vscode-option'), 2);
      await switcher.click();
      await switcher.locator('vscode-option', { hasText: FIRST }).click();
      await messages(t, 'user').locator('.message-text', { hasText: FIRST }).waitFor({ timeout: 15_000 });
      assert.equal((await messages(t, 'assistant').first().locator('.message-text').innerText()).trim(), expectedReply(FIRST));
      await t.screenshot('switched-thread');
    },
  },
];

/** Polls until `locator` matches `n` elements. */
async function expectCount(locator, n, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let count;
  while ((count = await locator.count()) !== n) {
    if (Date.now() > deadline) assert.fail(`expected ${n} elements, found ${count}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

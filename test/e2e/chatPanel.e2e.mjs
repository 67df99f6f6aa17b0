// End-to-end: the Threadline chat panel in a real workbench (code-server + Chromium), talking to the
// stand-in server. Run by test/harness/e2e.mjs (`npm run test:vscode`, or `-- --only e2e`), which
// gives each test `t`: { page, webview(), runCommand, answerInputBox, toast, screenshot, standInUrl, log }.
// Tests run in order on one page; each builds on the one before.
//
// The webview DOM contract: [data-testid=composer] (vscode-text-area, real <textarea> in its open
// shadow root), [data-testid=send|stop|new-thread|thread-switcher|notice|set-key],
// [data-testid=transcript] .message[data-role=user|assistant][data-status=…] .message-text
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { API_KEY, checkerPng, controlUrl, expectCount, expectedReply, messages, openChatView, pickFile, send, sendAndAwaitReply } from './support.mjs';

const FIRST = 'Hello from the end-to-end test';
const SECOND = 'Please stop this reply';

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
  {
    name: 'Threadline: Switch Thread lists the threads with their activity and opens the chosen one',
    async run(t) {
      await t.runCommand(t.page, 'Threadline: Switch Thread');
      const row = t.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Second thread' }).first();
      await row.waitFor({ timeout: 15_000 });
      assert.match(await row.innerText(), /2 messages/);
      assert.match(await row.innerText(), /Last activity/);
      await row.click();
      await messages(t, 'user').locator('.message-text', { hasText: 'Second thread' }).waitFor({ timeout: 15_000 });
    },
  },
  {
    name: 'the panel runs under a strict nonce CSP and shows markup from the model as text',
    async run(t) {
      const csp = await t.webview().locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      assert.match(csp ?? '', /default-src 'none'/);
      assert.match(csp ?? '', /script-src 'nonce-[A-Za-z0-9+/=]{16,}'/);
      assert.doesNotMatch(csp ?? '', /unsafe-inline|unsafe-eval/);
      // VS Code injects its own acquireVsCodeApi script (#_vscodeApiScript); every other is ours.
      const scripts = t.webview().locator('script:not(#_vscodeApiScript)');
      // Browsers hide a parsed nonce from getAttribute; the property still has it.
      for (let i = 0; i < (await scripts.count()); i++) assert.ok(await scripts.nth(i).evaluate((el) => el.nonce), `a script without the nonce: ${await scripts.nth(i).evaluate((el) => el.outerHTML.slice(0, 200))}`);

      const hostile = '<img src=x onerror="document.body.dataset.pwned=1"><b>bold</b> [run](command:workbench.action.terminal.new)';
      const reply = await sendAndAwaitReply(t, hostile);
      assert.equal((await reply.locator('.message-text').innerText()).trim(), expectedReply(hostile));
      assert.equal(await reply.locator('.message-text img, .message-text b, .message-text a').count(), 0, 'model output became markup');
      assert.equal(await t.webview().locator('body[data-pwned]').count(), 0);
    },
  },
  {
    name: 'an image attached from the panel shows in the message and reaches the model',
    async run(t) {
      const png = path.join(t.workspace, 'checker.png');
      fs.writeFileSync(png, checkerPng());
      await t.webview().locator('[data-testid=attach-image]').click();
      await pickFile(t, png);
      await t.webview().locator('[data-testid=pending] .chip', { hasText: 'checker.png' }).waitFor({ timeout: 20_000 });
      const reply = await sendAndAwaitReply(t, 'What is in this picture?');
      const image = messages(t, 'user').last().locator('img.message-image');
      await image.waitFor({ timeout: 20_000 });
      assert.ok((await image.evaluate((img) => img.naturalWidth)) === 32, 'the image did not load in the panel');
      assert.match(await reply.locator('.message-text').innerText(), /image\/png/);
      await t.screenshot('image');
    },
  },
  {
    name: 'a cited file becomes footnote [1] whose reference opens the file',
    async run(t) {
      await t.webview().locator('[data-testid=attach-file]').click();
      await pickFile(t, path.join(t.workspace, 'notes.md'));
      await t.webview().locator('[data-testid=pending] .chip', { hasText: 'notes.md' }).waitFor({ timeout: 20_000 });
      const reply = await sendAndAwaitReply(t, 'What do my notes say?');
      assert.equal(await reply.locator('sup.footnote').first().innerText(), '[1]');
      const reference = reply.locator('[data-testid=reference]');
      assert.match(await reference.innerText(), /\[1\] notes\.md/);
      await t.screenshot('citation');
      await reference.click();
      await t.page.locator('.tabs-container .tab', { hasText: 'notes.md' }).waitFor({ timeout: 20_000 });
      await t.page.locator('.monaco-editor .view-lines', { hasText: 'Ask Threadline about' }).waitFor({ timeout: 20_000 });
      await t.screenshot('reference-opened');
    },
  },
  {
    name: 'find in the thread steps through the matching messages',
    async run(t) {
      await t.webview().locator('[data-testid=find-button]').click();
      const input = t.webview().locator('[data-testid=find] input');
      await input.fill('picture');
      await input.press('Enter');
      const status = t.webview().locator('[data-testid=find] .find-status');
      await status.filter({ hasText: /^1 of \d+$/ }).waitFor({ timeout: 10_000 });
      const total = Number((await status.innerText()).split(' of ')[1]);
      assert.ok(total >= 2, `expected the question and its echo, found ${total}`);
      assert.match(await t.webview().locator('.message-revealed .message-text').innerText(), /picture/);
      await input.press('Enter');
      await status.filter({ hasText: `2 of ${total}` }).waitFor({ timeout: 5_000 });
      await t.screenshot('find');
      await input.press('Escape');
      await t.webview().locator('[data-testid=find]').waitFor({ state: 'hidden', timeout: 5_000 });
    },
  },
];

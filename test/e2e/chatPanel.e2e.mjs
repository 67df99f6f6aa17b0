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
      // Hold the reply part-way (Responses events 0-3 open it, then one word each) to see it grow.
      const held = await fetch(controlUrl(t, 'faults'), {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ method: 'POST', path: '/responses', pauseAfterEvents: 6, pauseMs: 3_000 }),
      });
      assert.ok(held.ok, `could not queue a fault: HTTP ${held.status}`);
      await send(t, FIRST);
      const user = messages(t, 'user').last();
      await user.locator('.message-text', { hasText: FIRST }).waitFor({ timeout: 15_000 });
      const streaming = t.webview().locator('.message[data-status=streaming] .message-text', { hasText: 'Echo:' });
      await streaming.waitFor({ timeout: 15_000 });
      const partial = (await streaming.innerText()).trim();
      assert.ok(expectedReply(FIRST).startsWith(partial) && partial.length < expectedReply(FIRST).length, `not part of the reply: ${JSON.stringify(partial)}`);
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
  {
    name: 'Export Thread saves the open thread as JSON and as Markdown through the save dialog',
    async run(t) {
      const shown = await transcriptOf(t);
      assert.ok(shown.length >= 8, `the open thread has ${shown.length} messages`);

      await exportThroughDialog(t, 'JSON file', EXPORT_JSON(t));
      const doc = JSON.parse(fs.readFileSync(EXPORT_JSON(t), 'utf8'));
      assert.equal(doc.format, 'threadline.thread');
      assert.deepEqual(doc.messages.map((m) => [m.id, m.role]), shown.map((m) => [m.id, m.role]), 'the file holds the messages the panel shows');
      const texts = doc.messages.map((m) => m.content.filter((p) => p.type === 'text').map((p) => p.text).join(''));
      const asked = texts.filter((_, i) => doc.messages[i].role === 'user');
      for (const question of ['Second thread', 'What is in this picture?', 'What do my notes say?']) assert.ok(asked.includes(question), `"${question}" is not in the file`);
      doc.messages.forEach((m, i) => {
        if (m.role === 'assistant') assert.ok(texts[i].startsWith(expectedReply(texts[i - 1])), `reply ${i} is "${texts[i]}"`);
      });
      assert.ok(doc.messages.some((m) => m.content.some((p) => p.type === 'image')), 'the attached image is not in the file');

      await exportThroughDialog(t, 'Markdown file', EXPORT_MARKDOWN(t));
      const markdown = fs.readFileSync(EXPORT_MARKDOWN(t), 'utf8');
      assert.match(markdown, /^# Second thread\n/);
      assert.match(markdown, /## User\n\nWhat do my notes say\?/);
      assert.match(markdown, /\[\^1\]: /, 'the citation is not a footnote');
    },
  },
  {
    name: 'the save dialog asks before replacing an exported file, and cancelling keeps it',
    async run(t) {
      const before = fs.readFileSync(EXPORT_JSON(t));
      await t.runCommand(t.page, 'Threadline: Export Thread');
      await chooseQuickPick(t, 'JSON file');
      await typeSavePath(t, EXPORT_JSON(t));
      await t.page.keyboard.press('Enter');
      const question = t.page.locator('.quick-input-widget .quick-input-title', { hasText: 'already exists' });
      await question.waitFor({ timeout: 10_000 });
      assert.match(await question.innerText(), /exported-thread\.json already exists\. Are you sure you want to overwrite it\?/);
      await t.screenshot('export-overwrite');
      await t.page.keyboard.press('Escape'); // "no": back to the dialog
      await question.waitFor({ state: 'hidden', timeout: 10_000 });
      await t.page.keyboard.press('Escape'); // close the dialog
      await t.page.locator('.quick-input-widget input').waitFor({ state: 'hidden', timeout: 10_000 });
      assert.deepEqual(fs.readFileSync(EXPORT_JSON(t)), before, 'the file was overwritten');
    },
  },
  {
    name: 'Import Thread reads the JSON export back, through the file dialog, as a new thread with the same messages',
    async run(t) {
      const shown = await transcriptOf(t);
      const exportedIds = new Set(JSON.parse(fs.readFileSync(EXPORT_JSON(t), 'utf8')).messages.map((m) => m.id));
      await t.runCommand(t.page, 'Threadline: Import Thread');
      await pickFile(t, EXPORT_JSON(t));
      // The panel opens the new thread: new message ids, the same messages.
      const imported = await poll(async () => {
        const now = await transcriptOf(t);
        return now.length > 0 && now.every((m) => !exportedIds.has(m.id)) ? now : undefined;
      }, 20_000, 'the imported thread did not open');
      assert.deepEqual(imported.map((m) => [m.role, m.text]), shown.map((m) => [m.role, m.text]));
      await expectCount(t.webview().locator('[data-testid=thread-switcher] vscode-option'), 3);
      await t.screenshot('imported-thread');
    },
  },
  {
    name: 'a reply renders markdown: bold, and a highlighted code block whose buttons copy, open and insert the code',
    async run(t) {
      // A thread of its own, so the reply is the echo alone (no notes about earlier attachments).
      await t.webview().locator('[data-testid=new-thread]').click();
      await t.webview().locator('[data-testid=transcript] .message').first().waitFor({ state: 'detached', timeout: 10_000 });
      const code = 'const answer: number = 42;';
      const reply = await sendAndAwaitReply(t, `Here is **bold** text and code:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nThat is all.`);
      assert.equal(await reply.locator('.message-text strong').innerText(), 'bold');
      const block = reply.locator('.message-text .code-block');
      assert.equal(await block.locator('.code-block-language').innerText(), 'ts');
      assert.equal((await block.locator('pre > code.hljs').innerText()).trim(), code);
      const keyword = block.locator('pre > code .hljs-keyword').first();
      assert.equal(await keyword.innerText(), 'const');
      // The theme's colours reach the highlight classes.
      const colour = (locator) => locator.evaluate((el) => getComputedStyle(el).color);
      assert.notEqual(await colour(keyword), await colour(block.locator('pre > code')), 'keywords are not coloured');
      // The transcript is a list, and the end of the reply is announced (once, not every delta).
      assert.equal(await reply.getAttribute('role'), 'listitem');
      await t.webview().locator('[role=list] [data-role=assistant]').first().waitFor();
      await t.webview().locator('[role=status]', { hasText: 'Reply finished.' }).waitFor({ timeout: 5_000 });
      // The buttons are real buttons with names, drawn with the codicon font (allowed by the CSP).
      const buttons = block.locator('button.code-action');
      assert.deepEqual(await buttons.evaluateAll((all) => all.map((b) => b.getAttribute('aria-label'))), [
        'Copy (ts code)', 'Insert at Cursor (ts code)', 'Open in New File (ts code)',
      ]);
      const fontLoaded = await keyword.evaluate(async () => (await document.fonts.load('16px codicon')).some((f) => f.status === 'loaded'));
      assert.ok(fontLoaded, 'the codicon font did not load');
      await t.screenshot('code-block');

      // Copy: the host puts the code on the clipboard and says so.
      await t.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
      await block.locator('[data-testid=code-copy]').click();
      await t.page.locator('.part.statusbar', { hasText: 'copied to the clipboard' }).waitFor({ timeout: 10_000 });
      assert.equal(await t.page.evaluate(() => navigator.clipboard.readText()), code);

      // Open in New File, from the keyboard: Tab goes Copy → Insert → New File, Enter presses it.
      await block.locator('[data-testid=code-copy]').focus();
      const focused = (id) => block.locator(`[data-testid=${id}]`).evaluate((el) => el === document.activeElement);
      await t.page.keyboard.press('Tab');
      assert.ok(await focused('code-insert'), 'Tab did not reach Insert at Cursor');
      await t.page.keyboard.press('Tab');
      assert.ok(await focused('code-newFile'), 'Tab did not reach Open in New File');
      await t.page.keyboard.press('Enter');
      await t.page.locator('.tabs-container .tab.active', { hasText: 'Untitled' }).waitFor({ timeout: 15_000 });
      const editor = t.page.locator('.editor-group-container.active .monaco-editor .view-lines');
      await editor.filter({ hasText: code }).waitFor({ timeout: 15_000 });
      await t.page.locator('[id="status.editor.mode"]', { hasText: 'TypeScript' }).waitFor({ timeout: 10_000 });

      // Insert at Cursor goes into that editor, at its cursor.
      await block.locator('[data-testid=code-insert]').click();
      await poll(async () => {
        const text = (await editor.innerText()).replace(/\u00a0/g, ' ');
        return text.split(code).length - 1 === 2 ? true : undefined;
      }, 15_000, 'Insert at Cursor did not add the code to the editor');
      await t.screenshot('code-inserted');
    },
  },
  {
    name: 'markup and command: links in a reply stay harmless text, while web links stay links',
    async run(t) {
      const hostile = 'Try <img src=x onerror="document.body.dataset.pwned=1"> or [quit](command:workbench.action.quit) or [docs](https://example.com/docs)';
      const reply = await sendAndAwaitReply(t, hostile);
      const body = reply.locator('.message-text');
      assert.equal(await body.locator('img, script, iframe').count(), 0, 'model output became markup');
      const links = body.locator('a');
      assert.deepEqual(await links.evaluateAll((all) => all.map((a) => [a.textContent, a.getAttribute('href')])), [['docs', 'https://example.com/docs']]);
      const shown = await body.innerText();
      assert.ok(shown.includes('<img src=x onerror="document.body.dataset.pwned=1">'), shown);
      assert.ok(shown.includes('[quit](command:workbench.action.quit)'), shown);
      assert.equal(await t.webview().locator('body[data-pwned]').count(), 0);
    },
  },
  {
    name: 'Open in Editor shows the thread in an editor tab that chats on its own; the switcher rows say when, how much and which dialect',
    async run(t) {
      const inPanel = await transcriptOf(t);
      // Two webviews from here on: the side panel's (purpose=webviewView) and the tab's.
      const panel = sidePanelWebview(t);
      await panel.locator('[data-testid=open-in-editor]').click();
      const tab = editorWebview(t);
      await tab.locator('[data-testid=composer]').waitFor({ timeout: 30_000 });
      await poll(async () => {
        const shown = await transcriptOf(t, tab);
        return shown.length === inPanel.length ? true : undefined;
      }, 15_000, 'the tab does not show the thread');
      assert.deepEqual((await transcriptOf(t, tab)).map((m) => m.id), inPanel.map((m) => m.id));
      assert.equal(await tab.locator('[data-testid=open-in-editor]').isVisible(), false, 'a tab offers to open itself in a tab');

      // A message sent in the tab gets its reply there, and the side panel (same thread) sees it too.
      const question = 'Asked in the editor tab';
      const box = tab.locator('[data-testid=composer] textarea');
      await box.click();
      await box.fill(question);
      await tab.locator('[data-testid=send]').click();
      await tab.locator('.message[data-role=assistant][data-status=complete] .message-text', { hasText: expectedReply(question) }).waitFor({ timeout: 30_000 });
      await panel.locator('.message[data-role=assistant][data-status=complete] .message-text', { hasText: expectedReply(question) }).waitFor({ timeout: 30_000 });

      const rows = await tab.locator('[data-testid=thread-switcher] vscode-option').allInnerTexts();
      const row = rows.find((r) => r.includes(question.slice(0, 10))) ?? rows[0];
      assert.match(row, /(just now|\d+ min ago) · \d+ messages · Conversations \+ Responses/, row);
      await t.screenshot('editor-tab');
    },
  },
  {
    name: 'after a reload the editor tab comes back showing its thread',
    async run(t) {
      const before = await transcriptOf(t, editorWebview(t));
      const title = (await t.page.locator('.tabs-container .tab.active .label-name').innerText()).trim();
      // The web workbench writes its layout (the open editors) to IndexedDB when idle, every 5 s;
      // a browser refresh sooner than that loses the tab for anyone, so give it that moment.
      await t.page.waitForTimeout(7_000);
      await t.page.reload();
      await t.waitForWorkbench(t.page);
      await t.page.locator('.tabs-container .tab', { hasText: title }).waitFor({ timeout: 30_000 });
      const tab = editorWebview(t);
      await tab.locator('[data-testid=composer]').waitFor({ timeout: 30_000 });
      const after = await poll(async () => {
        const shown = await transcriptOf(t, tab);
        return shown.length === before.length ? shown : undefined;
      }, 20_000, 'the restored tab does not show its thread');
      assert.deepEqual(after.map((m) => m.id), before.map((m) => m.id));
      await t.screenshot('editor-tab-restored');
    },
  },
];

/** The side panel's webview, told apart from editor tabs' by VS Code's `purpose` parameter. */
const sidePanelWebview = (t) => t.page.frameLocator('iframe.webview.ready[src*="purpose=webviewView"]').frameLocator('#active-frame');
/** The Threadline editor tab's webview (the one webview without a view purpose). */
const editorWebview = (t) => t.page.frameLocator('iframe.webview.ready:not([src*="purpose="])').frameLocator('#active-frame');

/** Where the export tests save; in the workspace folder, so the import's file dialog lists it. */
const EXPORT_JSON = (t) => path.join(t.workspace, 'exported-thread.json');
const EXPORT_MARKDOWN = (t) => path.join(t.workspace, 'exported-thread.md');

/** The open thread as the panel (or `frame`) shows it: each message's id, role and text. */
function transcriptOf(t, frame) {
  return (frame ? frame.locator('[data-testid=transcript] .message') : messages(t)).evaluateAll((nodes) =>
    nodes.map((node) => ({ id: node.getAttribute('data-id'), role: node.getAttribute('data-role'), text: (node.querySelector('.message-text')?.innerText ?? '').trim() })),
  );
}

/** Runs Export Thread, picks the `choice` row, saves to `file` and waits for the file and the toast. */
async function exportThroughDialog(t, choice, file) {
  await t.runCommand(t.page, 'Threadline: Export Thread');
  await chooseQuickPick(t, choice);
  await typeSavePath(t, file);
  await t.page.keyboard.press('Enter');
  await t.page.locator('.quick-input-widget input').waitFor({ state: 'hidden', timeout: 10_000 });
  await t.toast(t.page, `to ${path.basename(file)}`).first().waitFor({ timeout: 15_000 });
  assert.ok(fs.existsSync(file), `${file} was not written`);
}

async function chooseQuickPick(t, label) {
  const row = t.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
}

/**
 * The simple save dialog VS Code shows in the browser: a quick input holding a path, at first
 * the default file in the workspace folder. Waits for that default (so the dialog is done
 * setting it up), then types the whole path of `file` over it.
 */
async function typeSavePath(t, file) {
  const input = t.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  const extension = path.extname(file);
  await t.page.waitForFunction(
    ([folder, ext]) => {
      const value = /** @type {HTMLInputElement | null} */ (document.querySelector('.quick-input-widget input'))?.value ?? '';
      return value.startsWith(folder) && value.endsWith(ext);
    },
    [t.workspace, extension],
    { timeout: 10_000 },
  );
  await input.fill(file);
  await t.page.waitForFunction((f) => /** @type {HTMLInputElement | null} */ (document.querySelector('.quick-input-widget input'))?.value === f, file, { timeout: 5_000 });
}

/** Polls `check` until it returns something other than undefined. */
async function poll(check, timeoutMs, message) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(message);
    await new Promise((r) => setTimeout(r, 200));
  }
}

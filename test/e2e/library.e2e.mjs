// End-to-end: the thread library and the keys, as a user reaches them. The palette offers the
// commands about a thread only when there is one; the keybindings focus the panel, start a thread,
// send and stop (and Escape that only closes Find leaves the reply alone); the panel's search finds
// a message in another thread and jumps to it; the thread bar's context menu renames, pins,
// archives and deletes; Ask About This File leaves the cursor in the composer.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { controlUrl, expectCount, messages, panelReadyWithKey, pickFile, send, sendAndAwaitReply } from './support.mjs';

/** Where the keyboard focus is in the panel: whether its frame has it, and the test id (or tag) of the element. */
const panelFocus = (t) =>
  t.webview().locator('body').evaluate(() => ({ frame: document.hasFocus(), active: document.activeElement?.closest('[data-testid]')?.getAttribute('data-testid') ?? document.activeElement?.tagName }));

const composerHasFocus = async (t) => {
  const where = await panelFocus(t);
  return where.frame && where.active === 'composer';
};

/** Waits until the composer has the keyboard focus. */
const expectComposerFocus = (t) => waitUntil(() => composerHasFocus(t), 'the composer has the focus', 10_000, async () => `(focus: ${JSON.stringify(await panelFocus(t))})`);

/** Polls `check` until it holds; `explain` says what was found instead. */
async function waitUntil(check, what, timeoutMs = 10_000, explain = async () => '') {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what} ${await explain()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether the Command Palette lists `title` for that exact text. */
async function paletteOffers(t, title) {
  const input = t.page.locator('.quick-input-widget input');
  await t.page.keyboard.press('F1');
  await input.waitFor({ state: 'visible', timeout: 5_000 });
  await input.fill(`>${title}`);
  // The palette filters what it loaded when it opened; give the list a moment to draw.
  await new Promise((r) => setTimeout(r, 1_000));
  const count = await t.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).count();
  await t.page.keyboard.press('Escape');
  await input.waitFor({ state: 'hidden', timeout: 5_000 });
  return count > 0;
}

const stall = (t, ms) =>
  fetch(controlUrl(t, 'faults'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: '/v1/responses', stallMs: ms, times: 1 }) });

const switcherOptions = (t) => t.webview().locator('[data-testid=thread-switcher] vscode-option');
/** The switcher's rows that are threads (with none, it offers "No thread yet"). */
const threadOptions = (t) => switcherOptions(t).filter({ hasNotText: 'No thread yet' });
const stopButton = (t) => t.webview().locator('[data-testid=stop]');

/**
 * Right-clicks the thread bar, picks `label` from the workbench's context menu and waits until
 * `done` holds. A menu that has only just opened may let a click through without acting (it
 * guards against the right-click's own mouse-up): while it stays open, the item is clicked again.
 */
async function threadMenu(t, label, done, what) {
  await t.webview().locator('.thread-filters').click({ button: 'right', position: { x: 2, y: 2 } });
  const menu = t.page.locator('.monaco-menu');
  const item = menu.locator('.action-item', { hasText: label }).first();
  await item.waitFor({ state: 'visible', timeout: 10_000 });
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await menu.isVisible()) await item.click();
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline) {
      if (await done()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  assert.fail(`"${label}" from the thread bar's menu: timed out waiting until ${what}`);
}

export const tests = [
  panelReadyWithKey,
  {
    name: 'with no thread yet, the palette offers no Rename, Delete, Export or Stop',
    async run(t) {
      assert.equal(await threadOptions(t).count(), 0, 'this run starts with no thread');
      for (const title of ['Threadline: Rename Thread', 'Threadline: Delete Thread', 'Threadline: Export Thread', 'Threadline: Stop Reply']) {
        assert.equal(await paletteOffers(t, title), false, `${title} is offered with no thread`);
      }
    },
  },
  {
    name: 'Ctrl+Shift+Alt+T focuses the panel with the cursor in the composer, from another view',
    async run(t) {
      await t.runCommand(t.page, 'View: Show Explorer');
      await t.page.locator('.explorer-folders-view').waitFor({ state: 'visible', timeout: 10_000 });
      await t.page.keyboard.press('Control+Shift+Alt+T');
      await t.webview().locator('[data-testid=composer]').waitFor({ timeout: 20_000 });
      await expectComposerFocus(t);
    },
  },
  {
    name: 'Ctrl+Alt+N in the panel starts a thread, and the palette then offers Rename Thread',
    async run(t) {
      await t.page.keyboard.press('Control+Alt+N');
      await expectCount(threadOptions(t), 1, 15_000);
      // The list can arrive a moment before the panel switches to the new thread: then "No thread
      // yet" is still there, until the thread is shown.
      await expectCount(switcherOptions(t), 1, 15_000);
      assert.equal(await paletteOffers(t, 'Threadline: Rename Thread'), true);
    },
  },
  {
    name: 'Ctrl+Enter sends the composer\'s text while the focus is elsewhere in the panel',
    async run(t) {
      const box = t.webview().locator('[data-testid=composer] textarea');
      await box.click();
      await box.fill('sent with the keyboard shortcut');
      // Focus leaves the composer (whose own Enter sends) for the panel's body.
      await t.webview().locator('.footer').click();
      assert.equal(await composerHasFocus(t), false);
      await t.page.keyboard.press('Control+Enter');
      await messages(t, 'user').filter({ hasText: 'sent with the keyboard shortcut' }).waitFor({ timeout: 15_000 });
      await messages(t, 'assistant').last().and(t.webview().locator('[data-status=complete]')).waitFor({ timeout: 30_000 });
      assert.equal(await box.inputValue(), '');
    },
  },
  {
    name: 'Ctrl+Enter in the composer sends once, its attachment with it',
    async run(t) {
      const users = await messages(t, 'user').count();
      await t.webview().locator('[data-testid=attach-file]').click();
      await pickFile(t, path.join(t.workspace, 'notes.md'));
      await t.webview().locator('[data-testid=pending] .chip', { hasText: 'notes.md' }).waitFor({ timeout: 20_000 });
      const box = t.webview().locator('[data-testid=composer] textarea');
      await box.click();
      await box.fill('with a file, by keyboard');
      await t.page.keyboard.press('Control+Enter');
      await messages(t, 'user').filter({ hasText: 'with a file, by keyboard' }).waitFor({ timeout: 15_000 });
      await messages(t, 'assistant').last().and(t.webview().locator('[data-status=complete]')).waitFor({ timeout: 30_000 });
      // The workbench's own Ctrl+Enter (Send Message) must not send a second, empty message.
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(await messages(t, 'user').count(), users + 1);
      assert.equal(await t.webview().locator('[data-testid=notice]', { hasText: 'Type a message' }).count(), 0, 'a second send was refused');
    },
  },
  {
    name: 'Escape that closes Find leaves a streaming reply alone; Escape with Find closed stops it',
    async run(t) {
      await stall(t, 6_000);
      const before = await messages(t, 'assistant').count();
      await send(t, 'A slow one, please');
      await stopButton(t).waitFor({ state: 'visible', timeout: 15_000 });
      await t.page.keyboard.press('Control+f');
      const find = t.webview().locator('[data-testid=find]');
      await find.locator('input').waitFor({ state: 'visible', timeout: 5_000 });
      await t.page.keyboard.press('Escape');
      await find.waitFor({ state: 'hidden', timeout: 5_000 });
      // The reply goes on to the end instead of being stopped.
      const reply = messages(t, 'assistant').nth(before);
      await reply.and(t.webview().locator('[data-status=complete]')).waitFor({ timeout: 30_000 });

      await stall(t, 15_000);
      await send(t, 'Another slow one');
      await stopButton(t).waitFor({ state: 'visible', timeout: 15_000 });
      await expectComposerFocus(t);
      await t.page.keyboard.press('Escape');
      await messages(t, 'assistant').nth(before + 1).and(t.webview().locator('[data-status=cancelled]')).waitFor({ timeout: 15_000 });
      await stopButton(t).waitFor({ state: 'hidden', timeout: 5_000 });
    },
  },
  {
    name: 'Search in the panel lists hits across threads with title and text, and picking one opens the thread at the message',
    async run(t) {
      await sendAndAwaitReply(t, 'where do walruses sleep');
      await t.webview().locator('[data-testid=new-thread]').click();
      await expectCount(messages(t), 0, 15_000);
      await sendAndAwaitReply(t, 'something unrelated');

      await t.webview().locator('[data-testid=search-button]').click();
      const input = t.webview().locator('[data-testid=search] input');
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      await input.fill('walruses');
      const hits = t.webview().locator('[data-testid=search-hit]');
      await hits.first().waitFor({ timeout: 15_000 });
      const rows = await hits.allInnerTexts();
      assert.ok(rows.length >= 2, `hits: ${JSON.stringify(rows)}`);
      // Each row: the thread's title (auto-titled from its first message), then the matched text.
      for (const row of rows) assert.match(row, /^sent with the keyboard shortcut\s+.*walruses sleep/s);
      const reply = hits.filter({ hasText: 'Echo: where do walruses sleep' });
      await reply.click();
      await t.webview().locator('[data-testid=search]').waitFor({ state: 'hidden', timeout: 5_000 });
      const revealed = t.webview().locator('[data-testid=transcript] .message.message-revealed');
      await revealed.waitFor({ timeout: 15_000 });
      assert.match(await revealed.innerText(), /walruses sleep/);
      assert.equal(await messages(t).filter({ hasText: 'something unrelated' }).count(), 0, 'the panel still shows the other thread');
    },
  },
  {
    name: 'the thread bar\'s context menu renames, pins, archives and deletes the shown thread',
    async run(t) {
      const inputBox = t.page.locator('.quick-input-widget input');
      await threadMenu(t, 'Rename Thread', () => inputBox.isVisible(), 'the rename box opens');
      await t.answerInputBox(t.page, 'Walrus notes');
      const row = switcherOptions(t).filter({ hasText: 'Walrus notes' });
      await row.waitFor({ state: 'attached', timeout: 10_000 });

      const label = async () => (await row.getAttribute('aria-label')) ?? (await row.innerText());
      await threadMenu(t, 'Pin / Unpin Thread', async () => (await label()).startsWith('Pinned:'), 'the thread shows as pinned');
      assert.match(await switcherOptions(t).first().innerText(), /Walrus notes/, 'a pinned thread is listed first');

      await threadMenu(t, 'Archive / Unarchive Thread', async () => (await label()).includes('(archived)'), 'the thread shows as archived');
      await threadMenu(t, 'Archive / Unarchive Thread', async () => !(await label()).includes('(archived)'), 'the thread is unarchived');

      const threads = await threadOptions(t).count();
      const dialog = t.page.locator('.monaco-dialog-box');
      await threadMenu(t, 'Delete Thread', () => dialog.isVisible(), 'Delete asks first');
      assert.match(await dialog.innerText(), /Walrus notes/);
      await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
      await waitUntil(async () => (await row.count()) === 0, 'the thread is gone from the switcher');
      assert.equal(await threadOptions(t).count(), threads - 1);
    },
  },
  {
    name: 'Ask About This File from an editor attaches the file and leaves the cursor in the composer',
    async run(t) {
      fs.writeFileSync(path.join(t.workspace, 'notes.md'), '# Notes\nAsk me.\n');
      await t.page.keyboard.press('Control+P');
      const input = t.page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill('notes.md');
      await t.page.locator('.quick-input-list .monaco-list-row', { hasText: 'notes.md' }).first().waitFor({ timeout: 15_000 });
      await t.page.keyboard.press('Enter');
      await t.page.locator('.monaco-editor .view-lines', { hasText: 'Ask me.' }).waitFor({ timeout: 15_000 });
      await t.runCommand(t.page, 'Threadline: Ask About This File');
      await t.webview().locator('[data-testid=pending] .chip-name', { hasText: 'notes.md' }).waitFor({ timeout: 20_000 });
      await expectComposerFocus(t);
      await t.page.keyboard.type('What is in it?');
      assert.equal(await t.webview().locator('[data-testid=composer] textarea').inputValue(), 'What is in it?');
    },
  },
];

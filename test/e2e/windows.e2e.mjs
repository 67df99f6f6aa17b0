// End-to-end: two windows on one machine share the thread library, and what one does shows in the
// other's open panel without a reload. Window B is a second page on the same code-server and
// folder (its own extension host; the same globalStorageUri), as a second desktop window is: a new
// thread and its messages, a reply sent later, a rename and a delete in window A all show in B.
import assert from 'node:assert/strict';
import { expectCount, expectedReply, messages, openChatView, panelReadyWithKey, sendAndAwaitReply } from './support.mjs';

const FIRST = 'Hello from window A';
const SECOND = 'And a second one from window A';
const RENAMED = 'Planned in two windows';

const switcherOptions = (w) => w.webview().locator('[data-testid=thread-switcher] vscode-option');
/** The switcher's rows that are threads (with none, it offers "No thread yet"). */
const threadOptions = (w) => switcherOptions(w).filter({ hasNotText: 'No thread yet' });
const replyText = (w, n) => messages(w, 'assistant').nth(n).locator('.message-text');

/** Polls `check` until it holds. */
async function waitUntil(check, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Window B, opened by the second step; closed with the file's run. */
let b;

/**
 * Brings window `w` to the front before acting in it, as a user does. A page behind the other is
 * a background tab (its animation frames wait, and with them Playwright's clicks). What B shows is
 * checked while A is in front: B learns of A's changes without being focused.
 */
const front = (w) => w.page.bringToFront();

export const tests = [
  panelReadyWithKey,
  {
    name: 'a second window on the same folder opens its panel, knowing the key set in the first',
    async run(t) {
      b = await t.openWindow();
      await openChatView(b);
      // code-server keeps secrets in the browser, which both windows share: B asks for no key.
      await b.webview().locator('[data-testid=notice]').waitFor({ state: 'hidden', timeout: 15_000 });
      assert.equal(await threadOptions(b).count(), 0, 'this run starts with no thread');
    },
  },
  {
    name: 'a thread started and answered in window A appears in window B\'s switcher, and B shows both messages',
    async run(t) {
      await front(t);
      await t.webview().locator('[data-testid=new-thread]').click();
      const reply = await sendAndAwaitReply(t, FIRST);
      assert.equal((await reply.locator('.message-text').innerText()).trim(), expectedReply(FIRST));
      await t.screenshot('windows-a-first-reply');

      // B's panel is open on no thread; the new one is listed within about a second.
      const row = threadOptions(b).filter({ hasText: FIRST });
      await row.waitFor({ state: 'attached', timeout: 10_000 });
      await front(b);
      const switcher = b.webview().locator('[data-testid=thread-switcher]');
      await switcher.click();
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      await b.screenshot('windows-b-thread-listed');
      await row.click();
      await b.webview().locator('[data-testid=transcript] .message[data-role=user]', { hasText: FIRST }).waitFor({ timeout: 10_000 });
      await replyText(b, 0).filter({ hasText: expectedReply(FIRST) }).waitFor({ timeout: 10_000 });
      await expectCount(messages(b), 2);
      await b.screenshot('windows-b-thread-shown');
    },
  },
  {
    name: 'a second message sent in window A shows with its reply in window B\'s open panel',
    async run(t) {
      await front(t);
      await sendAndAwaitReply(t, SECOND);
      await b.webview().locator('[data-testid=transcript] .message[data-role=user]', { hasText: SECOND }).waitFor({ timeout: 10_000 });
      await replyText(b, 1).filter({ hasText: expectedReply(SECOND) }).waitFor({ timeout: 10_000 });
      await expectCount(messages(b), 4);
      assert.equal(await messages(b, 'assistant').nth(1).getAttribute('data-status'), 'complete');
      await b.screenshot('windows-b-second-reply');
    },
  },
  {
    name: 'Rename Thread in window A shows the new title in window B\'s switcher',
    async run(t) {
      await front(t);
      await t.runCommand(t.page, 'Threadline: Rename Thread');
      await t.answerInputBox(t.page, RENAMED);
      await switcherOptions(t).filter({ hasText: RENAMED }).waitFor({ state: 'attached', timeout: 10_000 });
      await switcherOptions(b).filter({ hasText: RENAMED }).waitFor({ state: 'attached', timeout: 10_000 });
      await expectCount(threadOptions(b), 1);
      await front(b);
      const switcher = b.webview().locator('[data-testid=thread-switcher]');
      await switcher.click();
      await switcherOptions(b).filter({ hasText: RENAMED }).waitFor({ state: 'visible', timeout: 5_000 });
      await b.screenshot('windows-b-renamed');
      await b.page.keyboard.press('Escape');
    },
  },
  {
    name: 'Delete Thread in window A (confirmed, not undone) drops the thread from window B\'s panel',
    async run(t) {
      await front(t);
      await t.runCommand(t.page, 'Threadline: Delete Thread');
      const dialog = t.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 10_000 });
      assert.match(await dialog.innerText(), new RegExp(RENAMED));
      await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
      // A offers Undo; it is left alone, so the thread stays deleted.
      const undo = t.toast(t.page, `deleted "${RENAMED}"`);
      await undo.waitFor({ timeout: 10_000 });
      await t.screenshot('windows-a-deleted-undo');

      await waitUntil(async () => (await threadOptions(b).count()) === 0, 'the thread is gone from window B\'s switcher');
      await switcherOptions(b).filter({ hasText: 'No thread yet' }).waitFor({ state: 'attached', timeout: 10_000 });
      await expectCount(messages(b), 0);
      await b.screenshot('windows-b-deleted');
    },
  },
];

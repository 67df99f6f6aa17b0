// Screenshots of what looking after the library added to the UI, in the Light, Dark and High
// Contrast themes at side-bar widths of 220, 300 and 480 px (test-output/library-<what>-<theme>-<width>.png):
// - the panel's thread switcher opened, listing Chat Completions threads ("this machine only")
//   and a Conversations + Responses one;
// - the "deleted … Undo" notification after Delete Thread;
// - the Recently Deleted Quick Pick (a local thread, and a server thread whose server copy went);
// - the "library is read-only" error with Retry / Open Storage Folder / Check Library, and the
//   panel's "Not saved" notice, provoked with a read-only bind mount of the library's folder
//   (needs root and mount; skipped otherwise).
// Themes and widths: see looks.mjs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expectCount, messages, panelReadyWithKey, sendAndAwaitReply, send } from '../e2e/support.mjs';
import { everyLook } from './looks.mjs';

const RESPONSES = 'Plan the release notes';
const OLD = 'An old experiment';
const CHAT = 'Refactor the date helpers';
const DRAFT = 'A draft to delete';

const switcher = (t) => t.webview().locator('[data-testid=thread-switcher]');

async function clearNotifications(t) {
  await t.runCommand(t.page, 'Notifications: Clear All Notifications');
  await t.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {});
}

async function deleteShownThread(t, title) {
  await t.runCommand(t.page, 'Threadline: Delete Thread');
  const dialog = t.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 10_000 });
  assert.match(await dialog.innerText(), new RegExp(title));
  await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
  await settled(t.toast(t.page, `deleted "${title}"`));
}

/** Waits until a notification toast has slid in. */
async function settled(toast) {
  await toast.and(toast.page().locator('.notification-fade-in-done')).waitFor({ timeout: 15_000 });
}

const threadsDir = (t) => path.join(t.runDir, 'data', 'User', 'globalStorage', 'threadline.threadline', 'threads');

export const tests = [
  panelReadyWithKey,
  {
    name: 'a library with a Responses thread, two Chat Completions threads, and a server thread in Recently Deleted',
    timeoutMs: 120_000,
    async run(t) {
      for (const text of [RESPONSES, OLD]) {
        await t.webview().locator('[data-testid=new-thread]').click();
        await expectCount(messages(t), 0, 15_000);
        await sendAndAwaitReply(t, text);
      }
      await deleteShownThread(t, OLD);
      await clearNotifications(t);
      // Choose Backend switches the shown thread to Chat Completions (the footer says so once it
      // has), and new threads from then on.
      await t.webview().locator('[data-testid=new-thread]').click();
      await expectCount(messages(t), 0, 15_000);
      await sendAndAwaitReply(t, CHAT);
      await t.runCommand(t.page, 'Threadline: Choose Backend');
      await t.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Chat Completions' }).click();
      await t.webview().locator('.footer', { hasText: 'Chat Completions' }).waitFor({ timeout: 15_000 });
      await t.webview().locator('[data-testid=new-thread]').click();
      await expectCount(messages(t), 0, 15_000);
      await sendAndAwaitReply(t, DRAFT);
      await t.webview().locator('.footer', { hasText: 'Chat Completions' }).waitFor({ timeout: 15_000 });
      await expectCount(switcher(t).locator('vscode-option'), 3);
      const rows = await switcher(t).locator('vscode-option').allInnerTexts();
      assert.equal(rows.filter((r) => r.includes('this machine only')).length, 2, `two Chat Completions threads: ${JSON.stringify(rows)}`);
      t.log(`switcher rows (their hover text): ${JSON.stringify(await switcher(t).locator('vscode-option').evaluateAll((rows) => rows.map((r) => r.getAttribute('title'))))}`);
    },
  },
  {
    name: 'the switcher opened, Delete\'s Undo notification and Recently Deleted, in every theme and width',
    timeoutMs: 600_000,
    async run(t) {
      await everyLook(t, async (look) => {
        await switcher(t).click();
        await switcher(t).locator('vscode-option', { hasText: RESPONSES }).waitFor({ state: 'visible', timeout: 5_000 });
        await t.screenshot(`library-switcher-${look}`);
        await t.page.keyboard.press('Escape');

        await deleteShownThread(t, DRAFT);
        await t.screenshot(`library-undo-${look}`);

        await t.runCommand(t.page, 'Threadline: Recently Deleted Threads…');
        const row = t.page.locator('.quick-input-list .monaco-list-row', { hasText: DRAFT });
        await row.waitFor({ timeout: 10_000 });
        await t.page.locator('.quick-input-list .monaco-list-row', { hasText: OLD }).waitFor({ timeout: 10_000 });
        await t.page.waitForTimeout(300);
        await t.screenshot(`library-recently-deleted-${look}`);
        await row.click();
        await messages(t, 'user').filter({ hasText: DRAFT }).waitFor({ timeout: 15_000 });
        await clearNotifications(t);
      });
    },
  },
  {
    name: 'the read-only library\'s error notification and the panel\'s notice, in every theme and width',
    timeoutMs: 600_000,
    async run(t) {
      const dir = threadsDir(t);
      if (spawnSync('mount', ['--bind', dir, dir]).status !== 0) {
        t.log('skipped: cannot bind-mount the library folder (needs root and mount)');
        return;
      }
      try {
        const remount = spawnSync('mount', ['-o', 'remount,bind,ro', dir], { encoding: 'utf8' });
        assert.equal(remount.status, 0, remount.stderr);
        await send(t, 'Written while read-only');
        const error = t.toast(t.page, 'nothing new is saved');
        await settled(error);
        await t.webview().locator('[data-testid=notice]', { hasText: 'Not saved' }).waitFor({ timeout: 15_000 });
        await everyLook(t, async (look) => {
          await error.waitFor({ timeout: 5_000 });
          await t.screenshot(`library-read-only-${look}`);
        });
      } finally {
        spawnSync('umount', [dir]);
      }
      await t.toast(t.page, 'nothing new is saved').locator('.monaco-button', { hasText: 'Retry' }).click();
      await t.toast(t.page, 'takes changes again').waitFor({ timeout: 15_000 });
    },
  },
];

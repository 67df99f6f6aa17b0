// Screenshots of what looking after the library added to the UI, in the Light, Dark and High
// Contrast themes at side-bar widths of 220, 300 and 480 px (test-output/library-<what>-<theme>-<width>.png):
// - the panel's thread switcher opened, listing Chat Completions threads ("this machine only")
//   and a Conversations + Responses one;
// - the "deleted … Undo" notification after Delete Thread;
// - the Recently Deleted Quick Pick (a local thread, and a server thread whose server copy went);
// - the "library is read-only" error with Retry / Open Storage Folder / Check Library, and the
//   panel's "Not saved" notice, provoked with a read-only bind mount of the library's folder
//   (needs root and mount; skipped otherwise).
// The theme is picked with Preferences: Color Theme; the side bar is sized by dragging its sash. Narrow to some with SCREENS_THEMES=light,dark SCREENS_WIDTHS=220.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expectCount, messages, panelReadyWithKey, sendAndAwaitReply, send } from '../e2e/support.mjs';

const THEMES = [
  { name: 'light', label: 'Light Modern', workbench: 'vs', body: 'vscode-light' },
  { name: 'dark', label: 'Dark Modern', workbench: 'vs-dark', body: 'vscode-dark' },
  { name: 'hc', label: 'Dark High Contrast', workbench: 'hc-black', body: 'vscode-high-contrast' },
].filter((th) => !process.env.SCREENS_THEMES || process.env.SCREENS_THEMES.split(',').includes(th.name));
const WIDTHS = (process.env.SCREENS_WIDTHS ?? '220,300,480').split(',').map(Number);

const RESPONSES = 'Plan the release notes';
const OLD = 'An old experiment';
const CHAT = 'Refactor the date helpers';
const DRAFT = 'A draft to delete';

/** Preferences: Color Theme, as a user picks one. */
async function setTheme(t, theme) {
  await t.runCommand(t.page, 'Preferences: Color Theme');
  const input = t.page.locator('.quick-input-widget input');
  await input.fill(theme.label);
  await t.page.locator('.quick-input-list .monaco-list-row', { hasText: new RegExp(`^${theme.label}`) }).first().click();
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
  await t.page.locator(`.monaco-workbench.${theme.workbench}`).waitFor({ state: 'attached', timeout: 15_000 });
  await t.webview().locator(`body.${theme.body}`).waitFor({ state: 'attached', timeout: 15_000 });
}

/** Drags the side bar's sash until the side bar is `width` px wide. */
async function setSideBarWidth(t, width) {
  const bar = t.page.locator('.part.sidebar').first();
  for (let attempt = 0; attempt < 4; attempt++) {
    const box = await bar.boundingBox();
    assert.ok(box, 'no side bar');
    if (Math.abs(box.width - width) <= 1) return;
    const sash = await t.page.evaluate((right) => {
      const hit = [...document.querySelectorAll('.monaco-sash.vertical')]
        .map((s) => s.getBoundingClientRect())
        .find((r) => Math.abs(r.left + r.width / 2 - right) <= 4 && r.height > 200);
      return hit && { x: hit.left + hit.width / 2, y: hit.top + hit.height / 2 };
    }, box.x + box.width);
    assert.ok(sash, 'no sash at the side bar\'s edge');
    await t.page.mouse.move(sash.x, sash.y);
    await t.page.mouse.down();
    await t.page.mouse.move(sash.x + (width - box.width) / 2, sash.y, { steps: 3 });
    await t.page.mouse.move(sash.x + (width - box.width), sash.y, { steps: 3 });
    await t.page.mouse.up();
    // Off the sash, which stays highlighted while the pointer is on it.
    await t.page.mouse.move(sash.x + (width - box.width) + 300, sash.y + 200);
    await t.page.waitForTimeout(200);
  }
  assert.fail(`the side bar is ${(await bar.boundingBox())?.width} px wide, not ${width}`);
}

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

/** Every theme and width, in turn: `shoot(suffix)` takes the shots for one. */
async function everyLook(t, shoot) {
  for (const theme of THEMES) {
    await setTheme(t, theme);
    for (const width of WIDTHS) {
      await setSideBarWidth(t, width);
      await shoot(`${theme.name}-${width}`);
    }
  }
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

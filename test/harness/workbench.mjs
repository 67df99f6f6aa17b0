// Helpers for driving the VS Code workbench (code-server in Chromium) with playwright-core.
// Used by the e2e tests under test/e2e; selectors are the workbench's own (VS Code 1.139).

/** Wait until the workbench has drawn itself and the extension host had a moment to start. */
export async function waitForWorkbench(page, { timeout = 60_000 } = {}) {
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout });
}

/**
 * F1, type the command's title, pick it. `title` is e.g. "Threadline: Set API Key". The palette
 * does not refresh its list while open, and an extension's commands appear a moment after the
 * workbench does: so the query is typed again until the command shows up.
 */
export async function runCommand(page, title, { timeout = 20_000 } = {}) {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  const deadline = Date.now() + timeout;
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 5_000 });
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: 2_000 });
      break;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`command "${title}" is not in the Command Palette`, { cause: e });
      await page.keyboard.press('Escape');
    }
  }
  await row.click();
  // The palette closes, or turns into the command's own quick input (showInputBox, showQuickPick).
  await page.waitForFunction(() => {
    const i = document.querySelector('.quick-input-widget input');
    if (!(i instanceof HTMLInputElement)) return true;
    return !i.checkVisibility() || !i.value.startsWith('>');
  }, undefined, { timeout: 10_000 });
}

/** The quick input shown by showInputBox: fill it and accept. */
export async function answerInputBox(page, text, { timeout = 20_000 } = {}) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(text);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout });
}

/** A notification toast containing `text`. */
export function toast(page, text) {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text });
}

/**
 * The HTML of the (visible) webview: the outer <iframe class="webview ready"> is VS Code's host
 * page, the inner #active-frame the extension's document.
 */
export function webview(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

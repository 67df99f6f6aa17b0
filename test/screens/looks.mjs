// The looks every screenshot file shoots in: the Light, Dark and High Contrast themes at side-bar
// widths of 220, 300 and 480 px. The theme is picked with Preferences: Color Theme; the side bar
// is sized by dragging its sash. Narrow to some with SCREENS_THEMES=light,dark SCREENS_WIDTHS=220.
import assert from 'node:assert/strict';

const THEMES = [
  { name: 'light', label: 'Light Modern', workbench: 'vs', body: 'vscode-light' },
  { name: 'dark', label: 'Dark Modern', workbench: 'vs-dark', body: 'vscode-dark' },
  { name: 'hc', label: 'Dark High Contrast', workbench: 'hc-black', body: 'vscode-high-contrast' },
].filter((th) => !process.env.SCREENS_THEMES || process.env.SCREENS_THEMES.split(',').includes(th.name));
const WIDTHS = (process.env.SCREENS_WIDTHS ?? '220,300,480').split(',').map(Number);

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

/** Every theme and width, in turn: `shoot(suffix)` takes the shots for one. */
export async function everyLook(t, shoot) {
  for (const theme of THEMES) {
    await setTheme(t, theme);
    for (const width of WIDTHS) {
      await setSideBarWidth(t, width);
      await shoot(`${theme.name}-${width}`);
    }
  }
}

// End-to-end: the panel with the keyboard only, in VS Code's high-contrast theme. Tab reaches
// every control of the thread bar, the notice and the composer in reading order, each with a
// name and a visible focus; focus stays in the composer after sending and comes back after Find
// closes; an error notice is an alert; focus outlines and borders are the theme's colours.
import assert from 'node:assert/strict';
import { messages, openChatView, sendAndAwaitReply, setApiKey } from './support.mjs';

/** Every test of this file runs in VS Code's high-contrast (dark) theme. */
export const settings = { 'workbench.colorTheme': 'Default High Contrast' };

/**
 * What has focus in the panel, looked up through the toolkit's shadow roots: the control's
 * test id, its accessible name (aria-label, else its text, else its title), whether a focus
 * indicator in the theme's focus colour is drawn (an outline, or the toolkit's border), and the
 * colours involved. `null` when focus is outside the panel.
 */
function focusedControl() {
  const colorOf = (value) => {
    const probe = document.createElement('div');
    probe.style.color = value;
    document.body.append(probe);
    const color = getComputedStyle(probe).color;
    probe.remove();
    return color;
  };
  const transparent = (c) => c === 'transparent' || /rgba\(.*,\s*0\)$/.test(c);
  const focusColor = colorOf('var(--vscode-focusBorder)');
  let deep = document.activeElement;
  while (deep?.shadowRoot?.activeElement) deep = deep.shadowRoot.activeElement;
  if (!deep || deep === document.body || deep === document.documentElement) return null;
  const root = deep.getRootNode();
  const host = root instanceof ShadowRoot ? root.host : deep;
  const name = (node) =>
    node.getAttribute('aria-label')?.trim() ||
    (node.getAttribute('aria-labelledby') ? document.getElementById(node.getAttribute('aria-labelledby'))?.textContent?.trim() : '') ||
    (node instanceof HTMLInputElement || node instanceof HTMLTextAreaElement ? '' : node.textContent?.trim()) ||
    node.getAttribute('title')?.trim() ||
    '';
  const candidates = [deep, host, host.shadowRoot?.querySelector('.control')].filter(Boolean);
  const indicators = candidates.map((node) => {
    const style = getComputedStyle(node);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 && !transparent(style.outlineColor) ? style.outlineColor : undefined;
    const border = style.borderTopColor === focusColor && parseFloat(style.borderTopWidth) > 0 ? style.borderTopColor : undefined;
    return outline ?? border;
  });
  return {
    testId: host.closest('[data-testid]')?.getAttribute('data-testid') ?? deep.closest('[data-testid]')?.getAttribute('data-testid') ?? null,
    tag: `${host.tagName.toLowerCase()}${host === deep ? '' : `>${deep.tagName.toLowerCase()}`}`,
    className: host.className,
    name: name(deep) || name(host),
    focusColor,
    indicator: indicators.find(Boolean) ?? null,
  };
}

const focused = (t) => t.webview().locator('body').evaluate(focusedControl);

/** Presses Tab until focus leaves the panel (or `max` presses); the controls reached, in order. */
async function tabThrough(t, max = 60) {
  const reached = [];
  for (let i = 0; i < max; i++) {
    await t.page.keyboard.press('Tab');
    const control = await focused(t);
    if (!control) break;
    reached.push(control);
  }
  return reached;
}

/**
 * Puts the focus on `testId` the way a keyboard user gets there: a click into the message box,
 * then Shift+Tab back to it (so the control shows its keyboard focus ring).
 */
async function focusByKeyboard(t, testId, max = 40) {
  await t.webview().locator('[data-testid=composer] textarea').click();
  let control = await focused(t);
  for (let i = 0; i < max && control?.testId !== testId; i++) {
    await t.page.keyboard.press('Shift+Tab');
    control = await focused(t);
  }
  assert.equal(control?.testId, testId, `${testId} is not reachable with Shift+Tab from the composer; focus is on ${JSON.stringify(control)}`);
  return control;
}

/** True when `sequence` holds `expected` in this order (other controls may come between). */
function inOrder(sequence, expected) {
  let at = 0;
  for (const id of sequence) if (id === expected[at]) at++;
  return at === expected.length;
}

export const tests = [
  {
    name: 'the panel opens in the high-contrast theme; the missing key is a polite status, not an alert',
    async run(t) {
      await openChatView(t);
      assert.ok(await t.webview().locator('body.vscode-high-contrast').count(), 'the webview is not in the high-contrast theme');
      const notice = t.webview().locator('[data-testid=notice]');
      await notice.waitFor({ state: 'visible', timeout: 15_000 });
      assert.equal(await notice.getAttribute('role'), 'status');
      await t.screenshot('a11y-high-contrast-no-key');
    },
  },
  {
    name: 'Tab reaches Set API Key in the notice, named, with a visible focus',
    async run(t) {
      // The notice sits just above the composer.
      const control = await focusByKeyboard(t, 'set-key', 3);
      assert.match(control.name, /Set API Key/);
      assert.ok(control.indicator, `no visible focus on Set API Key: ${JSON.stringify(control)}`);
    },
  },
  {
    name: 'a message sent with the keyboard keeps the focus in the composer',
    async run(t) {
      await setApiKey(t);
      await t.webview().locator('[data-testid=composer] textarea').click();
      await t.page.keyboard.type('Checking the keyboard path');
      await t.page.keyboard.press('Enter');
      await messages(t, 'assistant').last().and(t.webview().locator('[data-status=complete]')).waitFor({ timeout: 30_000 });
      assert.equal((await focused(t))?.testId, 'composer', 'focus left the composer after Enter');
      // Clicking Send leaves the focus in the box too.
      await sendAndAwaitReply(t, 'And once more with the Send button');
      assert.equal((await focused(t))?.testId, 'composer', 'focus left the composer after clicking Send');
    },
  },
  {
    name: 'Tab goes through the thread bar, the filters and the composer in order, each control named with a visible focus',
    async run(t) {
      // Start at the first control, reached by the keyboard (so that it shows its focus ring).
      const first = await focusByKeyboard(t, 'thread-switcher');
      const reached = [first, ...(await tabThrough(t))];
      const ids = reached.map((c) => c.testId);
      t.log(`tab order: ${reached.map((c) => `${c.testId ?? c.tag}="${c.name}"`).join(', ')}`);
      const expected = ['thread-switcher', 'search-button', 'find-button', 'new-thread', 'show-archived', 'all-workspaces', 'open-in-editor', 'composer', 'attach-file', 'attach-image', 'run-limits', 'send'];
      assert.ok(inOrder(ids, expected), `expected ${expected.join(' → ')} in this order, got ${ids.join(' → ')}`);
      // The toolkit's stand-in name for an unlabelled box ("Text area") does not count.
      const unnamed = reached.filter((c) => !c.name || c.name === 'Text area');
      assert.deepEqual(unnamed, [], 'controls without an accessible name');
      assert.equal(reached.find((c) => c.testId === 'composer')?.name, 'Message');
      const invisible = reached.filter((c) => !c.indicator);
      assert.deepEqual(invisible, [], 'controls that show no focus in the theme\'s focus colour');
      await t.screenshot('a11y-tab-order');
    },
  },
  {
    name: 'Find opened from the keyboard is reachable by Tab, and closing it puts the focus back',
    async run(t) {
      await focusByKeyboard(t, 'find-button');
      await t.page.keyboard.press('Enter');
      const input = t.webview().locator('[data-testid=find] input');
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      assert.equal((await focused(t))?.testId, 'find');
      await t.page.keyboard.type('keyboard');
      await t.page.keyboard.press('Enter');
      await t.webview().locator('[data-testid=find] .find-status').filter({ hasText: /^1 of \d+$/ }).waitFor({ timeout: 10_000 });
      const inBar = [];
      for (let i = 0; i < 3; i++) {
        await t.page.keyboard.press('Tab');
        inBar.push(await focused(t));
      }
      assert.deepEqual(inBar.map((c) => c?.testId), ['find-previous', 'find-next', 'find-close']);
      const names = inBar.map((c) => c?.name ?? '');
      assert.ok(names.every(Boolean), `find bar buttons without a name: ${JSON.stringify(inBar)}`);
      assert.ok(inBar.every((c) => c?.indicator), `find bar buttons without a visible focus: ${JSON.stringify(inBar)}`);
      assert.match(names[2], /Close/);
      await t.page.keyboard.press('Enter');
      await t.webview().locator('[data-testid=find]').waitFor({ state: 'hidden', timeout: 5_000 });
      assert.equal((await focused(t))?.testId, 'find-button', 'focus did not return to Find after closing the find bar');

      // Opened with Ctrl+F from the composer, closed with Escape: back in the composer.
      await t.webview().locator('[data-testid=composer] textarea').click();
      await t.page.keyboard.press('Control+f');
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      assert.equal((await focused(t))?.testId, 'find');
      await t.page.keyboard.press('Escape');
      await t.webview().locator('[data-testid=find]').waitFor({ state: 'hidden', timeout: 5_000 });
      assert.equal((await focused(t))?.testId, 'composer', 'focus did not return to the composer after Escape');
    },
  },
  {
    name: 'an error in the notice is an alert',
    async run(t) {
      // A drop naming something that is not a file is refused with a message (attachments.e2e.mjs).
      await t.webview().locator('body').evaluate((body) => {
        const data = new DataTransfer();
        data.setData('text/uri-list', 'https://example.com/page.html');
        const init = { dataTransfer: data, bubbles: true, cancelable: true, composed: true };
        body.dispatchEvent(new DragEvent('dragenter', init));
        body.dispatchEvent(new DragEvent('dragover', init));
        body.dispatchEvent(new DragEvent('drop', init));
      });
      const notice = t.webview().locator('[data-testid=notice]');
      await notice.filter({ hasText: /only files/ }).waitFor({ timeout: 15_000 });
      assert.equal(await notice.getAttribute('role'), 'alert');
    },
  },
  {
    name: 'in high contrast, borders and focus outlines are the theme\'s colours',
    async run(t) {
      const colours = await t.webview().locator('body').evaluate(() => {
        const colorOf = (value) => {
          const probe = document.createElement('div');
          probe.style.color = value;
          document.body.append(probe);
          const color = getComputedStyle(probe).color;
          probe.remove();
          return color;
        };
        const border = (selector) => {
          const node = document.querySelector(selector);
          return node ? getComputedStyle(node).borderTopColor : null;
        };
        return {
          contrastBorder: colorOf('var(--vscode-contrastBorder)'),
          focusBorder: colorOf('var(--vscode-focusBorder)'),
          message: border('[data-testid=transcript] .message[data-role=assistant]'),
          notice: border('[data-testid=notice]'),
          composer: (() => {
            const control = document.querySelector('[data-testid=composer]')?.shadowRoot?.querySelector('.control');
            return control ? getComputedStyle(control).borderTopColor : null;
          })(),
        };
      });
      t.log(`high-contrast colours: ${JSON.stringify(colours)}`);
      const transparent = (c) => !c || c === 'transparent' || /rgba\(.*,\s*0\)$/.test(c);
      assert.ok(!transparent(colours.contrastBorder), 'the theme sets no contrast border: not a high-contrast theme');
      assert.equal(colours.message, colours.contrastBorder, 'a message is not outlined with the contrast border');
      assert.ok(!transparent(colours.notice), 'the notice has no visible border');
      assert.ok(!transparent(colours.composer), 'the composer has no visible border');

      // The find field's focus outline is the theme's focus border.
      await focusByKeyboard(t, 'find-button');
      await t.page.keyboard.press('Enter');
      const outline = await t.webview().locator('[data-testid=find] input').evaluate((input) => getComputedStyle(input).outlineColor);
      assert.equal(outline, colours.focusBorder);
      await t.screenshot('a11y-high-contrast');
      await t.page.keyboard.press('Escape');
    },
  },
];

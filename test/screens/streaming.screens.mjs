// Screenshots of a long reply while it streams, in every theme and width of looks.mjs
// (test-output/streaming-<what>-<theme>-<width>.png):
// - a reply of one paragraph longer than a part (openParagraph.ts draws it in parts of at most
//   16 KB), held part-way, scrolled to where one part meets the next: no gap at the seam
//   (the line before it may end short: each part breaks its own lines);
// - the same reply at its end, as the view follows it.
import assert from 'node:assert/strict';
import { controlUrl, messages, panelReadyWithKey, send } from '../e2e/support.mjs';
import { everyLook } from './looks.mjs';

const WORDS = ['thread', 'library', 'window', 'reply', 'stream', 'context', 'server', 'panel'];
/** About 30 KB in one paragraph: no line break anywhere. */
const LONG = Array.from({ length: 4200 }, (_, i) => `${WORDS[i % WORDS.length]}${i}`).join(' ');

export const tests = [
  panelReadyWithKey,
  {
    name: 'a one-paragraph reply longer than a part, held while it streams, in every theme and width',
    timeoutMs: 900_000,
    async run(t) {
      await everyLook(t, async (look) => {
        // Held after about 3,600 words (Responses events 0-3 open the reply, then one word each).
        const held = await fetch(controlUrl(t, 'faults'), {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ method: 'POST', path: '/responses', pauseAfterEvents: 3600, pauseMs: 60_000 }),
        });
        assert.ok(held.ok, `could not queue a fault: HTTP ${held.status}`);
        await send(t, LONG);
        const seam = t.webview().locator('.message[data-status=streaming] p.paragraph-continued').first();
        await seam.waitFor({ state: 'attached', timeout: 60_000 });
        await t.webview().locator('[data-testid=stop]').waitFor({ state: 'visible', timeout: 10_000 });
        await t.page.waitForTimeout(300);
        await t.screenshot(`streaming-end-${look}`);
        // Scrolled as a user would, until the seam is in the middle of the view.
        const box = await seam.boundingBox();
        assert.ok(box, 'the seam has no box');
        const view = await t.webview().locator('.transcript').boundingBox();
        assert.ok(view);
        await t.page.mouse.move(view.x + view.width / 2, view.y + view.height / 2);
        for (let i = 0; i < 40; i++) {
          const at = await seam.boundingBox();
          if (at && Math.abs(at.y - (view.y + view.height / 2)) < 60) break;
          await t.page.mouse.wheel(0, at && at.y > view.y + view.height / 2 ? 100 : -Math.min(2000, (view.y + view.height / 2 - (at?.y ?? 0))));
          await t.page.waitForTimeout(50);
        }
        await t.page.waitForTimeout(300);
        await t.screenshot(`streaming-seam-${look}`);
        await t.webview().locator('[data-testid=stop]').click();
        await messages(t, 'assistant').last().and(t.webview().locator('[data-status=cancelled]')).waitFor({ timeout: 30_000 });
      });
    },
  },
];

// The panel's transcript on a 100,000-message thread, in a real browser (the page harness: the
// webview alone, with a stand-in host that pages a generated thread; see test/harness/ui.mjs).
// It opens at the end with only the messages near the view in the DOM; older pages load as the
// user scrolls up without the view moving; memory stays bounded (the far end is let go and
// reloads); a streaming reply keeps the view at the end only when the user is there; Jump to
// latest, reveal (jump to message) and find reach messages in pages not loaded.
import assert from 'node:assert/strict';
import { rowTop, settle, until, view } from '../bench/webviewPage.mjs';

export const config = { count: 100_000, pageSize: 100, latencyMs: 120 };

/** Message elements in the DOM at most, wherever the view is (the viewport's rows plus overscan). */
const DOM_BOUND = 40;
/** Messages the panel holds at most (MAX_LOADED in webview-ui/src/views/transcript.ts). */
const MAX_LOADED = 2000;

/**
 * In the page: scrolls near the top of what is held, notes the first visible message, waits for
 * the older page the panel asks for, and follows that message for a few frames.
 */
function scrollUpForAPage() {
  return window.__checkAnchor();
}

/** Helpers in the page, shared by the steps below. */
export async function setup(t) {
  await t.page.evaluate(() => {
    const frames = (n) => new Promise((resolve) => {
      const step = (left) => (left ? requestAnimationFrame(() => step(left - 1)) : setTimeout(resolve, 0));
      step(n);
    });
    const scroller = () => document.querySelector('.transcript');
    const firstVisible = () => {
      const box = scroller().getBoundingClientRect();
      return [...document.querySelectorAll('.transcript-list > .message')]
        .map((node) => ({ id: node.getAttribute('data-id'), top: node.getBoundingClientRect().top, bottom: node.getBoundingClientRect().bottom }))
        .filter((r) => r.bottom > box.top + 0.5 && r.top < box.bottom - 0.5)
        .sort((a, b) => a.top - b.top)[0];
    };
    const topOf = (id) => document.querySelector(`.message[data-id="${id}"]`)?.getBoundingClientRect().top;
    window.__frames = frames;
    window.__fromEnd = () => {
      const s = scroller();
      return s.scrollHeight - s.scrollTop - s.clientHeight;
    };
    window.__firstVisible = firstVisible;
    window.__checkAnchor = async () => {
      const served = window.__host.pagesServed;
      const s = scroller();
      s.scrollTop = Math.min(s.scrollTop, 40);
      await frames(2);
      const first = firstVisible();
      const early = window.__host.pagesServed !== served;
      const deadline = performance.now() + 5000;
      while (window.__host.pagesServed === served && performance.now() < deadline) await frames(1);
      if (window.__host.pagesServed === served) return { error: 'no page came' };
      let drift = 0;
      for (let i = 0; i < 12; i++) {
        await frames(1);
        const top = topOf(first.id);
        drift = Math.max(drift, top === undefined ? Infinity : Math.abs(top - first.top));
      }
      return { id: first.id, before: first.top, after: topOf(first.id), drift, early };
    };
    /** Samples `read` after each frame is painted, while `run` goes on. */
    window.__sampleWhile = async (run, read) => {
      let done = false;
      const samples = [];
      const loop = () => requestAnimationFrame(() => setTimeout(() => {
        samples.push(read());
        if (!done) loop();
      }, 0));
      loop();
      await run();
      await frames(3);
      done = true;
      await frames(2);
      samples.push(read());
      return samples;
    };
  });
}

export const tests = [
  {
    name: 'a 100,000-message thread opens at its end, with only the messages near the view in the DOM',
    async run(t) {
      const v = await view(t.page);
      assert.equal(v.last.id, 'msg_99999', 'the newest message is not at the bottom of the view');
      assert.ok(v.fromEnd <= 1, `the view is ${v.fromEnd}px above the end`);
      assert.ok(v.mounted <= DOM_BOUND, `${v.mounted} message elements at the bottom`);
      assert.ok(!v.jumpShown, 'Jump to latest shows at the end');
      await until(t.page, () => window.__host.report?.messageIds.length === 100, undefined, { what: 'the report lists the 100 messages held' });
      const report = await t.page.evaluate(() => window.__host.report);
      assert.equal(report.messageIds[0], 'msg_99900');
      assert.equal(report.messageIds.at(-1), 'msg_99999');
      assert.ok(report.mounted > 0 && report.mounted <= DOM_BOUND, `report.mounted is ${report.mounted}`);
      t.log(`at the bottom: ${v.mounted} message elements, ${v.visibleIds.length} visible`);
      await t.screenshot('ui-long-thread-bottom');
    },
  },
  {
    name: 'scrolling up loads older pages, one request at a time, and the first visible message does not move when a page arrives',
    async run(t) {
      for (let i = 0; i < 4; i++) {
        const r = await t.page.evaluate(scrollUpForAPage);
        assert.ok(!r.error, r.error);
        assert.ok(!r.early, 'the page arrived before the view was noted (raise latencyMs)');
        assert.ok(r.drift <= 1, `${r.id} moved by ${r.drift}px when the older page arrived (top ${r.before} -> ${r.after})`);
      }
      const v = await view(t.page);
      assert.ok(v.mounted <= DOM_BOUND, `${v.mounted} message elements after 4 pages`);
      const counts = await t.page.evaluate(() => ({ ...window.__host.counts, served: window.__host.pagesServed }));
      assert.equal(counts.loadOlder, counts.served, 'a page was asked for twice');
      await until(t.page, () => window.__host.report?.messageIds.length === 500, undefined, { what: '500 messages held' });
    },
  },
  {
    name: 'the mouse wheel scrolls up through pages as they load',
    async run(t) {
      const box = await t.page.locator('.transcript').boundingBox();
      await t.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const served = await t.page.evaluate(() => window.__host.pagesServed);
      const deadline = Date.now() + 20_000;
      while ((await t.page.evaluate(() => window.__host.pagesServed)) < served + 3) {
        assert.ok(Date.now() < deadline, 'three more pages did not load while scrolling up');
        await t.page.mouse.wheel(0, -1500);
        await new Promise((r) => setTimeout(r, 40));
      }
      await settle(t.page);
      const v = await view(t.page);
      assert.ok(v.mounted <= DOM_BOUND, `${v.mounted} message elements while scrolling`);
      const counts = await t.page.evaluate(() => ({ older: window.__host.counts.loadOlder, served: window.__host.pagesServed }));
      assert.ok(counts.older <= counts.served + 1, `${counts.older} requests for ${counts.served} pages`);
      assert.ok(v.jumpShown, 'Jump to latest is not offered far from the end');
    },
  },
  {
    name: `memory stays bounded: past ${MAX_LOADED} messages the newest are let go, and Jump to latest brings them back`,
    timeoutMs: 90_000,
    async run(t) {
      // Wait out a request the wheel left in flight.
      await until(t.page, () => window.__host.counts.loadOlder === window.__host.pagesServed, undefined, { what: 'the last page' });
      let held = 0;
      for (let i = 0; i < 30 && held < MAX_LOADED + 300; i++) {
        const r = await t.page.evaluate(scrollUpForAPage);
        assert.ok(!r.error, r.error);
        assert.ok(r.drift <= 1, `${r.id} moved by ${r.drift}px when page ${i} arrived`);
        held += 100;
      }
      await settle(t.page);
      const report = await t.page.evaluate(() => window.__host.report);
      assert.ok(report.messageIds.length <= MAX_LOADED, `${report.messageIds.length} messages held`);
      assert.notEqual(report.messageIds.at(-1), 'msg_99999', 'the newest messages were not let go');
      let v = await view(t.page);
      assert.ok(v.mounted <= DOM_BOUND, `${v.mounted} message elements`);
      assert.ok(v.jumpShown, 'Jump to latest is hidden with newer messages let go');
      await t.page.locator('[data-testid=jump-latest]').click();
      await until(t.page, () => document.querySelector('.message[data-id="msg_99999"]') !== null, undefined, { what: 'the newest message back' });
      await settle(t.page, 4);
      v = await view(t.page);
      assert.equal(v.last.id, 'msg_99999');
      assert.ok(v.fromEnd <= 1, `the view is ${v.fromEnd}px above the end`);
      assert.ok(!v.jumpShown, 'Jump to latest still shows at the end');
      assert.equal(await t.page.evaluate(() => window.__host.counts.loadLatest), 1);
    },
  },
  {
    name: 'a streaming reply keeps the view at the end while the user is at the end',
    async run(t) {
      const samples = await t.page.evaluate(async () => {
        const id = window.__host.startStream();
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        // The first words are drawn as they arrive, outside a frame: right after the panel
        // handled them (its listener runs before this one), the view is already at the end.
        const first = await new Promise((resolve) => {
          window.addEventListener('message', () => resolve(window.__fromEnd()), { once: true });
          window.__host.delta('First words of a reply that wraps onto a second line in a narrow panel ');
        });
        const out = await window.__sampleWhile(() => window.__host.streamWords(160, 6), window.__fromEnd);
        return { id, out: [first, ...out] };
      });
      const worst = Math.max(...samples.out);
      assert.ok(worst <= 1, `the view fell ${worst}px behind the streaming reply (samples: ${samples.out.slice(0, 40).join(' ')})`);
      const v = await view(t.page);
      assert.equal(v.last.id, samples.id);
      assert.ok(!v.jumpShown);
    },
  },
  {
    name: 'scrolled up, a streaming reply below does not move the view; Jump to latest shows, and goes back to the end',
    async run(t) {
      await t.page.evaluate(() => { document.querySelector('.transcript').scrollTop -= 900; });
      await settle(t.page);
      const r = await t.page.evaluate(async () => {
        const first = window.__firstVisible();
        const tops = await window.__sampleWhile(() => window.__host.streamWords(120, 6), () => document.querySelector(`.message[data-id="${first.id}"]`)?.getBoundingClientRect().top);
        return { first, tops };
      });
      const drift = Math.max(...r.tops.map((top) => (top === undefined ? Infinity : Math.abs(top - r.first.top))));
      assert.ok(drift <= 1, `${r.first.id} moved by ${drift}px while the reply streamed below`);
      const jump = t.page.locator('[data-testid=jump-latest]');
      await jump.waitFor({ state: 'visible' });
      assert.match(await jump.getAttribute('class'), /transcript-jump-streaming/);
      await t.screenshot('ui-long-thread-jump-latest');
      await jump.click();
      await settle(t.page, 4);
      let v = await view(t.page);
      assert.ok(v.fromEnd <= 1, `Jump to latest left the view ${v.fromEnd}px above the end`);
      const samples = await t.page.evaluate(() => window.__sampleWhile(() => window.__host.streamWords(60, 6), window.__fromEnd));
      assert.ok(Math.max(...samples) <= 1, 'after Jump to latest the view does not follow the reply');
      const stored = await t.page.evaluate(() => window.__host.endStream().id);
      await until(t.page, (id) => document.querySelector(`.message[data-id="${id}"]`)?.getAttribute('data-status') === 'complete', stored, { what: 'the stored reply' });
      await settle(t.page);
      v = await view(t.page);
      assert.equal(v.last.id, stored);
      assert.ok(v.fromEnd <= 1, `the view is ${v.fromEnd}px above the end after the reply was stored`);
      assert.equal(await t.page.locator('.message[data-status=streaming]').count(), 0);
    },
  },
  {
    name: 'reveal (jump to message) shows a message from a page not loaded, in the middle of the thread',
    async run(t) {
      await t.page.evaluate(() => window.__host.reveal('msg_50000'));
      await until(t.page, () => document.querySelector('.message-revealed')?.getAttribute('data-id') === 'msg_50000', undefined, { what: 'msg_50000 revealed' });
      await settle(t.page, 4);
      const v = await view(t.page);
      assert.ok(v.visibleIds.includes('msg_50000'), `msg_50000 is not in view (${v.visibleIds.join(', ')})`);
      assert.ok(v.mounted <= DOM_BOUND, `${v.mounted} message elements in the middle`);
      await until(t.page, () => window.__host.report?.revealed === 'msg_50000', undefined, { what: 'the report names the revealed message' });
      const report = await t.page.evaluate(() => window.__host.report);
      assert.equal(report.messageIds.length, 100);
      assert.ok(report.messageIds.includes('msg_50000'));
      assert.ok(v.jumpShown, 'Jump to latest is hidden in the middle of the thread');
      t.log(`in the middle: ${v.mounted} message elements`);
      await t.screenshot('ui-long-thread-middle');
    },
  },
  {
    name: 'find steps through hits in pages not loaded',
    async run(t) {
      await t.page.keyboard.press('Control+f');
      const input = t.page.locator('[data-testid=find] input');
      await input.fill('needle');
      await input.press('Enter');
      const status = t.page.locator('[data-testid=find] .find-status');
      await status.filter({ hasText: '1 of 4' }).waitFor({ timeout: 15_000 });
      await until(t.page, () => document.querySelector('.message-revealed')?.getAttribute('data-id') === 'msg_7', undefined, { what: 'the first hit revealed' });
      await input.press('Enter');
      await status.filter({ hasText: '2 of 4' }).waitFor();
      await until(t.page, () => document.querySelector('.message-revealed')?.getAttribute('data-id') === 'msg_25007', undefined, { what: 'the second hit revealed' });
      await settle(t.page, 4);
      assert.ok((await view(t.page)).visibleIds.includes('msg_25007'));
      await input.press('Escape');
    },
  },
  {
    name: 'at the top of the thread nothing more is asked for, and positions in the list are known',
    async run(t) {
      await t.page.evaluate(() => window.__host.reveal('msg_3'));
      await until(t.page, () => document.querySelector('.message-revealed')?.getAttribute('data-id') === 'msg_3', undefined, { what: 'msg_3 revealed' });
      const before = await t.page.evaluate(() => window.__host.counts.loadOlder);
      await t.page.evaluate(() => { document.querySelector('.transcript').scrollTop = 0; });
      await settle(t.page, 6);
      await new Promise((r) => setTimeout(r, 300));
      const v = await view(t.page);
      assert.equal(v.first.id, 'msg_0');
      assert.ok(v.mounted <= DOM_BOUND, `${v.mounted} message elements at the top`);
      assert.equal(await t.page.evaluate(() => window.__host.counts.loadOlder), before, 'asked for a page before the first message');
      const first = t.page.locator('.message[data-id="msg_0"]');
      assert.equal(await first.getAttribute('role'), 'listitem');
      assert.equal(await first.getAttribute('aria-posinset'), '1');
      assert.equal(await first.getAttribute('aria-setsize'), '-1', 'the set size is unknown while newer messages are not held');
      assert.equal(await t.page.locator('[role=list] > [role=listitem]').count(), v.mounted);
      t.log(`at the top: ${v.mounted} message elements`);
      await t.screenshot('ui-long-thread-top');
    },
  },
  {
    name: 'the message holding keyboard focus stays in the DOM when scrolled away',
    async run(t) {
      await t.page.locator('.message[data-id="msg_1"] [data-testid=bookmark]').focus();
      await t.page.evaluate(() => { document.querySelector('.transcript').scrollTop += 20_000; });
      await settle(t.page, 4);
      const v = await view(t.page);
      assert.ok(!v.visibleIds.includes('msg_1'), 'msg_1 is still in view');
      assert.ok(await t.page.evaluate(() => document.activeElement?.closest('.message')?.getAttribute('data-id') === 'msg_1'), 'focus left msg_1');
      assert.equal(await rowTop(t.page, 'msg_1') !== undefined, true);
    },
  },
  {
    name: 'at the end, the view stays at the end when the panel gets shorter, and when a message comes while it is hidden',
    async run(t) {
      const jump = t.page.locator('[data-testid=jump-latest]');
      if (await jump.isVisible()) await jump.click();
      await until(t.page, () => window.__fromEnd() <= 1 && document.querySelector('[data-testid=jump-latest]').hasAttribute('hidden'), undefined, { what: 'the end' });
      await t.page.setViewportSize({ width: 420, height: 560 });
      await settle(t.page, 4);
      let v = await view(t.page);
      assert.ok(v.fromEnd <= 1, `a shorter panel left the view ${v.fromEnd}px above the end`);
      const id = await t.page.evaluate(async () => {
        /** @type {HTMLElement} */ (document.querySelector('.transcript-frame')).style.display = 'none';
        await window.__frames(2);
        const message = window.__host.userMessage('Sent while the panel was hidden');
        await window.__frames(2);
        /** @type {HTMLElement} */ (document.querySelector('.transcript-frame')).style.display = '';
        return message.id;
      });
      await settle(t.page, 4);
      v = await view(t.page);
      assert.equal(v.last.id, id);
      assert.ok(v.fromEnd <= 1, `shown again, the view is ${v.fromEnd}px above the end`);
      await t.page.setViewportSize({ width: 420, height: 760 });
    },
  },
  {
    name: 'a streaming reply is read out politely a sentence or a few at a time, never word by word, then "Reply finished"',
    async run(t) {
      const r = await t.page.evaluate(async () => {
        const region = document.querySelector('[data-testid=live-reply]');
        const spoken = [];
        const observer = new MutationObserver((records) => {
          for (const record of records) for (const node of record.addedNodes) spoken.push(node.textContent);
        });
        observer.observe(region, { childList: true });
        window.__host.startStream();
        // 120 one-word deltas, 25 ms apart; a sentence ends every 8 words, a paragraph every 40.
        await window.__host.streamWords(120, 25, (n) => `${n % 40 === 0 && n ? '\n\n' : ''}Word${n}${n % 8 === 7 ? '.' : ''} `);
        await window.__host.delta('And the last words');
        const whileStreaming = spoken.length;
        window.__host.endStream();
        await new Promise((resolve) => setTimeout(resolve, 200));
        observer.disconnect();
        return { live: region.getAttribute('aria-live'), spoken, whileStreaming, status: document.querySelector('.transcript-frame [role=status]').textContent };
      });
      assert.equal(r.live, 'polite');
      assert.ok(r.whileStreaming >= 1, 'nothing was read out while the reply streamed');
      // 3 s of streaming, at most one announcement per 1.5 s (and the first at once).
      assert.ok(r.whileStreaming <= 3, `${r.whileStreaming} announcements while streaming: ${JSON.stringify(r.spoken)}`);
      for (const text of r.spoken.slice(0, r.whileStreaming)) assert.match(text, /^(Word\d+ ?)+\.( (Word\d+ ?)+\.)*$/, `not whole sentences: ${text}`);
      const all = r.spoken.join(' ');
      assert.equal(all, Array.from({ length: 15 }, (_, i) => Array.from({ length: 8 }, (_, j) => `Word${i * 8 + j}`).join(' ') + '.').join(' ') + ' And the last words');
      assert.equal(r.status, 'Reply finished.');
    },
  },
  {
    name: 'per message: usage shown on keyboard focus too, attachment chips with size and type, left-out messages dimmed, codicon buttons with names',
    async run(t) {
      const ids = await t.page.evaluate(() => {
        const host = window.__host;
        const threadId = host.state().currentThreadId;
        const question = {
          id: 'msg_with_files',
          threadId,
          role: 'user',
          createdAt: Date.now(),
          status: 'complete',
          content: [
            { type: 'file', name: 'report.pdf', bytes: 3_500_000, mime: 'application/pdf', fileId: 'file_1' },
            { type: 'file', name: 'notes.md', bytes: 512 },
            { type: 'text', text: 'Here is a file' },
          ],
        };
        host.post({ type: 'message', message: question });
        const reply = { id: 'msg_with_usage', threadId, role: 'assistant', content: [{ type: 'text', text: 'Read it.' }], createdAt: Date.now(), status: 'complete', usage: { inputTokens: 1234, outputTokens: 56 }, model: 'test-model' };
        host.post({ type: 'message', message: reply });
        return { question: question.id, reply: reply.id };
      });
      const reply = t.page.locator(`.message[data-id="${ids.reply}"]`);
      await reply.waitFor();
      await settle(t.page);

      // Token usage: hidden until the header is hovered or a header button has keyboard focus.
      const usage = reply.locator('.message-usage');
      assert.equal(await usage.isVisible(), false);
      await t.page.mouse.move(0, 0);
      await reply.locator('[data-testid=message-copy]').focus();
      assert.equal(await usage.isVisible(), true, 'usage not shown while a header button has keyboard focus');
      assert.equal(await usage.innerText(), '1,234 tokens in · 56 out · test-model');
      const describedBy = await reply.locator('[data-testid=message-copy]').getAttribute('aria-describedby');
      assert.equal(await t.page.locator(`[id="${describedBy}"]`).textContent(), '1,234 tokens in · 56 out · test-model');

      // Attachment chips: name, then type and size as people read them.
      const chips = await t.page.locator(`.message[data-id="${ids.question}"] .chip`).evaluateAll((nodes) => nodes.map((n) => [n.querySelector('.chip-name').textContent, n.querySelector('.chip-detail').textContent]));
      assert.deepEqual(chips, [['report.pdf', 'application/pdf · 3.3 MB'], ['notes.md', 'MD · 512 B']]);

      // Messages the next run leaves out are dimmed; the gauge names them.
      await t.page.evaluate((older) => window.__host.post({ type: 'contextGauge', threadId: window.__host.state().currentThreadId, gauge: { backend: 'chat', model: 'test-model', tokens: 900, window: 1000, leftOut: 1, leftOutIds: [older] } }), ids.question);
      await until(t.page, (older) => document.querySelector(`.message[data-id="${older}"]`)?.classList.contains('message-left-out'), ids.question, { what: 'the left-out message dimmed' });
      const opacity = await t.page.locator(`.message[data-id="${ids.question}"]`).evaluate((n) => Number(getComputedStyle(n).opacity));
      assert.ok(opacity < 1, `a left-out message is drawn at opacity ${opacity}`);
      assert.equal(await reply.evaluate((n) => n.classList.contains('message-left-out')), false);

      // Icons are codicons; the buttons are named for screen readers, not by a glyph.
      const mark = reply.locator('[data-testid=bookmark]');
      assert.equal(await mark.locator('.codicon-star-empty').count(), 1);
      assert.equal(await mark.getAttribute('aria-label'), 'Bookmark this message');
      assert.equal(await mark.getAttribute('aria-pressed'), 'false');
      assert.equal((await mark.textContent()).trim(), '');
      await t.page.evaluate((id) => {
        const state = window.__host.state();
        window.__host.post({ type: 'threads', threads: state.threads.map((th) => ({ ...th, bookmarks: [id] })), currentThreadId: state.currentThreadId, listFilter: state.listFilter });
      }, ids.reply);
      await mark.locator('.codicon-star-full').waitFor();
      assert.equal(await mark.getAttribute('aria-label'), 'Remove bookmark');
      assert.equal(await mark.getAttribute('aria-pressed'), 'true');
      await t.page.evaluate(() => { document.querySelector('.transcript').scrollTop -= 900; });
      const jump = t.page.locator('[data-testid=jump-latest]');
      await jump.waitFor({ state: 'visible' });
      assert.equal(await jump.locator('.codicon-arrow-down[aria-hidden=true]').count(), 1);
      assert.equal((await jump.innerText()).trim(), 'Jump to latest');
      await jump.click();
    },
  },
];

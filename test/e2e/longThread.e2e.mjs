// End-to-end: a long thread in the real panel, paged by the real host from the real store. The
// thread (2,400 messages, more than the 2,000 the panel holds) comes in through Import Thread and
// the file dialog. The panel draws only the messages near the view; scrolling up to the first
// message loads pages from the store without the view jumping; Jump to latest, find (a message
// in a page the panel let go) and a reply streamed at the end work. Message ids change on import,
// so rows are known by their text, which starts "Message <n>.".
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { panelReadyWithKey, pickFile, sendAndAwaitReply } from './support.mjs';

const COUNT = 2_400;
/** Message elements in the DOM at most (rows in view plus overscan). */
const DOM_BOUND = 40;
const FILE = (t) => path.join(t.workspace, 'long-thread.json');

/** A thread file as Export Thread writes it: `COUNT` messages of a few lines, one with "needle". */
function threadDocument() {
  const words = 'thread message reply model token context stream panel server window budget cache index page search'.split(' ');
  const messages = Array.from({ length: COUNT }, (_, i) => {
    let text = `Message ${i}.`;
    const length = 80 + ((i * 37) % 600);
    for (let w = 0; text.length < length; w++) text += `${(w * 7 + i) % 23 === 0 ? '\n\n' : ' '}${words[(w * 31 + i) % words.length]}`;
    if (i === 3) text += ' needle';
    return { id: `old_${i}`, threadId: 'th_long', role: i % 2 ? 'assistant' : 'user', content: [{ type: 'text', text }], createdAt: 1_700_000_000_000 + i * 1000, status: 'complete' };
  });
  const thread = { id: 'th_long', title: 'A long imported thread', createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_000 + COUNT * 1000, backend: 'chat', messageCount: COUNT, pinned: false, archived: false };
  return { format: 'threadline.thread', version: 1, thread, messages };
}

const transcript = (t) => t.webview().locator('.transcript');

/** The transcript as it is now: scroll position, drawn rows, the first and last visible rows by number. */
function look(t) {
  return transcript(t).evaluate((scroller) => {
    const box = scroller.getBoundingClientRect();
    const number = (node) => Number(/^Message (\d+)\./.exec(node.querySelector('.message-text')?.textContent ?? '')?.[1] ?? NaN);
    const visible = [...scroller.querySelectorAll('.transcript-list > .message')]
      .map((node) => ({ n: number(node), role: node.getAttribute('data-role'), status: node.getAttribute('data-status'), top: node.getBoundingClientRect().top, bottom: node.getBoundingClientRect().bottom }))
      .filter((r) => r.bottom > box.top + 0.5 && r.top < box.bottom - 0.5)
      .sort((a, b) => a.top - b.top);
    return {
      fromEnd: scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight,
      mounted: scroller.querySelectorAll('.message').length,
      first: visible[0],
      last: visible.at(-1),
      jumpShown: !document.querySelector('[data-testid=jump-latest]').hasAttribute('hidden'),
    };
  });
}

async function poll(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`${what} (within ${timeoutMs / 1000}s)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const tests = [
  panelReadyWithKey,
  {
    name: `a ${COUNT.toLocaleString('en')}-message thread imported from JSON opens at its end, with only the messages near the view in the DOM`,
    timeoutMs: 180_000,
    async run(t) {
      fs.writeFileSync(FILE(t), JSON.stringify(threadDocument()));
      await t.runCommand(t.page, 'Threadline: Import Thread');
      await pickFile(t, FILE(t));
      await poll(async () => (await look(t)).last?.n === COUNT - 1, 150_000, `message ${COUNT - 1} did not show at the bottom`);
      const shown = await look(t);
      assert.ok(shown.fromEnd <= 1, `the view is ${shown.fromEnd}px above the end`);
      assert.ok(shown.mounted <= DOM_BOUND, `${shown.mounted} message elements`);
      assert.ok(!shown.jumpShown, 'Jump to latest shows at the end');
      await t.screenshot('long-thread-end');
    },
  },
  {
    name: 'scrolling up to the first message loads pages from the store, and the first visible message does not move when one arrives',
    timeoutMs: 120_000,
    async run(t) {
      let pages = 0;
      for (let round = 0; round < 30; round++) {
        const r = await transcript(t).evaluate(async (scroller) => {
          const frames = (n) => new Promise((resolve) => {
            const step = (left) => (left ? requestAnimationFrame(() => step(left - 1)) : setTimeout(resolve, 0));
            step(n);
          });
          const number = (node) => Number(/^Message (\d+)\./.exec(node.querySelector('.message-text')?.textContent ?? '')?.[1] ?? NaN);
          const firstVisible = () => {
            const box = scroller.getBoundingClientRect();
            return [...scroller.querySelectorAll('.transcript-list > .message')]
              .map((node) => ({ node, n: number(node), top: node.getBoundingClientRect().top, bottom: node.getBoundingClientRect().bottom }))
              .filter((row) => row.bottom > box.top + 0.5 && row.top < box.bottom - 0.5)
              .sort((a, b) => a.top - b.top)[0];
          };
          // To the oldest message held: the panel draws the rows there and asks for the page
          // before them, in the scroll event's task; the row on top is noted in that same task,
          // before any answer can come.
          const noted = new Promise((resolve) => {
            scroller.addEventListener('scroll', () => resolve({ first: firstVisible(), height: scroller.scrollHeight }), { once: true });
            setTimeout(() => resolve(undefined), 1000);
          });
          scroller.scrollTop = 0;
          const before = await noted;
          if (!before) {
            await frames(2);
            const first = firstVisible();
            return first.n === 0 ? { done: true } : { paged: false, drift: 0, n: first.n, mounted: scroller.querySelectorAll('.message').length };
          }
          const { first, height } = before;
          // A page, if one was asked for, shows as a taller list.
          for (let i = 0; i < 120 && scroller.scrollHeight === height; i++) await frames(1);
          const paged = scroller.scrollHeight !== height;
          let drift = 0;
          for (let i = 0; i < 10; i++) {
            await frames(1);
            drift = Math.max(drift, first.node.isConnected ? Math.abs(first.node.getBoundingClientRect().top - first.top) : Infinity);
          }
          return { paged, drift, n: first.n, mounted: scroller.querySelectorAll('.message').length };
        });
        if (r.done) break;
        assert.ok(r.mounted <= DOM_BOUND, `${r.mounted} message elements at message ${r.n}`);
        if (r.paged) {
          pages++;
          assert.ok(r.drift <= 1, `message ${r.n} moved by ${r.drift}px when a page arrived`);
        }
      }
      const top = await look(t);
      assert.equal(top.first.n, 0, 'the first message is not at the top');
      assert.ok(pages >= 1, 'no page came from the store');
      assert.ok(top.jumpShown, 'Jump to latest is hidden at the top');
      t.log(`${pages} page(s) arrived on the way up; ${top.mounted} message elements at the top`);
      await t.screenshot('long-thread-top');
    },
  },
  {
    name: 'Jump to latest goes back to the newest message',
    async run(t) {
      await t.webview().locator('[data-testid=jump-latest]').click();
      await poll(async () => {
        const now = await look(t);
        return now.last?.n === COUNT - 1 && now.fromEnd <= 1;
      }, 20_000, 'the view did not reach the newest message');
      await t.webview().locator('[data-testid=jump-latest]').waitFor({ state: 'hidden', timeout: 5_000 });
    },
  },
  {
    name: 'find reveals a message from a page the panel does not hold',
    async run(t) {
      await t.webview().locator('[data-testid=find-button]').click();
      const input = t.webview().locator('[data-testid=find] input');
      await input.fill('needle');
      await input.press('Enter');
      await t.webview().locator('[data-testid=find] .find-status').filter({ hasText: '1 of 1' }).waitFor({ timeout: 15_000 });
      const revealed = t.webview().locator('.message-revealed .message-text');
      await revealed.filter({ hasText: /^Message 3\./ }).waitFor({ timeout: 15_000 });
      await poll(async () => {
        const box = await revealed.boundingBox();
        const frame = await transcript(t).boundingBox();
        return box && frame && box.y + box.height > frame.y && box.y < frame.y + frame.height;
      }, 10_000, 'message 3 is not in view');
      assert.ok((await look(t)).mounted <= DOM_BOUND);
      await input.press('Escape');
    },
  },
  {
    name: 'a reply sent at the end of the long thread streams in with the view kept at the end',
    timeoutMs: 90_000,
    async run(t) {
      await t.webview().locator('[data-testid=jump-latest]').click();
      await poll(async () => (await look(t)).last?.n === COUNT - 1, 20_000, 'Jump to latest did not bring the newest message back');
      const reply = await sendAndAwaitReply(t, 'Message 2400. A question at the end of a long thread');
      await poll(async () => {
        const now = await look(t);
        return now.fromEnd <= 1 && now.last?.role === 'assistant' && now.last?.status === 'complete';
      }, 10_000, 'the view is not at the end of the reply');
      assert.match(await reply.locator('.message-text').innerText(), /A question at the end of a long thread/);
      await t.screenshot('long-thread-reply');
    },
  },
];

// Steps of the workbench benchmark (test/bench/workbench.mjs): the real path, in code-server
// with Chromium as the e2e tests run it: the panel posts `send`, the extension host calls the
// stand-in through the openai SDK, and each streamed delta is posted to the webview and drawn.
// Then a second window on the same library: how long a finished reply in one window takes to
// show in the other's open panel. Printed, never asserted. Times are taken in the webview's own
// clock (across two windows: the browser's wall clock, which both pages share).
import { readFile } from 'node:fs/promises';
import { expectCount, messages, openChatView, send, sendAndAwaitReply, setApiKey } from '../e2e/support.mjs';

const line = (label, value) => console.log(`    ${label.padEnd(64)} ${value}`);
const ms = (n) => `${n.toFixed(1)} ms`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs) => `min ${ms(Math.min(...xs))} · median ${ms(median(xs))} · max ${ms(Math.max(...xs))}  (${xs.length} runs)`;

/**
 * In a webview: notes (in `window.__seen`, by the browser's wall clock) when a user message
 * ending in `mark` and a completed assistant message ending in `mark` are first in the DOM.
 */
function watchMark(body, mark) {
  return body.evaluate((_, m) => {
    const seen = {};
    window.__seen = seen;
    const now = () => performance.timeOrigin + performance.now();
    const check = () => {
      for (const node of document.querySelectorAll('[data-testid=transcript] .message')) {
        const text = node.querySelector('.message-text')?.textContent?.trim() ?? '';
        if (!text.endsWith(m)) continue;
        const role = node.getAttribute('data-role');
        if (role === 'user') seen.user ??= now();
        if (role === 'assistant' && node.getAttribute('data-status') === 'complete') seen.reply ??= now();
      }
      if (seen.user !== undefined && seen.reply !== undefined) observer.disconnect();
    };
    const observer = new MutationObserver(check);
    observer.observe(document.querySelector('[data-testid=transcript]'), { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-status'] });
    check();
  }, mark);
}

/** Waits until `window.__seen` in `w`'s webview has both times. */
async function waitForSeen(w, timeoutMs) {
  const body = w.webview().locator('body');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await body.evaluate(() => window.__seen);
    if (seen?.user !== undefined && seen?.reply !== undefined) return seen;
    if (Date.now() > deadline) throw new Error(`the message did not show within ${timeoutMs} ms: ${JSON.stringify(seen)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** In the webview: notes when Send is pressed, when streamDelta posts arrive, and when a new reply's text ends with `lastWord`. */
function watchReply(body, lastWord) {
  return body.evaluate((_, last) => {
    const done = (text) => text.trim().endsWith(last);
    const seen = new Set([...document.querySelectorAll('.message[data-role=assistant]')].map((n) => n.getAttribute('data-id')));
    const bench = { posts: 0 };
    window.__bench = bench;
    // Wall-clock times too, the clock the extension host's trace (THREADLINE_TRACE_FILE) uses.
    const wall = () => performance.timeOrigin + performance.now();
    document.querySelector('[data-testid=send]').addEventListener('click', () => { bench.clicked = performance.now(); bench.clickedAt = wall(); }, { capture: true, once: true });
    bench.before = [];
    const onMessage = (e) => {
      // What the panel handled between Send and the first delta, with when it arrived and when the
    // panel was done with it (this listener runs after the panel's).
      if (bench.firstPost === undefined && bench.clicked !== undefined) bench.before.push(`${e.data?.type} ${bench.arrived.toFixed(1)}–${(performance.now() - bench.clicked).toFixed(1)}`);
      if (e.data?.type !== 'streamDelta') return;
      bench.posts++;
      bench.firstPostAt ??= performance.timeOrigin + performance.now();
      bench.firstPost ??= performance.now();
      bench.lastPost = performance.now();
    };
    // A capture listener at the window runs before the panel's: when each message arrived.
    window.addEventListener('message', () => { bench.arrived = performance.now() - (bench.clicked ?? 0); }, { capture: true });
    window.addEventListener('message', onMessage);
    const check = () => {
      const reply = [...document.querySelectorAll('.message[data-role=assistant]')].find((n) => !seen.has(n.getAttribute('data-id')));
      const text = reply?.querySelector('.message-text')?.textContent ?? '';
      if (bench.firstToken === undefined && text.includes('Echo')) {
        bench.firstToken = performance.now();
        bench.firstTokenAt = wall();
        requestAnimationFrame(() => { bench.paintedAt = wall(); });
      }
      if (bench.firstToken !== undefined && done(text)) {
        bench.done = performance.now();
        observer.disconnect();
        window.removeEventListener('message', onMessage);
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(document.querySelector('[data-testid=transcript]'), { subtree: true, childList: true, characterData: true });
  }, lastWord);
}

/** The send's steps from the extension host's trace, as ms after Send was pressed, with the webview's own (see watchReply). */
async function stagesOf(bench) {
  const file = process.env.THREADLINE_TRACE_FILE;
  if (!file) return undefined;
  // The trace is appended as the steps happen; the reply has ended, so the ones it has are there.
  const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.at >= bench.clickedAt);
  const at = (stage) => lines.find((r) => r.stage === stage)?.at;
  const stages = { panelReceived: at('panelReceived'), received: at('received'), connected: at('connected'), stored: at('stored'), requestSent: at('requestSent'), firstByte: at('firstByte'), firstDelta: at('firstDelta'), posted: at('posted'), arrived: bench.firstPostAt, inDom: bench.firstTokenAt, painted: bench.paintedAt };
  return Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, v === undefined ? undefined : v - bench.clickedAt]));
}

/** Prints each step's median time after Send, and what Threadline adds on top of the server's own first-token time. */
function printStages(what, runs) {
  const usable = runs.filter((r) => r && r.painted !== undefined && r.requestSent !== undefined && r.firstDelta !== undefined && r.panelReceived !== undefined && r.arrived !== undefined && r.posted !== undefined);
  if (!usable.length) return;
  console.log(`    ${what} (median of ${usable.length}; ms after Send was pressed):`);
  const names = { panelReceived: 'panel -> host (the webview message arrives)', received: 'the chat service has it (key checked, thread, chips taken)', connected: 'backend ready (conversation made for a new thread)', stored: 'message stored (written, fsynced)', requestSent: 'request sent', firstByte: 'first byte (status and headers)', firstDelta: 'first delta (SDK)', posted: 'first delta posted to the webview', arrived: 'first delta arrives in the webview', inDom: 'first word in the webview DOM', painted: 'first word painted (next frame)' };
  for (const [key, label] of Object.entries(names)) {
    const values = usable.map((r) => r[key]).filter((v) => v !== undefined);
    if (values.length) line(`  ${label}`, ms(median(values)));
  }
  const sdk = median(usable.map((r) => r.firstDelta - r.requestSent));
  const total = median(usable.map((r) => r.painted));
  // What the workbench takes to carry a message each way (code-server: a websocket to the browser).
  const carrying = (r) => r.panelReceived + (r.arrived - r.posted);
  line('  the server and SDK: request sent -> first delta', ms(sdk));
  line('  the workbench carrying panel -> host and host -> panel', ms(median(usable.map(carrying))));
  line('  Threadline adds: Send -> painted, minus request -> first delta', ms(total - sdk));
  // Each run's own remainder, then their median (medians of the parts do not add up).
  line('  … and minus the workbench carrying messages (Threadline\'s own work)', ms(median(usable.map((r) => r.painted - (r.firstDelta - r.requestSent) - carrying(r)))));
  // Of that: the browser's frame clock (the word is in the DOM; the paint comes with the next
  // frame), and the first delta held until the message's fsync ends (a fast server's only).
  line('    of which waiting for the next frame (in the DOM -> painted)', ms(median(usable.map((r) => r.painted - r.inDom))));
  line('    of which the first delta waiting for the message\'s fsync', ms(median(usable.map((r) => Math.max(0, r.stored - r.firstDelta)))));
}

async function waitForBench(t, timeoutMs) {
  const body = t.webview().locator('body');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const bench = await body.evaluate(() => window.__bench);
    if (bench.done !== undefined) return bench;
    if (Date.now() > deadline) throw new Error(`the reply did not finish drawing within ${timeoutMs} ms: ${JSON.stringify(bench)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const tests = [
  {
    name: 'open the panel with a key, and a warm-up reply',
    async run(t) {
      await t.runCommand(t.page, 'Threadline: Focus Chat Panel');
      await t.webview().locator('[data-testid=composer]').waitFor({ timeout: 30_000 });
      await setApiKey(t);
      await send(t, 'warm up');
      await messages(t, 'assistant').last().and(t.webview().locator('[data-status=complete]')).waitFor({ timeout: 30_000 });
    },
  },
  {
    name: 'time to first visible token: Send pressed -> first word of the reply in the webview DOM',
    async run(t) {
      const runs = [];
      for (let i = 0; i < 7; i++) {
        const body = t.webview().locator('body');
        await watchReply(body, `is over ${i}`);
        await send(t, `Token run ${i}, it is over ${i}`);
        const bench = await waitForBench(t, 30_000);
        runs.push({ first: bench.firstToken - bench.clicked, firstPost: bench.firstPost - bench.clicked, all: bench.done - bench.clicked, stages: await stagesOf(bench), before: bench.before });
      }
      const warm = runs.slice(1);
      line('Send pressed -> first streamDelta post reaches the webview', `${ms(median(warm.map((r) => r.firstPost)))}  (median of ${warm.length})`);
      line('Send pressed -> first word of the reply in the webview DOM', ms(median(warm.map((r) => r.first))));
      line('Send pressed -> whole 8-word reply in the DOM', ms(median(warm.map((r) => r.all))));
      printStages('a message in a thread with a conversation already', warm.map((r) => r.stages));
      line('  what the panel got before the first delta (last run; ms after Send)', runs.at(-1).before.join(', '));
      // The first message of a new thread also makes its conversation on the server first.
      const fresh = [];
      for (let i = 0; i < 5; i++) {
        await t.runCommand(t.page, 'Threadline: New Thread');
        await t.webview().locator('[data-testid=transcript] .message').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {});
        const body = t.webview().locator('body');
        await watchReply(body, `fresh ${i}`);
        await send(t, `New thread ${i}, fresh ${i}`);
        fresh.push(await stagesOf(await waitForBench(t, 30_000)));
      }
      printStages("a new thread's first message", fresh);
    },
  },
  {
    name: 'deltas per second through SDK -> extension host -> webview, and posts per second',
    timeoutMs: 240_000,
    async run(t) {
      const N = Number(process.env.BENCH_DELTAS ?? 20_000);
      const body = t.webview().locator('body');
      const last = `w${N - 1}`;
      await watchReply(body, last);
      const words = Array.from({ length: N }, (_, i) => `w${i}`).join(' ');
      await send(t, words);
      const bench = await waitForBench(t, 200_000);
      const deltas = N + 1; // "Echo:" and one delta per word (test/stand-in/replies.ts)
      const postSpan = (bench.lastPost - bench.firstPost) / 1000;
      const drawSpan = (bench.done - bench.firstToken) / 1000;
      line(`a ${deltas.toLocaleString('en')}-delta reply (stand-in streams without pauses)`, `${ms(bench.done - bench.clicked)} from Send to the last word drawn`);
      line('streamDelta posts the webview received (host -> webview)', `${bench.posts.toLocaleString('en')} in ${ms(postSpan * 1000)}: ${Math.round(bench.posts / postSpan).toLocaleString('en')} posts/s, ${Math.round(deltas / postSpan).toLocaleString('en')} deltas/s`);
      line('deltas per second drawn (first word -> last word in the DOM)', `${Math.round(deltas / drawSpan).toLocaleString('en')}/s`);
    },
  },
  {
    name: 'another window: a reply finished in window A -> the same reply in window B\'s open panel',
    timeoutMs: 180_000,
    async run(t) {
      // A thread of its own, open in both windows.
      await t.webview().locator('[data-testid=new-thread]').click();
      await expectCount(messages(t), 0, 15_000);
      await sendAndAwaitReply(t, 'Cross-window timing');
      const b = await t.openWindow();
      await openChatView(b);
      const switcher = b.webview().locator('[data-testid=thread-switcher]');
      const row = switcher.locator('vscode-option', { hasText: 'Cross-window timing' });
      await row.waitFor({ state: 'attached', timeout: 30_000 });
      await switcher.click();
      await row.click();
      await messages(b, 'assistant').filter({ hasText: 'Echo: Cross-window timing' }).waitFor({ timeout: 30_000 });
      // Window A in front, where the user types (a page behind another is a background tab: its
      // animation frames wait, and with them Playwright's clicks); B only watches.
      await t.page.bringToFront();

      const replies = [];
      const users = [];
      for (let i = 0; i < 11; i++) {
        const mark = `mark-${i}-end`;
        await watchMark(t.webview().locator('body'), mark);
        await watchMark(b.webview().locator('body'), mark);
        await send(t, `Across windows, ${mark}`);
        const [a, other] = [await waitForSeen(t, 30_000), await waitForSeen(b, 30_000)];
        // The first run warms up both windows' paths.
        if (i === 0) continue;
        replies.push(other.reply - a.reply);
        users.push(other.user - a.user);
      }
      // Below zero: B drew it before A did (A's host saves the reply, then posts it to A's panel).
      line('another window: reply finished in A\'s panel -> shown in B\'s', spread(replies));
      line('another window: user message shown in A\'s panel -> shown in B\'s', spread(users));
      await b.close();
    },
  },
];

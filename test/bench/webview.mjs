#!/usr/bin/env node
// `npm run bench`: figures for the panel's webview in a real browser (Debian's Chromium through
// playwright-core), printed, never asserted. The page harness (webviewPage.mjs) serves the built
// panel with a stand-in host that pages a generated 100,000-message thread. Printed:
//   - time to first paint of the transcript (navigation start -> first message painted)
//   - message elements in the DOM at the bottom, middle and top of the thread
//   - JS heap after opening, and after scrolling up through 50 pages
//   - deltas per second the panel absorbs (1-word deltas posted as fast as possible) and posts per
//     second, from the page harness's stand-in host: the webview alone (the real path through the
//     extension host is test/bench/workbench.mjs)
//   - main-thread work per delta appended to a 1 MB reply vs a 1 KB one: paragraphs, one open code
//     fence, one list with no blank lines, one paragraph with no line breaks
//   - one 1 MB paragraph streamed in 4 KB deltas (one a frame) vs the same paragraph in one delta
//   - time to first visible token: from the host posting the first delta to the text in the DOM
// Time to first token over the raw stream (SDK + stand-in) is test/bench/ttft.ts; from Send to the
// first word in the DOM through the extension host, test/bench/workbench.mjs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, launchChromium, newRunDir } from '../harness/lib.mjs';
import { openThread, settle, startPageServer } from './webviewPage.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const COUNT = Number(process.env.BENCH_MESSAGES ?? 100_000);
const PAGE = 100;
const VIEWPORT = { width: 420, height: 760 };

const line = (label, value) => console.log(`${label.padEnd(60)} ${value}`);
const ms = (n) => `${n.toFixed(1)} ms`;
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function buildIfNeeded() {
  if (fs.existsSync(path.join(REPO, 'dist', 'webview', 'webview.js')) && fs.existsSync(path.join(REPO, 'media', 'webview', 'codicons', 'codicon.css'))) return;
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed: node esbuild.mjs');
}

async function newPage(browser) {
  const page = await browser.newPage();
  await page.setViewportSize(VIEWPORT);
  page.on('pageerror', (e) => console.error(`  (page error: ${e.message})`));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return { page, cdp };
}

async function heap(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const { nodes } = await cdp.send('Memory.getDOMCounters');
  return { usedSize, nodes };
}

async function metric(cdp, name) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === name)?.value ?? 0;
}

const domMessages = (page) => page.evaluate(() => document.querySelectorAll('.message').length);

/** Scrolls to the top of what is held and waits for the older page; `n` times. */
async function scrollUpPages(page, n) {
  await page.evaluate(async (pages) => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    for (let i = 0; i < pages; i++) {
      const served = window.__host.pagesServed;
      document.querySelector('.transcript').scrollTop = 0;
      while (window.__host.pagesServed === served) await frame();
      await frame();
      await frame();
    }
  }, n);
}

async function firstPaint(browser, server) {
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const { page } = await newPage(browser);
    await openThread(page, server, { count: COUNT, pageSize: PAGE, latencyMs: 0 });
    await page.waitForFunction(() => window.__host.firstMessagePainted !== undefined);
    runs.push(await page.evaluate(() => ({
      painted: window.__host.firstMessagePainted,
      inDom: window.__host.firstMessageInDom,
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      script: /** @type {PerformanceResourceTiming | undefined} */ (performance.getEntriesByType('resource').find((e) => e.name.endsWith('/dist/webview/webview.js')))?.responseEnd ?? NaN,
    })));
    await page.close();
  }
  const pick = (key) => median(runs.slice(1).map((r) => r[key]));
  line('first contentful paint (composer, thread bar)', ms(pick('fcp')));
  line('first message in the DOM (navigation start ->)', ms(pick('inDom')));
  line('first message painted (navigation start ->)', `${ms(pick('painted'))}  (median of 4 after a warm-up)`);
}

async function domAndMemory(browser, server) {
  const { page, cdp } = await newPage(browser);
  await openThread(page, server, { count: COUNT, pageSize: PAGE, latencyMs: 0 });
  const bottom = await domMessages(page);
  const afterLoad = await heap(cdp);
  const started = performance.now();
  await scrollUpPages(page, 50);
  const scrollMs = performance.now() - started;
  await settle(page);
  const afterScroll = await heap(cdp);
  const held = await page.evaluate(() => window.__host.report?.messageIds.length);
  const upper = await domMessages(page);
  await page.evaluate(() => window.__host.reveal('msg_50000'));
  await page.waitForFunction(() => document.querySelector('.message-revealed')?.getAttribute('data-id') === 'msg_50000');
  await settle(page, 4);
  const middle = await domMessages(page);
  await page.evaluate(() => window.__host.reveal('msg_0'));
  await page.waitForFunction(() => document.querySelector('.message-revealed')?.getAttribute('data-id') === 'msg_0');
  await page.evaluate(() => { document.querySelector('.transcript').scrollTop = 0; });
  await settle(page, 4);
  const top = await domMessages(page);
  line('message elements in the DOM: bottom / middle / top', `${bottom} / ${middle} / ${top}  (of ${COUNT.toLocaleString('en')})`);
  line('JS heap after opening (newest page of 100)', `${mb(afterLoad.usedSize)}, ${afterLoad.nodes} DOM nodes`);
  line('JS heap after scrolling up 50 pages (5,000 messages)', `${mb(afterScroll.usedSize)}, ${afterScroll.nodes} DOM nodes, ${held} messages held, ${upper} message elements`);
  line('scrolling up 50 pages (page request -> drawn, host answers at once)', `${ms(scrollMs / 50)} per page`);
  await page.close();
}

async function throughput(browser, server) {
  const { page } = await newPage(browser);
  await openThread(page, server, { count: COUNT, pageSize: PAGE, latencyMs: 0 });
  const N = 20_000;
  const r = await page.evaluate(async (n) => {
    const host = window.__host;
    host.startStream();
    await new Promise((res) => requestAnimationFrame(() => setTimeout(res, 0)));
    const reports = host.counts.rendered ?? 0;
    const last = `w${n - 1}`;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) host.delta(`w${i} `);
    const posted = performance.now();
    const node = document.querySelector('.message[data-status=streaming] .message-text');
    await new Promise((res) => {
      const check = () => (node.textContent.includes(last) ? res() : requestAnimationFrame(check));
      check();
    });
    const drawn = performance.now();
    await new Promise((res) => setTimeout(res, 50));
    return { postMs: posted - t0, totalMs: drawn - t0, reports: (host.counts.rendered ?? 0) - reports };
  }, N);
  line(`page-harness host -> panel posts per second (${N.toLocaleString('en')} 1-word deltas)`, `${Math.round(N / (r.postMs / 1000)).toLocaleString('en')}/s`);
  line('deltas per second the panel alone absorbs (posted -> all drawn)', `${Math.round(N / (r.totalMs / 1000)).toLocaleString('en')}/s  (${ms(r.totalMs)} for all)`);
  line('panel -> host posts meanwhile (render reports)', `${r.reports} (${Math.round(r.reports / (r.totalMs / 1000))}/s)`);
  await page.close();
}

/** A sentence of a long paragraph: inline markdown of the usual kinds, no line break. */
const SENTENCE = 'The panel draws **bold** words, `inline code` and [a link](https://example.com/page) in one long paragraph. ';

/**
 * What a reply streams as: its text so far (`size` bytes, the open block being the shape's own)
 * and the i-th delta after that. Prose is paragraphs; code is one open fence; a list is one list
 * with no blank lines; each delta is a word, with a new paragraph / line / item every 20 words. A
 * paragraph is one paragraph with no line break, and each delta a word, some bold or code.
 */
const SHAPES = {
  prose: { line: 'lorem ipsum dolor sit amet consectetur '.repeat(10) + '\n\n', head: '', delta: (i) => `${i % 20 === 19 ? '\n\n' : ''}word${i} ` },
  code: { line: '  const value = compute(items, "some text", 42); // comment\n', head: '```ts\n', delta: (i) => `${i % 20 === 19 ? '\n' : ''}word${i} ` },
  list: { line: '- an item with **bold** words and `code` in it\n', head: '', delta: (i) => `${i % 20 === 19 ? '\n- ' : ''}word${i} ` },
  paragraph: { line: SENTENCE, head: '', delta: (i) => (i % 10 === 3 ? `**word${i}** ` : i % 10 === 7 ? `\`word${i}\` ` : `word${i} `) },
};

/** Main-thread time per delta appended to a reply already `size` bytes long of `shape`, one delta per frame. */
async function costPerDelta(browser, server, size, shape) {
  const { page, cdp } = await newPage(browser);
  await openThread(page, server, { count: 1_000, pageSize: PAGE, latencyMs: 0 });
  const { line: unit, head, delta } = SHAPES[shape];
  await page.evaluate(async (text) => {
    window.__host.startStream();
    window.__host.delta(text);
  }, head + unit.repeat(Math.ceil(size / unit.length)).slice(0, size - head.length));
  await page.waitForFunction(() => document.querySelector('.message[data-status=streaming] .markdown-tail') !== null);
  await settle(page, 6);
  const K = 200;
  /** Main-thread time per frame over K frames, with or without a delta in each. */
  const perFrame = async (deltas) => {
    const before = { task: await metric(cdp, 'TaskDuration'), script: await metric(cdp, 'ScriptDuration'), style: await metric(cdp, 'RecalcStyleDuration'), layout: await metric(cdp, 'LayoutDuration') };
    await page.evaluate(async (texts) => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      for (const text of texts) {
        if (text) window.__host.delta(text);
        await frame();
      }
    }, Array.from({ length: K }, (_, i) => (deltas ? delta(i) : '')));
    const after = { task: await metric(cdp, 'TaskDuration'), script: await metric(cdp, 'ScriptDuration'), style: await metric(cdp, 'RecalcStyleDuration'), layout: await metric(cdp, 'LayoutDuration') };
    return Object.fromEntries(Object.keys(before).map((key) => [key, ((after[key] - before[key]) * 1000) / K]));
  };
  const idle = await perFrame(false);
  const busy = await perFrame(true);
  await page.close();
  // The frames' own cost (the loop, painting) is measured without deltas and taken off.
  return Object.fromEntries(Object.keys(busy).map((key) => [key, Math.max(0, busy[key] - idle[key])]));
}

/**
 * One 1 MB paragraph (SENTENCE repeated, no line break): streamed in 4 KB deltas with a frame
 * after each, and drawn from one delta. Wall time from the first delta to the last one drawn, and
 * the renderer's main-thread time meanwhile.
 */
async function longParagraph(browser, server) {
  const text = SENTENCE.repeat(Math.floor((1024 * 1024) / SENTENCE.length));
  // What the reply shows: the sentences without their marks, the last space trimmed.
  const shownLength = SENTENCE.replace(/\*\*|`|\[|\]\([^)]*\)/g, '').repeat(Math.floor((1024 * 1024) / SENTENCE.length)).trimEnd().length;
  const run = async (parts) => {
    const { page, cdp } = await newPage(browser);
    await openThread(page, server, { count: 1_000, pageSize: PAGE, latencyMs: 0 });
    const task = await metric(cdp, 'TaskDuration');
    const wallMs = await page.evaluate(async ({ deltas, length }) => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      window.__host.startStream();
      await frame();
      const t0 = performance.now();
      for (const delta of deltas) {
        window.__host.delta(delta);
        await frame();
      }
      // The last delta may be drawn a frame later (its post is a task of its own).
      const tail = () => document.querySelector('.message[data-status=streaming] .markdown-tail');
      while ((tail()?.textContent.length ?? 0) < length) await frame();
      return performance.now() - t0;
    }, { deltas: parts, length: shownLength });
    const taskMs = ((await metric(cdp, 'TaskDuration')) - task) * 1000;
    await page.close();
    return `${(wallMs / 1000).toFixed(2)} s (main thread ${(taskMs / 1000).toFixed(2)} s)`;
  };
  const deltas = [];
  for (let i = 0; i < text.length; i += 4096) deltas.push(text.slice(i, i + 4096));
  line(`one 1 MB paragraph, streamed (${deltas.length} deltas of 4 KB, a frame each)`, await run(deltas));
  line('one 1 MB paragraph, rendered whole (one delta)', await run([text]));
}

async function firstVisibleToken(browser, server) {
  const { page } = await newPage(browser);
  await openThread(page, server, { count: COUNT, pageSize: PAGE, latencyMs: 0 });
  const runs = await page.evaluate(async () => {
    const host = window.__host;
    const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const out = [];
    for (let i = 0; i < 12; i++) {
      host.startStream();
      await frame();
      const token = `firsttoken${i}`;
      const list = document.querySelector('.transcript-list');
      const seen = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (!list.querySelector('.message[data-status=streaming]')?.textContent.includes(token)) return;
          observer.disconnect();
          const inDom = performance.now();
          requestAnimationFrame(() => setTimeout(() => resolve({ inDom, painted: performance.now() }), 0));
        });
        observer.observe(list, { childList: true, subtree: true, characterData: true });
      });
      const t0 = performance.now();
      host.delta(token);
      const { inDom, painted } = await seen;
      out.push({ dom: inDom - t0, painted: painted - t0 });
      host.endStream();
      await frame();
    }
    return out.slice(2);
  });
  line('first token: page-harness host posts the delta -> text in the DOM', `${ms(median(runs.map((r) => r.dom)))}  (median of ${runs.length})`);
  line('first token: host posts the delta -> painted', ms(median(runs.map((r) => r.painted))));
  await page.close();
}

async function main() {
  buildIfNeeded();
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`Threadline webview benchmark: skipped, no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM=)`);
    return;
  }
  const server = await startPageServer();
  const runDir = newRunDir('bench');
  const context = await launchChromium(runDir);
  const browser = { newPage: () => context.newPage() };
  try {
    const probe = await context.newPage();
    const version = await probe.evaluate(() => navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1] ?? '');
    await probe.close();
    console.log(`Threadline webview benchmark: the panel in Chromium ${version} (headless, ${VIEWPORT.width}×${VIEWPORT.height}), a generated ${COUNT.toLocaleString('en')}-message thread paged ${PAGE} at a time; ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
    await firstPaint(browser, server);
    await domAndMemory(browser, server);
    await throughput(browser, server);
    const cost = (c) => `${c.task.toFixed(2)} ms (script ${c.script.toFixed(2)}, style ${c.style.toFixed(2)}, layout ${c.layout.toFixed(2)})`;
    for (const [shape, label] of [['prose', 'paragraphs'], ['code', 'in one open code fence'], ['list', 'in one list, no blank lines'], ['paragraph', 'in one paragraph, no line break']]) {
      for (const [size, name] of [[1024, '1 KB'], [1024 * 1024, '1 MB']]) line(`main-thread work per delta, reply of ${name} ${label}`, cost(await costPerDelta(browser, server, size, shape)));
    }
    await longParagraph(browser, server);
    await firstVisibleToken(browser, server);
  } finally {
    await context.close();
    await server.close();
    fs.rmSync(path.join(runDir, 'chromium-profile'), { recursive: true, force: true });
  }
}

await main();

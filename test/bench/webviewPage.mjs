// The panel's webview on its own, in a real browser page: dist/webview/webview.js and media/webview/*.css served
// as VS Code serves them (the same CSP, a nonce), with a stand-in for `acquireVsCodeApi` that plays
// the host. The stand-in answers `ready` with the newest page of a generated thread (`hasOlder`),
// answers loadOlder / loadNewer / revealMessage / loadLatest with pages and find with its hits (each
// answer echoing its request's id), streams replies on demand, and keeps the last render report. The thread is generated per message from its index
// (nothing of it is held in the page), so the page's heap is the panel's own.
//
// Used by the page tests (test/ui/*.ui.mjs, run by test/harness/ui.mjs) and the webview benchmark
// (test/bench/webview.mjs). `window.__host` in the page is the stand-in; see `fakeHost` below.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The generated thread and how the stand-in host behaves. */
export const DEFAULTS = { count: 100_000, pageSize: 100, latencyMs: 15, threadId: 'thread_long' };

/**
 * Runs in the page before the panel's script: `acquireVsCodeApi` and the host behind it. Keep it
 * self-contained (it is sent as source text).
 */
function fakeHost(config) {
  const { pageSize, latencyMs, threadId } = config;
  const WORDS = 'thread message reply model token context stream panel server window budget cache index page search cursor offset anchor frame layout'.split(' ');
  const CODE = 'export function pageOf(store, id, before) {\n  const { messages, hasOlder } = store.page(id, { before, limit: 50 });\n  return hasOlder ? messages[0].id : undefined;\n}';
  /** mulberry32: the same message for the same index, on every run. */
  const seeded = (seed) => () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** 100 B to 1.5 KB of prose, skewed short; every tenth message carries a code block. */
  const textOf = (i) => {
    const random = seeded(i * 7919 + 17);
    const target = 100 + Math.floor(random() ** 2 * 1400);
    let out = `Message ${i}. `;
    while (out.length < target) out += `${WORDS[Math.floor(random() * WORDS.length)]}${random() < 0.08 ? '.\n\n' : ' '}`;
    if (i % 25_000 === 7) out += ' needle';
    return i % 10 === 1 ? `${out}\n\n\`\`\`ts\n${CODE}\n\`\`\`\n` : out;
  };
  let total = config.count;
  /** Messages stored while the page ran (sent, streamed): index -> message. */
  const stored = new Map();
  const messageAt = (i) => stored.get(i) ?? {
    id: `msg_${i}`, threadId, role: i % 2 ? 'assistant' : 'user', content: [{ type: 'text', text: textOf(i) }],
    createdAt: 1_700_000_000_000 + i * 1000, status: 'complete',
  };
  const indexOf = (id) => Number(/^msg_(\d+)$/.exec(id)?.[1] ?? -1);
  const range = (from, to) => {
    const out = [];
    for (let i = Math.max(0, from); i < Math.min(total, to); i++) out.push(messageAt(i));
    return out;
  };
  const post = (message) => window.postMessage(message, '*');
  const later = (run) => setTimeout(run, latencyMs);
  const meta = () => ({ id: threadId, title: 'A very long thread', backend: 'responses', createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_000 + total * 1000, messageCount: total });
  let memory;
  let streaming;

  const host = {
    config,
    /** Types of the messages the panel posted, in order (reports left out), and counts of each. */
    received: [],
    counts: {},
    report: undefined,
    reports: 0,
    pagesServed: 0,
    get total() { return total; },
    textOf,
    post,
    messageAt,
    /** The thread's newest page, as the host's `state` holds it. */
    state() {
      const from = Math.max(0, total - pageSize);
      return {
        needsApiKey: false, provider: 'Stand-in', baseUrl: 'http://127.0.0.1/v1', model: 'test-model',
        threads: [meta()], currentThreadId: threadId, messages: range(from, total), hasOlder: from > 0,
        streaming: streaming ? { threadId, messageId: streaming.id, text: streaming.text } : undefined,
        pending: [], runLimits: undefined, queued: [], surface: 'view', listFilter: { showArchived: false, allWorkspaces: false }, workspaceFolder: undefined,
        // As in a test run of the extension (the page's tests read the reports too).
        reportRenders: true,
      };
    },
    /** A reply starts streaming at the end of the thread; returns its id. */
    startStream() {
      streaming = { id: `msg_${total}`, text: '' };
      post({ type: 'streamStart', threadId, messageId: streaming.id });
      return streaming.id;
    },
    delta(text) {
      streaming.text += text;
      post({ type: 'streamDelta', threadId, messageId: streaming.id, text });
    },
    /** The reply ends: stored, and sent as the stream's end. */
    endStream() {
      const message = { id: streaming.id, threadId, role: 'assistant', content: [{ type: 'text', text: streaming.text }], createdAt: Date.now(), status: 'complete' };
      stored.set(total++, message);
      streaming = undefined;
      post({ type: 'streamEnd', threadId, message });
      return message;
    },
    /** Streams `words` words, one delta each, `intervalMs` apart. */
    async streamWords(words, intervalMs = 10, make = (n) => `${n % 12 === 11 ? '\n\n' : ''}word${n} `) {
      for (let n = 0; n < words; n++) {
        host.delta(make(n));
        await new Promise((r) => setTimeout(r, intervalMs));
      }
    },
    /** The user's message, stored and sent. */
    userMessage(text) {
      const message = { id: `msg_${total}`, threadId, role: 'user', content: [{ type: 'text', text }], createdAt: Date.now(), status: 'complete' };
      stored.set(total++, message);
      post({ type: 'message', message });
      return message;
    },
    /** Host -> panel: show message `id` (as a search hit or a bookmark does). */
    reveal(messageId) {
      post({ type: 'revealMessage', messageId });
    },
  };
  window.__host = host;

  const answer = (message) => {
    switch (message.type) {
      case 'ready':
        post({ type: 'threads', threads: [meta()], currentThreadId: threadId, listFilter: { showArchived: false, allWorkspaces: false } });
        post({ type: 'state', state: host.state() });
        return;
      case 'loadOlder': {
        const before = indexOf(message.beforeId);
        const from = Math.max(0, before - pageSize);
        later(() => {
          host.pagesServed++;
          post({ type: 'page', requestId: message.requestId, threadId, messages: range(from, before), hasOlder: from > 0, hasNewer: true });
        });
        return;
      }
      case 'loadNewer': {
        const after = indexOf(message.afterId) + 1;
        later(() => {
          host.pagesServed++;
          post({ type: 'page', requestId: message.requestId, threadId, messages: range(after, after + pageSize), hasOlder: true, hasNewer: after + pageSize < total });
        });
        return;
      }
      case 'revealMessage': {
        const at = indexOf(message.messageId);
        const from = Math.max(0, Math.min(at - pageSize / 2, total - pageSize));
        later(() => {
          host.pagesServed++;
          post({ type: 'page', requestId: message.requestId, threadId, messages: range(from, from + pageSize), hasOlder: from > 0, hasNewer: from + pageSize < total });
        });
        return;
      }
      case 'loadLatest': {
        const from = Math.max(0, total - pageSize);
        later(() => {
          host.pagesServed++;
          post({ type: 'page', requestId: message.requestId, threadId, messages: range(from, total), hasOlder: from > 0, hasNewer: false });
        });
        return;
      }
      case 'find': {
        const query = message.query.toLowerCase();
        const messageIds = [];
        if (query.trim()) for (let i = 0; i < total && messageIds.length < 200; i++) if (messageAt(i).content[0].text.toLowerCase().includes(query)) messageIds.push(`msg_${i}`);
        later(() => post({ type: 'findResults', requestId: message.requestId, messageIds }));
        return;
      }
      case 'rendered':
        host.report = message.report;
        host.reports++;
        return;
      default:
        return;
    }
  };

  window.acquireVsCodeApi = () => ({
    postMessage(message) {
      if (message.type !== 'rendered') host.received.push(message.type);
      host.counts[message.type] = (host.counts[message.type] ?? 0) + 1;
      // The host answers in its own time, never inside the panel's call.
      setTimeout(() => answer(message), 0);
    },
    getState: () => memory,
    setState: (value) => { memory = value; },
  });

  // When the first message was painted: the frame after it entered the DOM.
  const firstMessage = new MutationObserver(() => {
    if (!document.querySelector('.message')) return;
    firstMessage.disconnect();
    host.firstMessageInDom = performance.now();
    requestAnimationFrame(() => setTimeout(() => { host.firstMessagePainted = performance.now(); }, 0));
  });
  firstMessage.observe(document, { childList: true, subtree: true });
}

/** Dark-theme values for the `--vscode-*` variables the panel reads (VS Code sets them on <html>). */
const THEME = `
html {
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace;
  --vscode-foreground: #cccccc; --vscode-descriptionForeground: #9d9d9d; --vscode-errorForeground: #f48771;
  --vscode-sideBar-background: #181818; --vscode-editor-background: #1f1f1f; --vscode-focusBorder: #0078d4;
  --vscode-input-background: #313131; --vscode-input-foreground: #cccccc; --vscode-input-border: #3c3c3c;
  --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff; --vscode-button-hoverBackground: #026ec1;
  --vscode-button-secondaryBackground: #313131; --vscode-button-secondaryForeground: #cccccc;
  --vscode-textLink-foreground: #4daafc; --vscode-textCodeBlock-background: #2b2b2b; --vscode-widget-shadow: #0000005c;
}`;

function pageHtml(config) {
  const nonce = randomBytes(16).toString('base64');
  const csp = ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src 'self' 'nonce-${nonce}'`, "font-src 'self'", "img-src 'self' data:"].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta property="csp-nonce" content="${nonce}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <style nonce="${nonce}">${THEME}</style>
  <link rel="stylesheet" href="/media/webview/panel.css">
  <title>Threadline (page harness)</title>
  <script nonce="${nonce}">(${fakeHost})(${JSON.stringify(config)});</script>
</head>
<body>
  <div id="app" class="app"></div>
  <script nonce="${nonce}" src="/dist/webview/webview.js"></script>
</body>
</html>`;
}

const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

/**
 * Serves the page on 127.0.0.1. `url(config)` is the page for a thread (see DEFAULTS); only
 * dist/ and media/ are served besides it, as VS Code's localResourceRoots allow.
 */
export async function startPageServer() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/') {
      const config = { ...DEFAULTS, ...JSON.parse(url.searchParams.get('config') ?? '{}') };
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(pageHtml(config));
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = path.normalize(path.join(REPO, decodeURIComponent(url.pathname)));
    const allowed = ['dist', 'media'].some((dir) => file.startsWith(path.join(REPO, dir) + path.sep));
    if (!allowed || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const base = `http://127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (server.address()).port}`;
  return {
    base,
    url: (config = {}) => `${base}/?config=${encodeURIComponent(JSON.stringify(config))}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Opens the panel on a generated thread in `page`; resolves once its messages are drawn. */
export async function openThread(page, server, config = {}) {
  const response = await page.goto(server.url(config));
  if (!response?.ok()) throw new Error(`page harness answered HTTP ${response?.status()}`);
  await page.locator('[data-testid=transcript] .message').first().waitFor({ timeout: 20_000 });
  await settle(page);
}

// ---- reading the panel (each runs in the page) ----

/** Waits two frames and a task: what was queued has been drawn and measured. */
export async function settle(page, frames = 2) {
  await page.evaluate((n) => new Promise((resolve) => {
    const step = (left) => (left ? requestAnimationFrame(() => step(left - 1)) : setTimeout(resolve, 0));
    step(n);
  }), frames);
}

/** What the transcript shows: the scroll position, the drawn rows and the first visible one. */
export function view(page) {
  return page.evaluate(() => {
    const scroller = document.querySelector('.transcript');
    const box = scroller.getBoundingClientRect();
    const rows = [...document.querySelectorAll('.transcript-list > .message')];
    const visible = rows.map((node) => ({ id: node.getAttribute('data-id'), top: node.getBoundingClientRect().top, bottom: node.getBoundingClientRect().bottom }))
      .filter((r) => r.bottom > box.top + 0.5 && r.top < box.bottom - 0.5)
      .sort((a, b) => a.top - b.top);
    return {
      scrollTop: scroller.scrollTop,
      scrollHeight: scroller.scrollHeight,
      clientHeight: scroller.clientHeight,
      fromEnd: scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight,
      mounted: document.querySelectorAll('.message').length,
      first: visible[0],
      last: visible.at(-1),
      visibleIds: visible.map((r) => r.id),
      jumpShown: !document.querySelector('[data-testid=jump-latest]').hasAttribute('hidden'),
      revealed: document.querySelector('.message-revealed')?.getAttribute('data-id'),
      pagesServed: window.__host.pagesServed,
      loaded: window.__host.report?.messageIds.length,
    };
  });
}

/** The top of row `id` relative to the viewport, or undefined when it is not drawn. */
export function rowTop(page, id) {
  return page.evaluate((messageId) => document.querySelector(`.message[data-id="${messageId}"]`)?.getBoundingClientRect().top, id);
}

/** Polls `predicate` (run in the page with `arg`) until it is truthy; returns its value. */
export async function until(page, predicate, arg, { timeout = 10_000, what = 'condition' } = {}) {
  const handle = await page.waitForFunction(predicate, arg, { timeout, polling: 'raf' }).catch((e) => {
    throw new Error(`${what} not met within ${timeout} ms: ${e.message.split('\n')[0]}`);
  });
  return handle.jsonValue();
}

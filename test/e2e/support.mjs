// What the end-to-end files share: opening the panel, sending, waiting for replies, picking files
// in code-server's simple file dialog, and a real PNG. Each function takes the harness's `t`.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The stand-in's deterministic reply rule (built from test/stand-in/replies.ts). */
export const { expectedReply } = require(path.join(repo, 'out', 'test', 'stand-in', 'replies.js'));

export const API_KEY = 'sk-test-e2e';

/** The stand-in's control routes live beside /v1. */
export const controlUrl = (t, route) => new URL(`/__stand-in/${route}`, t.standInUrl).href;

export const messages = (t, role) => t.webview().locator(`[data-testid=transcript] .message${role ? `[data-role=${role}]` : ''}`);

export async function openChatView(t) {
  // "Focus on Chat View" is the command VS Code adds for the view (threadline.chat.focus).
  await t.runCommand(t.page, 'Threadline: Focus on Chat View');
  await t.webview().locator('[data-testid=composer]').waitFor({ timeout: 30_000 });
}

export async function send(t, text) {
  const box = t.webview().locator('[data-testid=composer] textarea');
  await box.click();
  await box.fill(text);
  await t.webview().locator('[data-testid=send]').click();
}

/** Sends `text` and resolves with the new reply's locator once it has completed. */
export async function sendAndAwaitReply(t, text) {
  const before = await messages(t, 'assistant').count();
  await send(t, text);
  await expectCount(messages(t, 'assistant'), before + 1, 30_000);
  const reply = messages(t, 'assistant').nth(before);
  await reply.and(t.webview().locator('[data-status=complete]')).waitFor({ timeout: 30_000 });
  return reply;
}


/**
 * The simple file dialog VS Code shows in the browser: a quick input that starts in the
 * workspace folder and lists its files. Pick the file's row, then accept.
 */
export async function pickFile(t, file) {
  const input = t.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  const name = path.basename(file);
  assert.equal(path.dirname(file), t.workspace, 'pickFile picks files in the workspace folder');
  await t.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().click();
  await t.page.waitForFunction((n) => (/** @type {HTMLInputElement | null} */ (document.querySelector('.quick-input-widget input'))?.value ?? '').endsWith(n), name, { timeout: 10_000 });
  await t.page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
}

/** A 32×32 two-colour PNG, built by hand so the screenshot shows a real picture. */
export function checkerPng() {
  const size = 32;
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = [0];
    for (let x = 0; x < size; x++) row.push(...((x >> 3) + (y >> 3)) % 2 ? [0x1e, 0x88, 0xe5] : [0xff, 0xc1, 0x07]);
    rows.push(...row);
  }
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Polls until `locator` matches `n` elements. */
export async function expectCount(locator, n, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let count;
  while ((count = await locator.count()) !== n) {
    if (Date.now() > deadline) assert.fail(`expected ${n} elements, found ${count}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stores the e2e key through the palette and waits for the panel to stop asking for one. */
export async function setApiKey(t) {
  await t.runCommand(t.page, 'Threadline: Set API Key');
  await t.answerInputBox(t.page, API_KEY);
  await t.webview().locator('[data-testid=notice]').waitFor({ state: 'hidden', timeout: 15_000 });
}

/** The first step of a file whose tests need the panel open with a key set. */
export const panelReadyWithKey = {
  name: 'the panel is ready with a key',
  async run(t) {
    await openChatView(t);
    await setApiKey(t);
  },
};

// Images a message holds only by file id (too big for a preview, or read back from a server
// thread) in a real VS Code: the host downloads them once into its cache and the panel shows them
// from a webview URI; a download that fails shows a placeholder that says why, and the message
// itself still shows.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ThreadlineTestApi } from '../../../src/host/testApi';
import { chooseBackend, openRemoteThread, setLimits } from './answers';
import { clearFaults, injectFault, PNG, readyPanel, recordedRequests, resetBackendSetting, scratchFolder, standInUrl } from './helpers';

const KEY = 'sk-images';

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** The 1×1 PNG with an ancillary chunk of `padding` bytes (which decoders skip) before IEND. */
function bigPng(padding: number): Buffer {
  const iend = PNG.length - 12;
  const type = Buffer.from('teXt');
  const data = Buffer.alloc(padding, 0x20);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(padding);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([type, data])));
  return Buffer.concat([PNG.subarray(0, iend), length, type, data, crc, PNG.subarray(iend)]);
}

/**
 * A src that names the cached copy through a webview resource URI (asWebviewUri: its form differs
 * between desktop and the browser), never a data: URL or the server's own URL.
 */
function fromCache(src: string | undefined): boolean {
  if (!src || src.startsWith('data:') || src.startsWith(standInUrl())) return false;
  return /image-cache\/[0-9a-f]{40}\.png(\?|$)/.test(decodeURIComponent(src));
}

async function api(pathname: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(`${standInUrl()}${pathname}`, { ...init, headers: { authorization: `Bearer ${KEY}`, ...(init.headers as Record<string, string> | undefined) } });
  assert.equal(res.status, 200, await res.clone().text());
  return res;
}

/** A conversation made on the server, not in Threadline, whose first message is an image by file id. */
async function conversationWithImage(fileId: string): Promise<string> {
  const body = { items: [{ type: 'message', role: 'user', content: [{ type: 'input_image', file_id: fileId, detail: 'auto' }, { type: 'input_text', text: 'What is in this picture?' }] }] };
  const res = await api('/conversations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return ((await res.json()) as { id: string }).id;
}

async function uploadPng(name: string): Promise<string> {
  const form = new FormData();
  form.append('purpose', 'vision');
  form.append('file', new Blob([PNG], { type: 'image/png' }), name);
  const res = await api('/files', { method: 'POST', body: form });
  return ((await res.json()) as { id: string }).id;
}

suite('Images fetched by file id', () => {
  let threadline: ThreadlineTestApi;
  let scratch: ReturnType<typeof scratchFolder>;

  suiteSetup(async () => {
    threadline = await readyPanel(KEY);
    scratch = scratchFolder('images-');
  });

  suiteTeardown(async () => {
    await clearFaults();
    await resetBackendSetting();
    scratch.remove();
  });

  teardown(() => clearFaults());

  test('an image too big for a preview is downloaded once and shown from the cache through a webview URI', async () => {
    await vscode.commands.executeCommand('threadline.newThread');
    await chooseBackend(threadline, 'responses');
    const big = bigPng(1_200_000);
    assert.equal(await vscode.commands.executeCommand<boolean>('threadline.attachImage', scratch.write('big.png', big)), true);
    await threadline.view.receive({ type: 'send', text: 'What is in this big picture?' });
    const threadId = threadline.view.currentThreadId!;
    const user = (await threadline.store.messages(threadId)).find((m) => m.role === 'user')!;
    const image = user.content.find((p) => p.type === 'image');
    assert.ok(image?.type === 'image' && image.fileId, 'the image was uploaded');
    assert.equal(image.dataUrl, undefined, 'no preview is kept for an image over 1 MB');

    // Loaded, not only named: the cache folder is a resource root and the CSP lets it in.
    const report = await threadline.view.waitForRender((r) => r.threadId === threadId && (r.images ?? []).some((i) => i.loaded));
    const shown = report.images!.find((i) => i.name === 'big.png');
    assert.ok(shown?.src, JSON.stringify(report.images));
    assert.ok(fromCache(shown.src), shown.src);
    const cached = fs.readdirSync(path.join(threadline.storageDir, 'image-cache')).filter((name) => name.endsWith('.png'));
    assert.ok(cached.some((name) => fs.readFileSync(path.join(threadline.storageDir, 'image-cache', name)).equals(big)), 'the cache holds the downloaded bytes');

    // Shown again (a refresh draws the panel anew): from the cache, not downloaded again.
    await setLimits(threadline, 'setRunLimits', { maxCompletionTokens: 500 });
    await threadline.view.waitForRender((r) => (r.images ?? []).some((i) => i.src) && /next message/.test(r.gauge ?? ''));
    const downloads = (await recordedRequests()).filter((r) => r.method === 'GET' && r.path.endsWith(`/files/${image.fileId}/content`));
    assert.equal(downloads.length, 1, 'downloaded once');
    await threadline.view.receive({ type: 'clearRunLimits' });
  });

  test('a thread opened from the server by id shows its image, held there only by file id', async () => {
    const fileId = await uploadPng('server.png');
    const threadId = await openRemoteThread(threadline, await conversationWithImage(fileId));
    const report = await threadline.view.waitForRender((r) => r.threadId === threadId && (r.images ?? []).some((i) => i.loaded));
    // Named as the server names the file (one lookup), shown from the cache.
    assert.deepEqual(report.images!.map((i) => [i.name, fromCache(i.src)]), [['server.png', true]], JSON.stringify(report.images));
  });

  test('a download that fails shows a placeholder that says why, and the message still shows', async () => {
    const fileId = await uploadPng('gone.png');
    await injectFault({ method: 'GET', path: `/files/${fileId}/content`, status: 404, message: `No such File object: ${fileId}` });
    const threadId = await openRemoteThread(threadline, await conversationWithImage(fileId));
    const report = await threadline.view.waitForRender((r) => r.threadId === threadId && (r.images ?? []).some((i) => i.failed));
    const failed = report.images!.find((i) => i.name === 'gone.png');
    assert.ok(failed?.failed, JSON.stringify(report.images));
    assert.equal(failed.src, undefined);
    assert.match(failed.failed, /^Image gone\.png could not be loaded: the server no longer has this file \(404\)/);
    assert.equal(report.messageIds.length, 1);
    assert.equal(report.lastText, 'What is in this picture?');
  });
});

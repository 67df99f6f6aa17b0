// End-to-end: attaching by drag and drop and by paste, in a real workbench and browser. The
// events are the browser's own DragEvent / ClipboardEvent carrying a real DataTransfer, as
// VS Code's explorer (a `text/uri-list` of workspace files) and the OS (File objects) send them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkerPng, controlUrl, messages, panelReadyWithKey, sendAndAwaitReply } from './support.mjs';

const chip = (t, name) => t.webview().locator('[data-testid=pending] .chip', { hasText: name });

/** Fires dragenter/dragover/drop on the panel's body with a DataTransfer built by `fill`. */
async function drop(t, payload) {
  await t.webview().locator('body').evaluate((body, { uris, files }) => {
    const data = new DataTransfer();
    if (uris) data.setData('text/uri-list', uris.join('\r\n'));
    for (const f of files ?? []) data.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
    const init = { dataTransfer: data, bubbles: true, cancelable: true, composed: true };
    body.dispatchEvent(new DragEvent('dragenter', init));
    const over = new DragEvent('dragover', init);
    body.dispatchEvent(over);
    if (!over.defaultPrevented) throw new Error('the panel did not accept the drag (dragover not prevented)');
    body.dispatchEvent(new DragEvent('drop', init));
  }, payload);
}

export const tests = [
  panelReadyWithKey,
  {
    name: 'a file dragged from the explorer is attached as a chip',
    async run(t) {
      const file = path.join(t.workspace, 'dropped.md');
      fs.writeFileSync(file, '# Dropped\nThis file arrived by drag and drop.\n');
      await drop(t, { uris: [pathToFileURL(file).href] });
      await chip(t, 'dropped.md').waitFor({ timeout: 20_000 });
    },
  },
  {
    name: 'a file dropped from outside VS Code is attached as a chip',
    async run(t) {
      await drop(t, { files: [{ name: 'outside.txt', type: 'text/plain', bytes: [...Buffer.from('From the desktop.\n')] }] });
      await chip(t, 'outside.txt').waitFor({ timeout: 20_000 });
    },
  },
  {
    name: 'an image pasted into the composer is attached, shown and sent for vision',
    async run(t) {
      const box = t.webview().locator('[data-testid=composer] textarea');
      await box.click();
      await box.evaluate((el, bytes) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], 'image.png', { type: 'image/png' }));
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true }));
      }, [...checkerPng()]);
      await chip(t, 'image.png').waitFor({ timeout: 20_000 });
      assert.equal(await box.inputValue(), '', 'the pasted image must not land in the text box');
      await t.screenshot('dropped-and-pasted');

      await fetch(controlUrl(t, 'requests'), { method: 'DELETE' });
      const reply = await sendAndAwaitReply(t, 'What did I drop and paste?');
      const image = messages(t, 'user').last().locator('img.message-image');
      await image.waitFor({ timeout: 20_000 });
      assert.equal(await image.evaluate((img) => img.naturalWidth), 32, 'the pasted image did not load in the panel');
      // The stand-in names each image it sees and cites each file by name.
      assert.match(await reply.innerText(), /image \(image\/png\)/);
      const references = await reply.locator('[data-testid=reference]').allInnerTexts();
      assert.deepEqual(references.map((r) => r.replace(/^\[\d+\]\s*/, '').trim()).sort(), ['dropped.md', 'outside.txt']);
      const recorded = await (await fetch(controlUrl(t, 'requests'))).json();
      assert.equal(await t.webview().locator('[data-testid=pending] .chip').count(), 0, 'the chips went with the message');
      assert.ok(recorded.some((r) => r.method === 'POST' && /\/responses$/.test(r.path)), 'the message was not sent');
    },
  },
  {
    name: 'a drop naming something that is not a file is refused with a message',
    async run(t) {
      await drop(t, { uris: ['https://example.com/page.html'] });
      const notice = t.webview().locator('[data-testid=notice]');
      await notice.filter({ hasText: /only files/ }).waitFor({ timeout: 15_000 });
      assert.equal(await t.webview().locator('[data-testid=pending] .chip').count(), 0);
    },
  },
];

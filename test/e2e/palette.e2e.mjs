// End-to-end: the palette actions that need the workbench's own UI (a quick pick to choose from,
// the panel to open, a reply to stop), run by their titles as a user would.
import assert from 'node:assert/strict';
import { controlUrl, expectCount, messages, send, setApiKey } from './support.mjs';

/** Polls until the text box holds `text`. */
async function expectValue(box, text, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while ((await box.inputValue()) !== text) {
    if (Date.now() > deadline) assert.fail(`the composer holds ${JSON.stringify(await box.inputValue())}, not ${JSON.stringify(text)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const recorded = async (t) => (await fetch(controlUrl(t, 'requests'))).json();

export const tests = [
  {
    name: 'Threadline: Focus Chat Panel opens the panel with the composer',
    async run(t) {
      await t.runCommand(t.page, 'Threadline: Focus Chat Panel');
      await t.webview().locator('[data-testid=composer]').waitFor({ timeout: 30_000 });
      await setApiKey(t);
    },
  },
  {
    name: 'Threadline: Choose Model lists the server\'s models, and the next reply uses the one picked',
    async run(t) {
      await t.runCommand(t.page, 'Threadline: Choose Model');
      const row = t.page.locator('.quick-input-list .monaco-list-row', { hasText: 'stand-in-echo' });
      await row.waitFor({ timeout: 15_000 });
      // Every model GET /models returned is offered.
      for (const id of ['gpt-4.1-mini', 'gpt-4o']) assert.equal(await t.page.locator('.quick-input-list .monaco-list-row', { hasText: id }).count(), 1, `${id} is not offered`);
      await row.click();
      await t.webview().locator('.footer', { hasText: 'stand-in-echo' }).waitFor({ timeout: 15_000 });

      await fetch(controlUrl(t, 'requests'), { method: 'DELETE' });
      await send(t, 'Which model answers?');
      await messages(t, 'assistant').last().and(t.webview().locator('[data-status=complete]')).waitFor({ timeout: 30_000 });
      const create = (await recorded(t)).find((r) => r.method === 'POST' && /\/responses$/.test(r.path));
      assert.equal(create?.body?.model, 'stand-in-echo');
    },
  },
  {
    name: 'Threadline: Stop Reply ends the reply streaming in the panel and keeps it',
    async run(t) {
      await fetch(controlUrl(t, 'faults'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: '/v1/responses', stallMs: 15_000, times: 1 }) });
      const before = await messages(t, 'assistant').count();
      await send(t, 'Take your time');
      await t.webview().locator('[data-testid=stop]').waitFor({ state: 'visible', timeout: 15_000 });
      await t.runCommand(t.page, 'Threadline: Stop Reply');
      const reply = messages(t, 'assistant').nth(before);
      await reply.and(t.webview().locator('[data-status=cancelled]')).waitFor({ timeout: 15_000 });
      await t.webview().locator('[data-testid=stop]').waitFor({ state: 'hidden', timeout: 5_000 });
    },
  },
  {
    name: 'a stopped reply offers Retry, which asks again without repeating the message; Edit and Copy work on messages',
    async run(t) {
      const users = await messages(t, 'user').count();
      const replies = await messages(t, 'assistant').count();
      const stopped = messages(t, 'assistant').last();
      await stopped.hover();
      // Only the latest reply offers to ask again; an older one does not.
      assert.equal(await messages(t, 'assistant').first().locator('[data-testid=message-regenerate]').isVisible(), false);
      await stopped.locator('[data-testid=message-retry]').click();
      await expectCount(messages(t, 'assistant'), replies + 1, 30_000);
      const again = messages(t, 'assistant').last();
      await again.and(t.webview().locator('[data-status=complete]')).waitFor({ timeout: 30_000 });
      assert.match(await again.locator('.message-text').innerText(), /Take your time/);
      assert.equal(await messages(t, 'user').count(), users, 'the message was stored twice');
      // The latest reply now offers Regenerate; the stopped one no longer offers Retry.
      await again.hover();
      await again.locator('[data-testid=message-regenerate]').waitFor({ state: 'visible', timeout: 5_000 });
      assert.equal(await stopped.locator('[data-testid=message-retry]').isVisible(), false);

      await again.hover();
      await again.locator('[data-testid=message-copy]').click();
      await t.page.locator('.part.statusbar', { hasText: 'copied to the clipboard' }).waitFor({ timeout: 10_000 });

      // Regenerate asks the server again for the same message, and the new reply is the latest.
      await fetch(controlUrl(t, 'requests'), { method: 'DELETE' });
      await again.locator('[data-testid=message-regenerate]').click();
      await expectCount(messages(t, 'assistant'), replies + 2, 30_000);
      await messages(t, 'assistant').last().and(t.webview().locator('[data-status=complete]')).waitFor({ timeout: 30_000 });
      assert.match(JSON.stringify((await recorded(t)).find((r) => r.method === 'POST' && /\/responses$/.test(r.path))?.body ?? {}), /Take your time/);
      assert.equal(await messages(t, 'user').count(), users, 'Regenerate stored the message again');

      // Edit puts the message back in the composer; what is sent is the edited text.
      await messages(t, 'user').last().hover();
      await messages(t, 'user').last().locator('[data-testid=message-edit]').click();
      const box = t.webview().locator('[data-testid=composer] textarea');
      await expectValue(box, 'Take your time');
      await box.fill('Take your time, edited');
      await fetch(controlUrl(t, 'requests'), { method: 'DELETE' });
      await t.webview().locator('[data-testid=send]').click();
      await expectCount(messages(t, 'user'), users + 1, 30_000);
      assert.equal(await messages(t, 'user').last().locator('.message-text').innerText(), 'Take your time, edited');
      await messages(t, 'assistant').last().and(t.webview().locator('[data-status=complete]')).waitFor({ timeout: 30_000 });
      assert.match(JSON.stringify((await recorded(t)).find((r) => r.method === 'POST' && /\/responses$/.test(r.path))?.body ?? {}), /Take your time, edited/);
    },
  },
  {
    name: 'a reply that failed offers Retry, which gets the reply',
    async run(t) {
      const replies = await messages(t, 'assistant').count();
      await fetch(controlUrl(t, 'faults'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: '/v1/responses', status: 400, times: 1 }) });
      await send(t, 'Fail once please');
      const failed = messages(t, 'assistant').nth(replies);
      await failed.and(t.webview().locator('[data-status=error]')).waitFor({ timeout: 30_000 });
      await failed.hover();
      assert.equal(await failed.locator('[data-testid=message-regenerate]').isVisible(), false);
      await failed.locator('[data-testid=message-retry]').click();
      await expectCount(messages(t, 'assistant'), replies + 2, 30_000);
      const retried = messages(t, 'assistant').last();
      await retried.and(t.webview().locator('[data-status=complete]')).waitFor({ timeout: 30_000 });
      assert.match(await retried.locator('.message-text').innerText(), /Fail once please/);
    },
  },
  {
    name: 'Threadline: Clear API Key removes the key and the panel asks for one again',
    async run(t) {
      await t.runCommand(t.page, 'Threadline: Clear API Key');
      const notice = t.webview().locator('[data-testid=notice]');
      await notice.filter({ hasText: /API key/i }).waitFor({ state: 'visible', timeout: 15_000 });
      await t.webview().locator('[data-testid=set-key]').waitFor({ state: 'visible' });
    },
  },
];

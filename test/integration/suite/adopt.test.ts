// Adopting server threads the library lacks, by id (nothing lists them): several pasted ids come
// in at once, one the library already has is only opened, a bad one is reported.
import * as assert from 'node:assert/strict';
import { messageText } from '../../../src/core/model';
import type { ThreadlineTestApi } from '../../../src/host/testApi';
import { openRemoteThread } from './answers';
import { readyPanel, standInUrl } from './helpers';

async function conversationOnServer(text: string): Promise<string> {
  const res = await fetch(`${standInUrl()}/conversations`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-adopt', 'content-type': 'application/json' },
    body: JSON.stringify({ items: [{ type: 'message', role: 'user', content: text }] }),
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { id: string }).id;
}

suite('Adopting server threads by id', () => {
  let api: ThreadlineTestApi;

  suiteSetup(async () => {
    api = await readyPanel('sk-adopt');
  });

  test('several ids at once: new ones become threads, a known one is not copied twice, a missing one is reported', async () => {
    const first = await conversationOnServer('made on another machine');
    const second = await conversationOnServer('made by a script');
    const known = await openRemoteThread(api, first);
    const count = api.store.list().length;

    const opened = await openRemoteThread(api, `${first}, ${second} conv_doesnotexist`);
    assert.equal(api.store.list().length, count + 1, 'only the unknown conversation became a new thread');
    const adopted = api.store.list().find((t) => t.remoteId === second)!;
    assert.equal(opened, adopted.id);
    assert.deepEqual((await api.store.messages(adopted.id)).map(messageText), ['made by a script']);
    assert.equal(api.store.list().filter((t) => t.remoteId === first).length, 1);
    assert.equal(api.store.get(known)!.remoteId, first);
    await api.view.waitForRender((r) => r.threadId === adopted.id);
  });
});

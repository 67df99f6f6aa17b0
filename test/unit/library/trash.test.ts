import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ThreadStore } from '../../../src/core/library/threadStore';
import { tempDir, textMessage } from '../fakes/fixtures';
import { waitFor } from '../fakes/libraryChecks';

const DAY = 24 * 60 * 60 * 1000;

describe('Recently Deleted', () => {
  test('a deleted thread can be restored for 30 days, whole; after that it is gone for good', async () => {
    const dir = await tempDir();
    let now = 1_700_000_000_000;
    const clock = () => now;
    const store = await ThreadStore.open(dir, { now: clock });
    const old = await store.create({ backend: 'chat', title: 'Deleted long ago' });
    await store.append(old.id, textMessage(old.id, 'm1', 'keep?', now));
    await store.delete(old.id);
    now += 5 * DAY;
    const recent = await store.create({ backend: 'chat', title: 'Deleted lately' });
    await store.delete(recent.id);
    await store.dispose();

    // 29 days on, both are there, and the older comes back whole.
    now += 24 * DAY;
    const month = await ThreadStore.open(dir, { now: clock });
    assert.deepEqual((await month.trash()).map((e) => e.thread.title), ['Deleted lately', 'Deleted long ago']);
    await month.restore(old.id);
    assert.deepEqual((await month.messages(old.id)).map((m) => m.id), ['m1']);
    await month.delete(old.id);
    await month.dispose();

    // 31 days after the second delete: that one goes at the next start; the first, deleted again
    // later, stays until its own 30 days are over.
    now += 31 * DAY - 24 * DAY;
    const later = await ThreadStore.open(dir, { now: clock });
    await waitFor(async () => (await later.trash()).length === 1, 'the old one purged');
    assert.deepEqual((await later.trash()).map((e) => e.thread.title), ['Deleted long ago']);
    const left = await fs.readdir(path.join(dir, 'threads', 'trash'));
    assert.deepEqual(left.sort(), [`${old.id}.json`, `${old.id}.jsonl`]);
    await assert.rejects(later.restore(recent.id), /no longer in Recently Deleted/);
  });

  test('a thread a crashed restore left both back and in the trash is really deleted by the next delete', async () => {
    const dir = await tempDir();
    const store = await ThreadStore.open(dir);
    const thread = await store.create({ backend: 'chat', title: 'Half restored' });
    await store.append(thread.id, textMessage(thread.id, 'm1', 'hi', 1));
    await store.delete(thread.id);
    // The restore linked the file back, then the window died before it cleared the trash.
    const trashed = path.join(dir, 'threads', 'trash', `${thread.id}.jsonl`);
    await fs.link(trashed, path.join(dir, 'threads', `${thread.id}.jsonl`));
    await store.refresh();
    assert.equal(store.get(thread.id)?.title, 'Half restored');

    await store.delete(thread.id);
    await store.refresh();
    assert.equal(store.get(thread.id), undefined, 'gone from the list');
    assert.equal((await ThreadStore.open(dir)).get(thread.id), undefined, 'and from every window');
    assert.deepEqual((await store.trash()).map((e) => e.thread.id), [thread.id]);
    await store.restore(thread.id);
    assert.deepEqual((await store.messages(thread.id)).map((m) => m.id), ['m1']);
  });
});

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Message } from '../../src/core/model';
import { findInStoredThread, findInThread, searchThreads } from '../../src/core/library/search';
import { ThreadStore } from '../../src/core/library/threadStore';
import { steppingClock, textMessage } from './fakes/fixtures';

const FILLER = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore. ';

describe('searchThreads', () => {
  let store: ThreadStore;
  let dir: string;
  const threadIds: string[] = [];

  // One library shared by the suite (tempDir's cleanup would run after the first test).
  before(async () => {
    const clock = steppingClock();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'threadline-test-'));
    store = await ThreadStore.open(dir, { now: clock });
    for (let i = 0; i < 50; i++) {
      const t = await store.create({ backend: 'responses', title: i === 7 ? 'Quarterly Budget review' : `Thread ${i}` });
      threadIds.push(t.id);
      await store.append(t.id, textMessage(t.id, `m${i}a`, `${FILLER}message number ${i} ${FILLER}`, clock()));
      await store.append(t.id, textMessage(t.id, `m${i}b`, 'an ordinary reply', clock(), 'assistant'));
    }
    const t20 = threadIds[20] as string;
    await store.append(t20, textMessage(t20, 'needle', `${FILLER}${FILLER}The ZEBRA crossing near the Station was closed. ${FILLER}`, clock()));
    const t40 = threadIds[40] as string;
    await store.append(t40, textMessage(t40, 'cpp', 'Is C++ "really" faster than Rust?', clock()));
    const t33 = threadIds[33] as string;
    await store.append(t33, {
      id: 'withFile',
      threadId: t33,
      role: 'user',
      content: [{ type: 'file', name: 'budget-2024.xlsx', fileId: 'file_1' }, { type: 'text', text: 'see attached' }],
      createdAt: clock(),
      status: 'complete',
    });
  });

  after(() => fs.rm(dir, { recursive: true, force: true }));

  test('finds a title, case-insensitively', async () => {
    const hits = await searchThreads(store, 'quarterly');
    assert.deepEqual(hits, [{ threadId: threadIds[7], title: 'Quarterly Budget review', snippet: 'Quarterly Budget review', field: 'title' }]);
  });

  test('finds message text, with a snippet of about 80 characters around the match', async () => {
    const hits = await searchThreads(store, 'zebra');
    assert.equal(hits.length, 1);
    const [hit] = hits;
    assert.equal(hit?.threadId, threadIds[20]);
    assert.equal(hit?.messageId, 'needle');
    assert.equal(hit?.field, 'text');
    assert.match(hit?.snippet ?? '', /ZEBRA crossing/);
    assert.ok((hit?.snippet.length ?? 0) <= 82, hit?.snippet);
    assert.ok(hit?.snippet.startsWith('…') && hit.snippet.endsWith('…'));
  });

  test('finds attachment names', async () => {
    const hits = await searchThreads(store, 'XLSX');
    assert.deepEqual(hits.map((h) => [h.threadId, h.messageId, h.field, h.snippet]), [[threadIds[33], 'withFile', 'attachment', 'budget-2024.xlsx']]);
  });

  test('every word must match in one field (AND)', async () => {
    assert.deepEqual((await searchThreads(store, 'zebra station')).map((h) => h.messageId), ['needle']);
    assert.deepEqual(await searchThreads(store, 'zebra giraffe'), []);
    const budget = await searchThreads(store, 'budget');
    assert.deepEqual(budget.map((h) => h.field).sort(), ['attachment', 'title']);
  });

  test('matches across many threads, most recent first, up to the limit', async () => {
    const all = await searchThreads(store, 'message number');
    assert.equal(all.length, 50);
    assert.equal(new Set(all.map((h) => h.threadId)).size, 50);
    assert.deepEqual(all.slice(0, 2).map((h) => h.threadId), store.list().slice(0, 2).map((t) => t.id));
    assert.equal((await searchThreads(store, 'message number', { limit: 5 })).length, 5);
    assert.deepEqual(await searchThreads(store, '   '), []);
  });

  test('a stopped search reads no further threads and returns what it had', async () => {
    const stop = new AbortController();
    let read = 0;
    const counting = {
      list: () => store.list(),
      eachMessage: (id: string) => {
        // Stopped while the first thread with a hit is read: as when the user types on.
        if (++read === 1) stop.abort();
        return store.eachMessage(id);
      },
    };
    const hits = await searchThreads(counting, 'ordinary reply', { signal: stop.signal });
    assert.equal(read, 1);
    assert.equal(hits.length, 1);
    assert.equal((await searchThreads(store, 'ordinary reply')).length, 50);
  });

  test('treats regex characters literally', async () => {
    assert.deepEqual(await searchThreads(store, '.*'), []);
  });

  test('finds words with punctuation, and words next to quotes', async () => {
    assert.deepEqual((await searchThreads(store, 'c++')).map((h) => h.messageId), ['cpp']);
    assert.deepEqual((await searchThreads(store, 'REALLY faster')).map((h) => h.messageId), ['cpp']);
    assert.deepEqual((await searchThreads(store, '"really"')).map((h) => h.messageId), ['cpp']);
    assert.deepEqual(await searchThreads(store, 'c#'), []);
  });

  test('a word every thread file holds outside message text (a role, a status) is no hit, and no thread is parsed for it', async () => {
    let parsed = 0;
    const counting = {
      list: () => store.list(),
      storedText: (id: string) => store.storedText(id),
      eachMessage: (id: string) => (parsed++, store.eachMessage(id)),
    };
    assert.deepEqual(await searchThreads(counting, 'assistant'), []);
    assert.deepEqual(await searchThreads(counting, 'complete'), []);
    assert.equal(parsed, 0);
    // A thread that does hold the word is still read and found.
    assert.equal((await searchThreads(counting, 'ordinary reply')).length, 50);
    assert.equal(parsed, 50);
  });
});

describe('findInThread', () => {
  test('returns the ids of matching messages in order', () => {
    const messages: Message[] = [
      textMessage('t', 'a', 'Apples and pears', 1),
      textMessage('t', 'b', 'only pears', 2),
      textMessage('t', 'c', 'PEARS with apples', 3),
      { id: 'd', threadId: 't', role: 'user', content: [{ type: 'image', name: 'apples-pears.png', mime: 'image/png' }], createdAt: 4, status: 'complete' },
    ];
    assert.deepEqual(findInThread(messages, 'apples pears'), ['a', 'c', 'd']);
    assert.deepEqual(findInThread(messages, 'pears'), ['a', 'b', 'c', 'd']);
    assert.deepEqual(findInThread(messages, ''), []);
  });
});

describe('findInStoredThread', () => {
  test('finds across pages of a stored thread, in order, the same as over the whole thread', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'threadline-test-'));
    try {
      const store = await ThreadStore.open(dir, { now: steppingClock() });
      const thread = await store.create({ backend: 'chat' });
      for (let i = 0; i < 1234; i++) await store.append(thread.id, textMessage(thread.id, `m${i}`, i % 97 === 0 ? `needle number ${i}` : `hay ${i}`, i));
      const found = await findInStoredThread(store, thread.id, 'needle', 100);
      assert.deepEqual(found, findInThread(await store.messages(thread.id), 'needle'));
      assert.equal(found.length, 13);
      assert.deepEqual(found.slice(0, 2), ['m0', 'm97']);
      assert.deepEqual(await findInStoredThread(store, thread.id, '   '), []);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

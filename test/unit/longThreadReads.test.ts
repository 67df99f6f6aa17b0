// Commands that touch one message or search the library read only what they need from a long
// thread: toggling a bookmark and listing bookmarks read messages by id, search reads threads a
// chunk at a time and stops once it has its hits. Proven by counting the bytes the store reads.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { describe, test } from 'node:test';
import { bookmarkedMessages } from '../../src/core/library/bookmarks';
import { createChat } from '../../src/core/chat/createChat';
import { searchThreads } from '../../src/core/library/search';
import { ThreadStore } from '../../src/core/library/threadStore';
import { FakeBackend } from './fakes/fakeBackend';
import { steppingClock, tempDir, textMessage } from './fakes/fixtures';
import { countingOpener, fillThread, threadFilePath } from './fakes/longThread';

const CHUNK = 64 * 1024;

async function longThread(count = 3000) {
  const dir = await tempDir();
  const counter = countingOpener();
  const now = steppingClock();
  const store = await ThreadStore.open(dir, { now, openFile: counter.openFile });
  const thread = await store.create({ backend: 'chat', title: 'Long one' });
  const messages = await fillThread(store, thread.id, count);
  const fileBytes = (await fs.stat(threadFilePath(dir, thread.id))).size;
  const { chat, threads } = createChat({ store, backendFor: () => new FakeBackend(), settings: () => ({ model: 'test-model', backend: 'chat' }), now });
  counter.reset();
  return { dir, store, thread, messages, fileBytes, counter, chat, threads, now };
}

describe('reading a long thread only as far as needed', () => {
  test('bookmarking a message on screen reads that message, not the thread; removing a bookmark reads nothing', async () => {
    const { store, thread, messages, fileBytes, counter, threads } = await longThread();
    assert.ok(fileBytes > 1_500_000, `the thread file is only ${fileBytes} bytes`);
    // The panel shows the newest page; its ends are where the store left cursors.
    const page = await store.page(thread.id, { limit: 50 });
    counter.reset();
    assert.equal(await threads.toggleBookmark(thread.id, page.messages[0]!.id), true);
    assert.ok(counter.bytes() < 4096, `bookmarking read ${counter.bytes()} bytes of ${fileBytes}`);

    // A message no page has handed out: found by a byte search from the end, which stops at it.
    counter.reset();
    const middle = messages[1500]!.id;
    assert.equal(await threads.toggleBookmark(thread.id, middle), true);
    assert.ok(counter.bytes() < fileBytes * 0.6, `bookmarking the middle message read ${counter.bytes()} bytes of ${fileBytes}`);

    counter.reset();
    assert.equal(await threads.toggleBookmark(thread.id, middle), false);
    assert.equal(counter.bytes(), 0);
    assert.deepEqual(store.get(thread.id)!.bookmarks, [page.messages[0]!.id]);
    await assert.rejects(threads.toggleBookmark(thread.id, 'msg_not_here'), /not in this thread/);
  });

  test('Show Bookmarks reads each bookmarked message by id', async () => {
    const { store, thread, messages, fileBytes, counter } = await longThread();
    const marked = [messages[2990]!, messages[2950]!, messages[2999]!];
    await store.update(thread.id, { bookmarks: marked.map((m) => m.id) });
    counter.reset();
    const found = await bookmarkedMessages(store);
    assert.deepEqual(
      found.map((b) => [b.thread.id, b.message.id, b.message.content]),
      marked.map((m) => [thread.id, m.id, m.content]),
    );
    assert.ok(counter.bytes() < fileBytes / 10, `listing 3 recent bookmarks read ${counter.bytes()} bytes of ${fileBytes}`);
  });

  test('search reads a chunk at a time, stops once it has its hits, and sees a word split between two chunks', async () => {
    const { dir, store, fileBytes, counter, now } = await longThread();
    const hits = await searchThreads(store, 'budget', { limit: 5 });
    assert.equal(hits.length, 5);
    assert.ok(counter.bytes() <= 2 * CHUNK, `5 hits read ${counter.bytes()} bytes of ${fileBytes}`);

    counter.reset();
    assert.deepEqual(await searchThreads(store, 'xylophone'), []);
    assert.ok(counter.bytes() >= fileBytes, 'a miss is proven by the whole file');
    assert.ok(counter.largestRead() <= CHUNK, `one read took ${counter.largestRead()} bytes`);

    // A word placed across the first chunk boundary of a thread's file: where a message's text
    // starts in its line is measured on a probe thread first.
    const lineOf = async (id: string) => threadFilePath(dir, id);
    const probe = await store.create({ backend: 'chat', title: 'Probe' });
    const probeStart = (await fs.stat(await lineOf(probe.id))).size;
    await store.append(probe.id, textMessage(probe.id, 'straddles', 'MARK', now()));
    const textOffset = (await fs.readFile(await lineOf(probe.id))).indexOf('MARK') - probeStart;
    const other = await store.create({ backend: 'chat', title: 'Other' });
    const start = (await fs.stat(await lineOf(other.id))).size;
    const k = CHUNK - 5 - start - textOffset;
    await store.append(other.id, textMessage(other.id, 'straddles', `${'q'.repeat(k)} xylophone`, now()));
    const offset = (await fs.readFile(await lineOf(other.id))).indexOf('xylophone');
    assert.ok(offset < CHUNK && offset + 'xylophone'.length > CHUNK, `the word sits at ${offset}, not across ${CHUNK}`);
    assert.deepEqual((await searchThreads(store, 'xylophone')).map((h) => [h.threadId, h.messageId]), [[other.id, 'straddles']]);
  });
});

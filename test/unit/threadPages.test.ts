import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { describe, test } from 'node:test';
import type { Message } from '../../src/core/model';
import { CursorCache } from '../../src/core/storage/cursorCache';
import { ThreadStore } from '../../src/core/library/threadStore';
import type { ThreadStoreOptions } from '../../src/core/library/threadStore';
import { steppingClock, tempDir, textMessage } from './fakes/fixtures';
import { countingOpener, fillThread, ids, seededRandom, threadFilePath } from './fakes/longThread';

interface Setup {
  dir: string;
  store: ThreadStore;
  problems: string[];
  counter: ReturnType<typeof countingOpener>;
  options: ThreadStoreOptions;
}

async function setup(extra: ThreadStoreOptions = {}): Promise<Setup> {
  const dir = await tempDir();
  const problems: string[] = [];
  const counter = countingOpener();
  const options: ThreadStoreOptions = { now: steppingClock(), onProblem: (m) => problems.push(m), openFile: counter.openFile, ...extra };
  return { dir, store: await ThreadStore.open(dir, options), problems, counter, options };
}

/** Pages from the newest to the oldest with the given sizes (cycled), joined oldest first. */
async function pageUpToTheTop(store: ThreadStore, threadId: string, sizes: () => number): Promise<{ joined: Message[]; pages: number }> {
  const pages: Message[][] = [];
  let before: string | undefined;
  for (;;) {
    const page = await store.page(threadId, { ...(before ? { before } : {}), limit: sizes() });
    pages.unshift(page.messages);
    before = page.messages[0]?.id;
    if (!page.hasOlder) break;
    assert.ok(page.messages.length > 0, 'a page that says there is more is never empty');
  }
  return { joined: pages.flat(), pages: pages.length };
}

describe('ThreadStore pages', () => {
  test('pages of random sizes, newest to oldest, join back into the whole thread in order', async () => {
    const { store } = await setup();
    const thread = await store.create({ backend: 'chat' });
    const all = await fillThread(store, thread.id, 400);
    const random = seededRandom(7);
    for (let round = 0; round < 5; round++) {
      const { joined, pages } = await pageUpToTheTop(store, thread.id, () => 1 + Math.floor(random() * 60));
      assert.deepEqual(ids(joined), ids(all));
      assert.ok(pages > 5);
    }
    assert.deepEqual(await store.page(thread.id, { limit: 1000 }), { messages: all, hasOlder: false }, 'a limit larger than the thread gives all of it');
    assert.deepEqual(await store.page(thread.id, { limit: 400 }), { messages: all, hasOlder: false }, 'exactly the thread: nothing older');
    assert.equal((await store.page(thread.id, { limit: 399 })).hasOlder, true);
  });

  test('pages after a message walk forward to the end, and hasNewer turns false only there', async () => {
    const { store } = await setup();
    const thread = await store.create({ backend: 'chat' });
    const all = await fillThread(store, thread.id, 250);
    const random = seededRandom(3);
    const first = await store.page(thread.id, { before: 'm1', limit: 5 });
    assert.deepEqual(first, { messages: [all[0]], hasOlder: false }, 'the page before the second message is the first alone');
    assert.deepEqual(await store.page(thread.id, { before: 'm0', limit: 5 }), { messages: [], hasOlder: false }, 'nothing is older than the first');
    const joined: Message[] = [all[0]!];
    let after = 'm0';
    for (;;) {
      const page = await store.pageAfter(thread.id, { after, limit: 1 + Math.floor(random() * 40) });
      joined.push(...page.messages);
      if (!page.hasNewer) break;
      after = page.messages.at(-1)!.id;
    }
    assert.deepEqual(ids(joined), ids(all));
    assert.deepEqual(await store.pageAfter(thread.id, { after: 'm249', limit: 10 }), { messages: [], hasNewer: false });
  });

  test('an empty thread has an empty page; an unknown id or a bad limit is a clear error', async () => {
    const { store } = await setup();
    const thread = await store.create({ backend: 'chat' });
    assert.deepEqual(await store.page(thread.id, { limit: 50 }), { messages: [], hasOlder: false });
    await assert.rejects(store.page(thread.id, { before: 'nope', limit: 50 }), /No message with id "nope" in thread/);
    await store.append(thread.id, textMessage(thread.id, 'only', 'hello', 1));
    await assert.rejects(store.page(thread.id, { before: 'nope', limit: 50 }), /No message with id "nope" in thread/);
    await assert.rejects(store.pageAfter(thread.id, { after: 'nope', limit: 50 }), /No message with id "nope"/);
    await assert.rejects(store.pageAround(thread.id, 'nope', 50), /No message with id "nope"/);
    await assert.rejects(store.page(thread.id, { limit: 0 }), RangeError);
    await assert.rejects(store.page(thread.id, { limit: 2.5 }), RangeError);
    await assert.rejects(store.page('th_missing', { limit: 5 }), /No thread with id "th_missing"/);
  });

  test('pageAround centres on a message deep in a 5,000-message thread, and is cut short only by the ends', async () => {
    const { store } = await setup();
    const thread = await store.create({ backend: 'chat' });
    await fillThread(store, thread.id, 5000);
    const middle = await store.pageAround(thread.id, 'm2500', 11);
    assert.deepEqual(ids(middle.messages), ['m2495', 'm2496', 'm2497', 'm2498', 'm2499', 'm2500', 'm2501', 'm2502', 'm2503', 'm2504', 'm2505']);
    assert.equal(middle.hasOlder, true);
    assert.equal(middle.hasNewer, true);
    const even = await store.pageAround(thread.id, 'm1234', 4);
    assert.deepEqual(ids(even.messages), ['m1232', 'm1233', 'm1234', 'm1235']);

    const top = await store.pageAround(thread.id, 'm1', 6);
    assert.deepEqual(ids(top.messages), ['m0', 'm1', 'm2', 'm3', 'm4', 'm5'], 'near the start the page fills with newer messages');
    assert.deepEqual([top.hasOlder, top.hasNewer], [false, true]);
    const bottom = await store.pageAround(thread.id, 'm4999', 5);
    assert.deepEqual(ids(bottom.messages), ['m4995', 'm4996', 'm4997', 'm4998', 'm4999']);
    assert.deepEqual([bottom.hasOlder, bottom.hasNewer], [true, false]);
    const alone = await store.pageAround(thread.id, 'm10', 1);
    assert.deepEqual([ids(alone.messages), alone.hasOlder, alone.hasNewer], [['m10'], true, true]);

    // Paging on from either end of a jump continues without a gap.
    const older = await store.page(thread.id, { before: middle.messages[0]!.id, limit: 3 });
    assert.deepEqual(ids(older.messages), ['m2492', 'm2493', 'm2494']);
    const newer = await store.pageAfter(thread.id, { after: middle.messages.at(-1)!.id, limit: 3 });
    assert.deepEqual(ids(newer.messages), ['m2506', 'm2507', 'm2508']);
  });

  test('pages handed out before more appends still page on correctly after them', async () => {
    const { store } = await setup();
    const thread = await store.create({ backend: 'chat' });
    await fillThread(store, thread.id, 100);
    const newest = await store.page(thread.id, { limit: 10 });
    assert.deepEqual(ids(newest.messages), Array.from({ length: 10 }, (_, i) => `m${90 + i}`));
    await fillThread(store, thread.id, 30, 9, 100);
    await store.update(thread.id, { title: 'Renamed between pages' });

    const older = await store.page(thread.id, { before: newest.messages[0]!.id, limit: 10 });
    assert.deepEqual(ids(older.messages), Array.from({ length: 10 }, (_, i) => `m${80 + i}`));
    const after = await store.pageAfter(thread.id, { after: newest.messages.at(-1)!.id, limit: 50 });
    assert.deepEqual(ids(after.messages), Array.from({ length: 30 }, (_, i) => `m${100 + i}`));
    assert.equal(after.hasNewer, false);
    assert.deepEqual(ids((await store.page(thread.id, { limit: 2 })).messages), ['m128', 'm129']);
  });

  test('a corrupt line inside a page is skipped and reported; the page still fills', async () => {
    const { dir, store, problems, options } = await setup();
    const thread = await store.create({ backend: 'chat' });
    await fillThread(store, thread.id, 60);
    // Damage message m40's line in place (same length, so nothing else moves).
    const file = threadFilePath(dir, thread.id);
    const text = await fs.readFile(file, 'utf8');
    const lineStart = text.indexOf('"id":"m40"');
    const start = text.lastIndexOf('\n', lineStart) + 1;
    const end = text.indexOf('\n', lineStart);
    await fs.writeFile(file, text.slice(0, start) + '#'.repeat(end - start) + text.slice(end));
    await store.flush();
    problems.length = 0;
    const reopened = await ThreadStore.open(dir, options);

    const page = await reopened.page(thread.id, { before: 'm45', limit: 10 });
    assert.deepEqual(ids(page.messages), ['m34', 'm35', 'm36', 'm37', 'm38', 'm39', 'm41', 'm42', 'm43', 'm44']);
    await reopened.page(thread.id, { before: 'm45', limit: 10 });
    assert.equal(problems.length, 1, 'reported once');
    assert.match(problems[0]!, new RegExp(`^${thread.id}\\.jsonl: a damaged record at byte ${start} \\(unreadable\\)`));
    await assert.rejects(reopened.pageAround(thread.id, 'm40', 5), /No message with id "m40"/, 'the damaged message is not found');
    assert.deepEqual(ids((await reopened.pageAround(thread.id, 'm41', 3)).messages), ['m39', 'm41', 'm42']);
  });

  test('a page reads only its own part of the file, and page after page up costs the same at any depth', async () => {
    const { dir, store, counter } = await setup();
    const thread = await store.create({ backend: 'chat' });
    await fillThread(store, thread.id, 5000);
    const size = (await fs.stat(threadFilePath(dir, thread.id))).size;
    assert.ok(size > 3_000_000, `the thread is big enough to tell (${size} bytes)`);

    counter.reset();
    let page = await store.page(thread.id, { limit: 50 });
    const firstCost = counter.bytes();
    assert.ok(firstCost < 200_000, `the newest page read ${firstCost} of ${size} bytes`);
    const costs: number[] = [];
    for (let i = 0; i < 10; i++) {
      counter.reset();
      page = await store.page(thread.id, { before: page.messages[0]!.id, limit: 50 });
      costs.push(counter.bytes());
    }
    assert.equal(page.messages[0]?.id, 'm4450');
    // Ten pages up is ~350 KB from the end: re-reading from the end would cost more on each page.
    for (const cost of costs) assert.ok(cost < 200_000, `a page up read ${cost} bytes (all: ${costs.join(', ')})`);
    assert.ok(costs.at(-1)! < 2 * costs[0]! + 70_000, `the tenth page costs about what the first did (${costs.join(', ')})`);

    // A jump deep into the thread searches the file once; paging on from there does not.
    counter.reset();
    const around = await store.pageAround(thread.id, 'm1000', 50);
    assert.ok(counter.bytes() < size, 'the search reads at most the file once');
    counter.reset();
    const below = await store.pageAfter(thread.id, { after: around.messages.at(-1)!.id, limit: 50 });
    await store.page(thread.id, { before: around.messages[0]!.id, limit: 50 });
    assert.equal(below.messages[0]?.id, 'm1025');
    assert.ok(counter.bytes() < 400_000, `two pages on from a jump read ${counter.bytes()} bytes`);
  });

  test('an evicted or stale cursor only costs a search; the pages stay right', async () => {
    const { dir, store, options } = await setup({ cursorCapacity: 2 });
    const thread = await store.create({ backend: 'chat' });
    const all = await fillThread(store, thread.id, 300);
    const { joined } = await pageUpToTheTop(store, thread.id, () => 17);
    assert.deepEqual(ids(joined), ids(all), 'with room for two cursors only');

    // Another program rewrites the file with every line moved (a blank line at the top): the
    // cursors no longer frame their messages, which the page notices.
    const newest = await store.page(thread.id, { limit: 20 });
    const file = threadFilePath(dir, thread.id);
    await fs.writeFile(file, `\n${await fs.readFile(file, 'utf8')}`);
    const older = await store.page(thread.id, { before: newest.messages[0]!.id, limit: 20 });
    assert.deepEqual(ids(older.messages), ids(all.slice(260, 280)));
    const reopened = await ThreadStore.open(dir, options);
    assert.deepEqual(ids((await reopened.page(thread.id, { limit: 3 })).messages), ['m297', 'm298', 'm299']);
  });

});

describe('CursorCache', () => {
  test('keeps the most recently used positions up to its capacity, and forgets a thread on request', () => {
    const cache = new CursorCache(3);
    cache.set('th_a', 'm1', { start: 0, end: 10 });
    cache.set('th_a', 'm2', { start: 10, end: 20 });
    cache.set('th_b', 'm1', { start: 0, end: 5 });
    assert.deepEqual(cache.get('th_a', 'm1'), { start: 0, end: 10 }, 'a read makes it the most recent');
    cache.set('th_b', 'm2', { start: 5, end: 9 });
    assert.equal(cache.get('th_a', 'm2'), undefined, 'the least recently used went');
    assert.equal(cache.size, 3);
    cache.forgetThread('th_a');
    assert.equal(cache.get('th_a', 'm1'), undefined);
    assert.deepEqual(cache.get('th_b', 'm1'), { start: 0, end: 5 }, 'other threads keep theirs');
    assert.equal(cache.size, 2);
  });
});

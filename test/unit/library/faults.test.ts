import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Message } from '../../../src/core/model';
import { LibraryUnavailableError } from '../../../src/core/library/health';
import { ThreadStore } from '../../../src/core/library/threadStore';
import type { ThreadStoreOptions } from '../../../src/core/library/threadStore';
import { encodeRecordLine } from '../../../src/core/storage/recordLine';
import { FaultyIo } from '../fakes/faultyIo';
import { dropIndex, steppingClock, tempDir, textMessage } from '../fakes/fixtures';
import { newestIndexEntries, recordEvents, threadFile, unwritable, waitFor } from '../fakes/libraryChecks';

interface Opened {
  store: ThreadStore;
  problems: string[];
}

/** Opens the library in `dir` over `io`; the index is written only on flush, so each test decides. */
async function open(dir: string, io?: FaultyIo, extra: ThreadStoreOptions = {}): Promise<Opened> {
  const problems: string[] = [];
  const store = await ThreadStore.open(dir, { now: steppingClock(), onProblem: (m) => problems.push(m), indexDelayMs: 60_000, ...(io ? { io } : {}), ...extra });
  return { store, problems };
}

/** What a window opening the library afresh reads: every thread's message ids, from the files alone. */
async function freshRead(dir: string): Promise<Map<string, { ids: string[]; count: number | undefined; backend: string | undefined }>> {
  await dropIndex(dir);
  const { store } = await open(dir);
  const threads = new Map<string, { ids: string[]; count: number | undefined; backend: string | undefined }>();
  for (const meta of store.list()) threads.set(meta.id, { ids: (await store.messages(meta.id)).map((m) => m.id), count: meta.messageCount, backend: meta.backend });
  return threads;
}

const ids = (messages: Message[]) => messages.map((m) => m.id);
const big = (threadId: string, id: string, at: number) => textMessage(threadId, id, `${id} ${'y'.repeat(200_000)}`, at);
const recordBytes = (message: Message) => Buffer.byteLength(encodeRecordLine({ kind: 'message', at: message.createdAt, message })) + 1;

/** Populates a library through the real file system: a chat thread with 3 messages, a responses one with 1. */
async function populated(): Promise<{ dir: string; list: ReturnType<ThreadStore['list']>; chat: string; responses: string }> {
  const dir = await tempDir();
  const { store } = await open(dir);
  const chat = await store.create({ backend: 'chat', title: 'Recipes' });
  for (const n of [1, 2, 3]) await store.append(chat.id, textMessage(chat.id, `c${n}`, `chat ${n}`, n));
  const responses = await store.create({ backend: 'responses', title: 'Plans' });
  await store.append(responses.id, textMessage(responses.id, 'r1', 'plan', 4));
  await store.update(responses.id, { remoteId: 'conv_1' });
  await store.dispose();
  return { dir, list: store.list(), chat: chat.id, responses: responses.id };
}

describe('library faults', () => {
  test('a disk that fills up mid-write: stored messages stay, the cut-off ones never appear, and writes wait for Retry', async () => {
    const dir = await tempDir();
    const io = new FaultyIo();
    const { store, problems } = await open(dir, io);
    const events = recordEvents(store);
    const t = await store.create({ backend: 'chat' });
    await store.append(t.id, textMessage(t.id, 'm1', 'small', 1));
    const [m2, m3, m4] = [big(t.id, 'm2', 2), big(t.id, 'm3', 3), big(t.id, 'm4', 4)];
    // Room for m2 and the start of m3: the three share one write, which is cut short; the next fails.
    io.space = recordBytes(m2!) + 1000;
    const results = await Promise.allSettled([store.append(t.id, m2!), store.append(t.id, m3!), store.append(t.id, m4!)]);

    assert.equal(results[0]?.status, 'fulfilled', 'the message that fitted is stored');
    for (const result of results.slice(1)) {
      assert.equal(result.status, 'rejected');
      const reason = (result as PromiseRejectedResult).reason as Error;
      assert.ok(reason instanceof LibraryUnavailableError, String(reason));
      assert.match(reason.message, /disk that holds the Threadline library is full/);
    }
    assert.equal(store.health.writable, false);
    assert.equal(!store.health.writable && store.health.problem.kind, 'full');
    assert.deepEqual(events.filter((e) => e.type === 'health').map((e) => e.type === 'health' && e.health.writable), [false]);
    assert.ok(problems.some((p) => /is full/.test(p)));
    assert.ok((await fs.readFile(threadFile(dir, t.id), 'utf8')).includes('"id":"m3"'), 'a fragment of m3 reached the file');
    assert.deepEqual(ids(await store.messages(t.id)), ['m1', 'm2']);
    assert.equal(store.get(t.id)?.messageCount, 2);

    // Refused at once, without a single call that writes, until Retry finds room.
    const before = io.mutations.length;
    for (const attempt of [store.append(t.id, m3!), store.update(t.id, { title: 'x' }), store.create({ backend: 'chat' }), store.delete(t.id)]) {
      await assert.rejects(attempt, (err: unknown) => err instanceof LibraryUnavailableError && /is full/.test(err.message));
    }
    assert.deepEqual(io.mutations.slice(before), []);
    io.space = 0;
    assert.equal((await store.retryWrites()).writable, false, 'Retry on a disk still full');
    io.space = Infinity;
    assert.equal((await store.retryWrites()).writable, true);
    assert.equal(events.filter((e) => e.type === 'health').length, 2, 'one event out, one back');

    // The draft the user sends again is stored once.
    await store.append(t.id, m3!);
    assert.deepEqual(ids(await store.messages(t.id)), ['m1', 'm2', 'm3']);
    const fresh = await freshRead(dir);
    assert.deepEqual(fresh.get(t.id), { ids: ['m1', 'm2', 'm3'], count: 3, backend: 'chat' });
  });

  test('a write cut short that the retry completes: every message stored once, the fragment skipped quietly', async () => {
    const dir = await tempDir();
    const io = new FaultyIo();
    const { store, problems } = await open(dir, io);
    const t = await store.create({ backend: 'chat' });
    const message = (k: number) => textMessage(t.id, `m${k}`, `message ${k} ${'q'.repeat(500)}`, k);
    // Every record here is this long (one-digit ids and times).
    const size = recordBytes(message(1));
    const expected: string[] = [];
    // Three appends share one write, cut: in the middle of the second record, one byte short of
    // the first's end (its newline alone missing), right at the first's end.
    for (const [round, cut] of [size + 200, size - 1, size].entries()) {
      const messages = [1, 2, 3].map((k) => message(round * 3 + k));
      io.cuts.push(cut);
      await Promise.all(messages.map((m) => store.append(t.id, m)));
      expected.push(...ids(messages));
    }
    assert.deepEqual(ids(await store.messages(t.id)), expected);
    assert.equal(store.get(t.id)?.messageCount, 9);
    assert.equal(store.health.writable, true);
    assert.ok((await fs.readFile(threadFile(dir, t.id), 'utf8')).split('"id":"m2"').length > 2, 'a fragment of m2 sits before m2 whole');
    assert.deepEqual((await freshRead(dir)).get(t.id), { ids: expected, count: 9, backend: 'chat' });
    assert.deepEqual(problems, []);
  });

  test('an fsync that fails after the write: the message is stored (not offered to send again) and health says the disk erred', async () => {
    const dir = await tempDir();
    const io = new FaultyIo();
    const { store } = await open(dir, io);
    const events = recordEvents(store);
    const t = await store.create({ backend: 'chat' });
    io.fail('sync', 'EIO', { path: /\.jsonl$/, times: 2 });
    const meta = await store.append(t.id, textMessage(t.id, 'm1', 'hello', 1));

    assert.equal(meta.messageCount, 1);
    assert.deepEqual(ids(await store.messages(t.id)), ['m1']);
    assert.equal((await store.message(t.id, 'm1'))?.id, 'm1');
    assert.equal(!store.health.writable && store.health.problem.code, 'EIO');
    assert.match(!store.health.writable ? store.health.problem.message : '', /disk reported an error \(EIO\)/);
    assert.ok(events.some((e) => e.type === 'health' && !e.health.writable));
    assert.deepEqual((await freshRead(dir)).get(t.id)?.ids, ['m1']);
    await assert.rejects(store.append(t.id, textMessage(t.id, 'm2', 'next', 2)), LibraryUnavailableError);
    assert.equal((await store.retryWrites()).writable, true);
    await store.append(t.id, textMessage(t.id, 'm2', 'next', 2));
    assert.deepEqual((await freshRead(dir)).get(t.id)?.ids, ['m1', 'm2']);
  });

  test('the file cannot be measured after the write: the message is stored, not reported as lost', async () => {
    const dir = await tempDir();
    const io = new FaultyIo();
    const { store } = await open(dir, io);
    const t = await store.create({ backend: 'chat' });
    io.fail('fstat', 'EIO', { path: /\.jsonl$/, times: 1 });
    const meta = await store.append(t.id, textMessage(t.id, 'm1', 'hello', 1));
    assert.equal(meta.messageCount, 1);
    await store.append(t.id, textMessage(t.id, 'm2', 'again', 2));
    assert.equal(store.get(t.id)?.messageCount, 2);
    assert.deepEqual((await freshRead(dir)).get(t.id), { ids: ['m1', 'm2'], count: 2, backend: 'chat' });
  });

  for (const [code, sentence, kind] of [
    ['EROFS', /library folder is read-only/, 'readOnly'],
    ['EACCES', /not allowed to write to its library/, 'denied'],
  ] as const) {
    test(`a library that cannot be written (${code}) opens with every thread readable and refuses writes saying why`, async () => {
      const { dir, list, chat, responses } = await populated();
      for (const failing of [new FaultyIo().failAllWrites(code), new FaultyIo().fail('open', code, { writing: true })]) {
        const { store } = await open(dir, failing);
        assert.deepEqual(store.list(), list);
        assert.deepEqual(ids(await store.messages(chat)), ['c1', 'c2', 'c3']);
        assert.deepEqual(ids((await store.page(responses, { limit: 5 })).messages), ['r1']);
        const health = await unwritable(store);
        assert.equal(health.problem.kind, kind);
        assert.match(health.problem.message, sentence);
        await assert.rejects(store.append(chat, textMessage(chat, 'c4', 'more', 9)), (err: unknown) => err instanceof LibraryUnavailableError && sentence.test(err.message));
        await assert.rejects(store.create({ backend: 'chat' }), LibraryUnavailableError);
        assert.deepEqual(store.list(), list, 'nothing changed');
      }
    });
  }

  test('a thread file that cannot be read: every other thread is listed and readable, and the one is reported', async () => {
    const { dir, list, chat, responses } = await populated();
    await dropIndex(dir);
    const io = new FaultyIo().fail('open', 'EACCES', { path: new RegExp(`${chat}\\.jsonl$`), writing: false });
    const { store, problems } = await open(dir, io);
    assert.deepEqual(store.list(), list.filter((m) => m.id !== chat));
    assert.deepEqual(ids(await store.messages(responses)), ['r1']);
    assert.ok(problems.some((p) => p.includes(chat) && p.includes('EACCES')), problems.join('\n'));
    assert.equal(store.health.writable, true, 'the rest of the library takes writes');
  });

  test('a library folder that is missing and cannot be made opens empty and says why', async () => {
    const dir = path.join(await tempDir(), 'not-there');
    const { store } = await open(dir, new FaultyIo().fail('mkdir', 'EACCES'));
    assert.deepEqual(store.list(), []);
    assert.equal(!store.health.writable && store.health.problem.kind, 'denied');
    await assert.rejects(store.create({ backend: 'chat' }), /not allowed to write/);
  });

  test('`threads` itself a file: the library opens empty and refuses writes, naming what is in the way', async () => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, 'threads'), 'not a folder');
    const { store } = await open(dir);
    assert.deepEqual(store.list(), []);
    assert.equal(!store.health.writable && store.health.problem.kind, 'blocked');
    await assert.rejects(store.create({ backend: 'chat' }), /[Ss]omething else is where the Threadline library keeps its files/);
  });

  test('`threads/index` a file: every thread is read from its file, and writing goes on', async () => {
    const { dir, list, chat } = await populated();
    await fs.rm(path.join(dir, 'threads', 'index'), { recursive: true });
    await fs.writeFile(path.join(dir, 'threads', 'index'), 'in the way');
    const { store, problems } = await open(dir);
    assert.deepEqual(store.list(), list);
    assert.ok(problems.some((p) => /library index/.test(p)));
    await store.append(chat, textMessage(chat, 'c4', 'more', 9));
    await store.flush();
    assert.equal(store.health.writable, true, 'a cache that cannot be written does not stop the library');
    const { store: again } = await open(dir);
    assert.equal(again.get(chat)?.messageCount, 4);
  });

  test('an index folder that cannot be written (only it): messages are still stored, and the problem is reported once', async () => {
    const { dir, chat } = await populated();
    const io = new FaultyIo().fail('open', 'EACCES', { path: /index/, writing: true }).fail('mkdir', 'EACCES', { path: /index/ });
    const { store, problems } = await open(dir, io);
    for (const n of [4, 5, 6]) {
      await store.append(chat, textMessage(chat, `c${n}`, `more ${n}`, n));
      await store.flush();
    }
    assert.equal(store.health.writable, true, 'the index is a cache: the library stays writable');
    assert.equal(problems.filter((p) => /index could not be written/.test(p)).length, 1);
    assert.deepEqual((await freshRead(dir)).get(chat)?.ids, ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
  });

  for (const [what, plant] of [
    ['garbage', (file: string) => fs.writeFile(file, '{"version":2,"threads":[{"me')],
    ['a folder', (file: string) => fs.mkdir(file)],
  ] as const) {
    test(`the newest index generation ${what}: windows read the one before, and the next merges with it, so no window rolls the index back`, async () => {
      const dir = await tempDir();
      const { store: early } = await open(dir);
      const t = await early.create({ backend: 'chat' });
      await early.append(t.id, textMessage(t.id, 'm1', 'one', 1));
      await early.flush();
      const { store: busy } = await open(dir);
      for (const n of [2, 3, 4, 5]) await busy.append(t.id, textMessage(t.id, `m${n}`, `n${n}`, n));
      await busy.flush();
      const knows = (await newestIndexEntries(dir))!.get(t.id)!;
      assert.equal(knows.meta.messageCount, 5);
      // A crash (or a bad disk) leaves something unreadable as the newest generation…
      const names = (await fs.readdir(path.join(dir, 'threads', 'index'))).filter((n) => /^\d+\.json$/.test(n)).sort();
      const next = String(Number(names.at(-1)!.slice(0, 12)) + 1).padStart(12, '0');
      await plant(path.join(dir, 'threads', 'index', `${next}.json`));
      const { store: reader, problems } = await open(dir);
      assert.equal(reader.get(t.id)?.messageCount, 5);
      assert.ok(problems.some((p) => p.includes(`${next}.json`)), 'reported');
      // …and the window that knows least (it has not looked at the files since) writes the next one.
      assert.equal(early.get(t.id)?.messageCount, 1);
      await early.flush();
      const entry = (await newestIndexEntries(dir))!.get(t.id)!;
      assert.ok(entry.bytes >= knows.bytes, `the newest generation covers ${entry.bytes} bytes, less than the ${knows.bytes} already published`);
      assert.equal(entry.meta.messageCount, 5);
      const { store: fresh } = await open(dir);
      assert.equal(fresh.get(t.id)?.messageCount, 5);
    });
  }

  test('an index written while another window’s messages are being folded in pairs the new bytes with the new count', async () => {
    const dir = await tempDir();
    const io = new FaultyIo();
    const { store: mine } = await open(dir, io);
    const t = await mine.create({ backend: 'chat' });
    await mine.append(t.id, textMessage(t.id, 'm1', 'one', 1));
    const { store: other } = await open(dir);
    await other.append(t.id, textMessage(t.id, 'm2', 'two', 2));
    await other.append(t.id, textMessage(t.id, 'm3', 'three', 3));
    // Write the index at the moment the catch-up read closes the thread file.
    let flushed: Promise<void> | undefined;
    const unhook = io.hook({ op: 'close', path: /\.jsonl$/, before: () => void (flushed ??= mine.flush()) });
    await mine.refresh();
    unhook();
    await flushed;
    const entry = (await newestIndexEntries(dir))!.get(t.id)!;
    assert.equal(entry.bytes, (await fs.stat(threadFile(dir, t.id))).size);
    assert.equal(entry.meta.messageCount, 3, 'the count published with those bytes');
    const { store: fresh } = await open(dir);
    assert.equal(fresh.get(t.id)?.messageCount, 3);
  });

  test('a failed index write leaves no temp file, and stale temp files of crashed writers are cleaned up at open', async () => {
    const { dir } = await populated();
    const io = new FaultyIo();
    const { store } = await open(dir, io);
    const indexDir = path.join(dir, 'threads', 'index');
    const temps = async (sub: string) => (await fs.readdir(path.join(dir, 'threads', sub)).catch(() => [] as string[])).filter((n) => n.startsWith('.tmp-'));
    io.fail('link', 'EIO', { path: /index/, times: 1 });
    await store.update(store.list()[0]!.id, { title: 'renamed' });
    await store.flush();
    io.space = 100;
    await store.flush();
    io.heal();
    assert.deepEqual(await temps('index'), []);

    // A crash mid-write leaves temp files beside the index, the threads and the trash.
    const hourAgo = new Date(Date.now() - 60 * 60_000);
    await fs.mkdir(path.join(dir, 'threads', 'trash'), { recursive: true });
    const stale = [path.join(indexDir, '.tmp-000000000009.json-dead'), path.join(dir, 'threads', '.tmp-probe-1234-dead'), path.join(dir, 'threads', 'trash', '.tmp-th_x.json-dead')];
    for (const file of stale) {
      await fs.writeFile(file, 'half');
      await fs.utimes(file, hourAgo, hourAgo);
    }
    const live = path.join(indexDir, '.tmp-000000000010.json-live');
    await fs.writeFile(live, 'being written right now');
    await open(dir);
    await waitFor(async () => (await Promise.all(stale.map((f) => fs.stat(f).then(() => true, () => false)))).every((there) => !there), 'stale temp files removed');
    assert.ok(await fs.stat(live).then(() => true), 'a temp file a live writer may still be writing is kept');
  });

  test('a damaged header never changes the thread’s dialect: the index says it, else the records tell', async () => {
    const dir = await tempDir();
    const { store } = await open(dir);
    const chat = await store.create({ backend: 'chat', title: 'Chatty' });
    const responses = await store.create({ backend: 'responses', title: 'Convo' });
    const assistants = await store.create({ backend: 'assistants', title: 'Helper' });
    for (const t of [chat, responses, assistants]) await store.append(t.id, textMessage(t.id, 'm1', 'hi', 1));
    await store.update(responses.id, { remoteId: 'conv_9' });
    await store.update(assistants.id, { remoteId: 'thread_9' });
    await store.flush();
    // Messages after the index was written: a window must read on past what the index covers.
    for (const t of [chat, responses, assistants]) await store.append(t.id, textMessage(t.id, 'm2', 'there', 2));
    await store.dispose();
    for (const t of [chat, responses, assistants]) {
      const file = threadFile(dir, t.id);
      const text = await fs.readFile(file, 'utf8');
      // The same size: only the checksum can tell (the header's own title changes).
      await fs.writeFile(file, text.replace(`"title":"${t.title}"`, `"title":"${t.title.slice(0, -1)}?"`));
    }

    const { store: withIndex, problems } = await open(dir);
    for (const t of [chat, responses, assistants]) {
      assert.equal(withIndex.get(t.id)?.backend, t.backend);
      assert.deepEqual(ids(await withIndex.messages(t.id)), ['m1', 'm2']);
    }
    await waitFor(() => problems.filter((p) => p.includes('checksum')).length === 3, 'the three damaged headers reported');
    for (const t of [chat, responses, assistants]) {
      assert.equal(withIndex.get(t.id)?.backend, t.backend, `${t.title} after the damage was found`);
      assert.equal(withIndex.get(t.id)?.title, t.title);
      assert.equal(withIndex.get(t.id)?.messageCount, 2);
    }
    const fresh = await freshRead(dir);
    assert.deepEqual([chat, responses, assistants].map((t) => fresh.get(t.id)?.backend), ['chat', 'responses', 'assistants'], 'without an index, from the records');
  });

  test('two windows restoring the same thread at once: one brings it back, the other is told, and both stay writable', async () => {
    const dir = await tempDir();
    const io = new FaultyIo();
    const { store: a } = await open(dir, io);
    const t = await a.create({ backend: 'chat', title: 'Twice' });
    await a.append(t.id, textMessage(t.id, 'm1', 'keep me', 1));
    await a.delete(t.id);
    const { store: b } = await open(dir);
    assert.deepEqual((await b.trash()).map((e) => e.thread.id), [t.id]);
    // B restores right after A linked the file back, before A cleared the trash.
    let bRestore: Promise<unknown> | undefined;
    io.hook({ op: 'link', path: /threads\/th_[^/]*\.jsonl$/, after: async () => void (await (bRestore = b.restore(t.id).catch((err: unknown) => err))) });
    await a.restore(t.id);
    const outcome = await bRestore;
    assert.match(String(outcome), /no longer in Recently Deleted/);
    assert.equal(b.health.writable, true);
    assert.equal(a.health.writable, true);
    await b.refresh();
    assert.deepEqual(ids(await b.messages(t.id)), ['m1']);
    assert.deepEqual(await a.trash(), []);
    await b.append(t.id, textMessage(t.id, 'm2', 'still writable', 2));
    assert.deepEqual((await freshRead(dir)).get(t.id)?.ids, ['m1', 'm2']);

    // A restore that stopped between linking the file back and clearing the trash.
    const trashed = path.join(dir, 'threads', 'trash', `${t.id}.jsonl`);
    await fs.link(threadFile(dir, t.id), trashed);
    await fs.writeFile(path.join(dir, 'threads', 'trash', `${t.id}.json`), JSON.stringify({ thread: b.get(t.id), deletedAt: 5, bytes: 0 }));
    assert.deepEqual((await b.trash()).map((e) => e.thread.id), [t.id]);
    await assert.rejects(b.restore(t.id), /no longer in Recently Deleted/);
    assert.deepEqual(await b.trash(), [], 'the leftover is cleared');
    assert.deepEqual(ids(await b.messages(t.id)), ['m1', 'm2']);
  });
});

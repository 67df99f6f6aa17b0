import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { messageText } from '../../src/core/model';
import type { Message } from '../../src/core/model';
import { ThreadStore } from '../../src/core/library/threadStore';
import type { ThreadStoreOptions } from '../../src/core/library/threadStore';
import { dropIndex, steppingClock, tempDir, textMessage } from './fakes/fixtures';

interface Setup {
  dir: string;
  store: ThreadStore;
  problems: string[];
  clock: () => number;
  reopen: () => Promise<ThreadStore>;
}

async function setup(): Promise<Setup> {
  const dir = await tempDir();
  const problems: string[] = [];
  const clock = steppingClock();
  const options: ThreadStoreOptions = { now: clock, onProblem: (m) => problems.push(m) };
  const store = await ThreadStore.open(dir, options);
  return { dir, store, problems, clock, reopen: () => ThreadStore.open(dir, options) };
}

function threadFile(dir: string, id: string): string {
  return path.join(dir, 'threads', `${id}.jsonl`);
}

/** The newest index generation's file. */
async function newestIndex(dir: string): Promise<string> {
  const names = (await fs.readdir(path.join(dir, 'threads', 'index'))).filter((n) => /^\d+\.json$/.test(n)).sort();
  return path.join(dir, 'threads', 'index', names.at(-1)!);
}

const texts = (messages: Message[]): string[] => messages.map(messageText);

describe('ThreadStore', () => {
  test('threads, titles, remote ids and messages survive a re-open', async () => {
    const { store, clock, reopen } = await setup();
    const a = await store.create({ backend: 'responses' });
    const b = await store.create({ backend: 'chat', title: 'Second' });
    await store.append(a.id, textMessage(a.id, 'm1', 'hello', clock()));
    await store.append(a.id, textMessage(a.id, 'm2', 'héllo wörld 😀', clock(), 'assistant'));
    await store.update(a.id, { title: 'Greetings', remoteId: 'conv_1' });
    await store.append(b.id, textMessage(b.id, 'm3', 'other', clock()));

    const reopened = await reopen();
    assert.deepEqual(reopened.list(), store.list());
    assert.equal(reopened.get(a.id)?.title, 'Greetings');
    assert.equal(reopened.get(a.id)?.remoteId, 'conv_1');
    assert.equal(reopened.get(a.id)?.messageCount, 2);
    assert.equal(reopened.get(b.id)?.backend, 'chat');
    assert.deepEqual(await reopened.messages(a.id), await store.messages(a.id));
    assert.deepEqual(texts(await reopened.messages(a.id)), ['hello', 'héllo wörld 😀']);
  });

  test('a new thread has the default title and no messages', async () => {
    const { store } = await setup();
    const thread = await store.create({ backend: 'responses' });
    assert.equal(thread.title, 'New thread');
    assert.equal(thread.messageCount, 0);
    assert.equal(thread.remoteId, undefined);
    assert.deepEqual(await store.messages(thread.id), []);
  });

  test('lists the most recently updated thread first and keeps messages oldest first', async () => {
    const { store, clock } = await setup();
    const older = await store.create({ backend: 'responses', title: 'older' });
    const newer = await store.create({ backend: 'responses', title: 'newer' });
    assert.deepEqual(store.list().map((t) => t.title), ['newer', 'older']);

    await store.append(older.id, textMessage(older.id, 'm1', 'first', clock()));
    await store.append(older.id, textMessage(older.id, 'm2', 'second', clock()));
    assert.deepEqual(store.list().map((t) => t.title), ['older', 'newer']);
    assert.deepEqual(texts(await store.messages(older.id)), ['first', 'second']);

    await store.update(newer.id, { title: 'renamed' });
    assert.deepEqual(store.list().map((t) => t.title), ['renamed', 'older']);
  });

  test('a remote id can be cleared, and stays cleared after a re-open', async () => {
    const { dir, store, reopen } = await setup();
    const t = await store.create({ backend: 'responses' });
    await store.update(t.id, { remoteId: 'conv_gone' });
    await store.update(t.id, { remoteId: undefined });
    assert.equal(store.get(t.id)?.remoteId, undefined);
    // Without the index the entry is rebuilt from the file's records alone.
    await dropIndex(dir);
    assert.equal((await reopen()).get(t.id)?.remoteId, undefined);
  });

  test('a torn last line is skipped quietly, never cut off, and the next append is read whole after it', async () => {
    const { dir, store, clock, problems, reopen } = await setup();
    const t = await store.create({ backend: 'responses' });
    await store.append(t.id, textMessage(t.id, 'm1', 'one', clock()));
    await store.append(t.id, textMessage(t.id, 'm2', 'two', clock()));
    // A write cut short (or a writer still at it) leaves half a record and no newline.
    const torn = '{"kind":"message","at":17,"message":{"id":"m3","thr';
    await fs.appendFile(threadFile(dir, t.id), torn);

    const reopened = await reopen();
    assert.deepEqual(texts(await reopened.messages(t.id)), ['one', 'two']);
    assert.deepEqual(texts(await reopened.lastMessages(t.id, 5)), ['one', 'two']);
    assert.equal(reopened.get(t.id)?.messageCount, 2);

    await reopened.append(t.id, textMessage(t.id, 'm4', 'four', clock()));
    assert.deepEqual(texts(await reopened.messages(t.id)), ['one', 'two', 'four']);
    assert.deepEqual(texts(await reopened.lastMessages(t.id, 1)), ['four']);
    // The fragment is still there, byte for byte: another window might have been writing it.
    assert.ok((await fs.readFile(threadFile(dir, t.id), 'utf8')).includes(`${torn}{"kind":"message"`));
    assert.deepEqual(problems, []);
    assert.equal((await reopen()).get(t.id)?.messageCount, 3);
  });

  test('a process killed while appending loses nothing it had stored, and the store opens clean', async () => {
    const dir = await tempDir();
    const child = spawn(process.execPath, [path.join(__dirname, 'fakes', 'appendForever.js'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let threadId = '';
    let stored = 0;
    await new Promise<void>((resolve) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          if (line.startsWith('thread ')) threadId = line.slice('thread '.length);
          if (line.startsWith('stored ')) stored = Number(line.slice('stored '.length));
        }
        // Killed at once, mid-way through whatever it is writing now.
        if (stored >= 40 && child.exitCode === null) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((resolve) => child.once('exit', resolve));

    const problems: string[] = [];
    const reopened = await ThreadStore.open(dir, { onProblem: (m) => problems.push(m) });
    const messages = await reopened.messages(threadId);
    // Every append it was told had finished is there, in order; one more may have made it too.
    assert.ok(messages.length >= stored && messages.length <= stored + 1, `${messages.length} messages after ${stored} stored`);
    assert.deepEqual(messages.map((m) => m.id), messages.map((_, i) => `m${i + 1}`));
    assert.equal(reopened.get(threadId)?.messageCount, messages.length);
    assert.deepEqual(problems, []);
    // …and it takes the next message on a clean line.
    await reopened.append(threadId, textMessage(threadId, 'after', 'after the crash', Date.now()));
    assert.equal((await (await ThreadStore.open(dir)).messages(threadId)).at(-1)?.id, 'after');
  });

  test('a whole record that only lost its newline is kept, and the next append goes on a new line', async () => {
    const { dir, store, clock, problems, reopen } = await setup();
    const t = await store.create({ backend: 'responses' });
    const whole = textMessage(t.id, 'm1', 'made it', clock());
    await fs.appendFile(threadFile(dir, t.id), JSON.stringify({ kind: 'message', at: whole.createdAt, message: whole }));

    const reopened = await reopen();
    assert.deepEqual(texts(await reopened.messages(t.id)), ['made it']);
    await reopened.append(t.id, textMessage(t.id, 'm2', 'next', clock()));
    assert.deepEqual(texts(await reopened.messages(t.id)), ['made it', 'next']);
    assert.equal((await reopen()).get(t.id)?.messageCount, 2);
    assert.deepEqual(problems, []);
  });

  test('a garbage line in the middle is skipped and reported once', async () => {
    const { dir, store, clock, problems, reopen } = await setup();
    const t = await store.create({ backend: 'responses' });
    await store.append(t.id, textMessage(t.id, 'm1', 'before', clock()));
    const at = (await fs.stat(threadFile(dir, t.id))).size;
    await fs.appendFile(threadFile(dir, t.id), 'this is not json\n');
    await store.append(t.id, textMessage(t.id, 'm2', 'after', clock()));

    assert.deepEqual(texts(await store.messages(t.id)), ['before', 'after']);
    assert.deepEqual(texts(await store.lastMessages(t.id, 2)), ['before', 'after']);
    assert.deepEqual(texts(await store.messages(t.id)), ['before', 'after']);
    assert.equal(problems.length, 1, 'reported once, however often it is read');
    assert.match(problems[0] ?? '', new RegExp(`${t.id}\\.jsonl: a damaged record at byte ${at}`));
    assert.deepEqual([...store.damagedThreads()], [[t.id, 1]]);

    await dropIndex(dir);
    assert.equal((await reopen()).get(t.id)?.messageCount, 2);
  });

  for (const [name, corrupt] of [
    ['invalid JSON', '{"version":2,"threads":[{"meta":'],
    ['the wrong shape', '{"version":2,"threads":[{"meta":{"id":42,"title":null},"bytes":3}]}'],
    ['a folder', undefined],
  ] as const) {
    test(`an index holding ${name} is reported and the library read from the files, with nothing lost`, async () => {
      const { dir, store, clock, problems, reopen } = await setup();
      const a = await store.create({ backend: 'responses' });
      await store.append(a.id, textMessage(a.id, 'm1', 'What is a monad?', clock()));
      await store.update(a.id, { title: 'Monads', remoteId: 'conv_a' });
      await store.append(a.id, textMessage(a.id, 'm2', 'A burrito.', clock(), 'assistant'));
      const b = await store.create({ backend: 'assistants', title: 'Empty one' });
      await store.flush();
      const before = store.list();
      const newest = await newestIndex(dir);
      await fs.rm(newest);
      if (corrupt === undefined) await fs.mkdir(newest);
      else await fs.writeFile(newest, corrupt);

      const reopened = await reopen();
      assert.deepEqual(reopened.list(), before);
      assert.equal(reopened.get(a.id)?.messageCount, 2);
      assert.equal(reopened.get(b.id)?.title, 'Empty one');
      assert.equal(problems.length, 1);
      assert.match(problems[0] ?? '', /library index .* (is damaged|cannot be read)/);
      // A new generation is written over it; the next open reads that and reports nothing.
      await reopened.flush();
      await reopen();
      assert.equal(problems.length, 1);
    });
  }

  test('a message appended to the file but not yet indexed (crash in between) is counted on open', async () => {
    const { dir, store, clock, reopen } = await setup();
    const t = await store.create({ backend: 'responses' });
    await store.append(t.id, textMessage(t.id, 'm1', 'indexed', clock()));
    const late = textMessage(t.id, 'm2', 'written, then crash', clock());
    await fs.appendFile(threadFile(dir, t.id), `${JSON.stringify({ kind: 'message', at: late.createdAt, message: late })}\n`);

    const reopened = await reopen();
    assert.deepEqual(texts(await reopened.messages(t.id)), ['indexed', 'written, then crash']);
    assert.equal(reopened.get(t.id)?.messageCount, 2);
    assert.equal(reopened.get(t.id)?.updatedAt, late.createdAt);
  });

  test('a thread file missing from the index is read; an entry without a file is dropped', async () => {
    const { dir, store, clock, problems, reopen } = await setup();
    const kept = await store.create({ backend: 'responses', title: 'kept' });
    const lost = await store.create({ backend: 'responses', title: 'lost' });
    await store.flush();
    // The crash came after the new thread's file was written but before an index named it.
    const late = await store.create({ backend: 'responses', title: 'late' });
    await store.append(late.id, textMessage(late.id, 'm1', 'hi', clock()));
    await fs.rm(threadFile(dir, lost.id));

    const reopened = await reopen();
    assert.deepEqual(reopened.list().map((t) => t.title).sort(), ['kept', 'late']);
    assert.equal(reopened.get(late.id)?.messageCount, 1);
    assert.equal(reopened.get(kept.id)?.title, 'kept');
    assert.deepEqual(problems, []);
    await reopened.flush();
    const index = JSON.parse(await fs.readFile(await newestIndex(dir), 'utf8')) as { threads: Array<{ meta: { title: string } }> };
    assert.deepEqual(index.threads.map((e) => e.meta.title).sort(), ['kept', 'late']);
  });

  test('200 concurrent appends are all stored, in the order they were called', async () => {
    const { store, clock, reopen } = await setup();
    const t = await store.create({ backend: 'responses' });
    const expected = Array.from({ length: 200 }, (_, i) => `message ${i}`);
    await Promise.all(expected.map((text, i) => store.append(t.id, textMessage(t.id, `m${i}`, text, clock()))));

    assert.deepEqual(texts(await store.messages(t.id)), expected);
    assert.equal(store.get(t.id)?.messageCount, 200);
    const reopened = await reopen();
    assert.equal(reopened.get(t.id)?.messageCount, 200);
    assert.deepEqual(texts(await reopened.messages(t.id)), expected);
  });

  test('interleaved appends, renames and creates in flight together leave a consistent library', async () => {
    const { dir, store, clock, reopen } = await setup();
    const a = await store.create({ backend: 'responses' });
    const b = await store.create({ backend: 'responses' });
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      work.push(store.append(a.id, textMessage(a.id, `a${i}`, `a${i}`, clock())));
      work.push(store.append(b.id, textMessage(b.id, `b${i}`, `b${i}`, clock())));
      if (i % 10 === 0) work.push(store.update(a.id, { title: `A after ${i}` }), store.create({ backend: 'chat', title: `extra ${i}` }));
    }
    await Promise.all(work);

    assert.deepEqual(texts(await store.messages(a.id)), Array.from({ length: 50 }, (_, i) => `a${i}`));
    assert.deepEqual(texts(await store.messages(b.id)), Array.from({ length: 50 }, (_, i) => `b${i}`));
    assert.equal(store.get(a.id)?.title, 'A after 40');
    assert.equal(store.list().length, 7);
    assert.deepEqual((await reopen()).list(), store.list());
    await store.flush();
    assert.deepEqual((await reopen()).list(), store.list());
    // The thread files alone tell the same story as the index.
    await dropIndex(dir);
    assert.deepEqual((await reopen()).list(), store.list());
  });

  test('lastMessages of a 10,000-message thread is the tail of messages()', async () => {
    const { store, clock } = await setup();
    const t = await store.create({ backend: 'responses' });
    // Multi-byte text of varying length puts line and character boundaries across read chunks.
    // One huge message spans several read chunks on its own.
    const batch = Array.from({ length: 10_000 }, (_, i) =>
      textMessage(t.id, `m${i}`, `${i} ${'é😀'.repeat(i === 9_990 ? 100_000 : i % 37)}`, clock(), i % 2 ? 'assistant' : 'user'),
    );
    await Promise.all(batch.map((m) => store.append(t.id, m)));
    await store.update(t.id, { title: 'Long one' });

    const all = await store.messages(t.id);
    assert.equal(all.length, 10_000);
    assert.deepEqual(all, batch);
    for (const count of [1, 3, 9, 10, 11, 250, 9_999, 10_000]) {
      assert.deepEqual(await store.lastMessages(t.id, count), all.slice(-count), `last ${count}`);
    }
    assert.deepEqual(await store.lastMessages(t.id, 20_000), all);
    assert.deepEqual(await store.lastMessages(t.id, 0), []);
  });

  test('delete moves the thread to the trash; restore brings it back whole; deleteForever ends it', async () => {
    const { dir, store, clock, reopen } = await setup();
    const gone = await store.create({ backend: 'responses', title: 'gone' });
    await store.append(gone.id, textMessage(gone.id, 'm1', 'bye', clock()));
    await store.update(gone.id, { remoteId: 'conv_gone', pinned: true });
    await store.create({ backend: 'responses', title: 'stays' });

    const entry = await store.delete(gone.id);
    assert.equal(entry.thread.title, 'gone');
    assert.deepEqual(store.list().map((t) => t.title), ['stays']);
    assert.equal(store.get(gone.id), undefined);
    await assert.rejects(fs.stat(threadFile(dir, gone.id)), { code: 'ENOENT' });
    assert.deepEqual((await reopen()).list().map((t) => t.title), ['stays']);
    assert.deepEqual((await store.trash()).map((e) => e.thread.id), [gone.id]);

    const restored = await store.restore(gone.id);
    assert.equal(restored.title, 'gone');
    assert.equal(restored.pinned, true);
    assert.equal(restored.remoteId, 'conv_gone', 'a thread whose server copy was kept keeps its server id');
    assert.deepEqual(texts(await store.messages(gone.id)), ['bye']);
    assert.deepEqual(await store.trash(), []);
    assert.deepEqual((await reopen()).get(gone.id)?.messageCount, 1);

    await store.delete(gone.id, { serverDeleted: true });
    const again = await store.restore(gone.id);
    assert.equal(again.remoteId, undefined, 'its server copy was deleted: the next send starts a new one');
    assert.equal(again.remoteGone, true);
    assert.equal(again.goneRemoteId, 'conv_gone');

    await store.delete(gone.id);
    await store.deleteForever(gone.id);
    assert.deepEqual(await store.trash(), []);
    await assert.rejects(store.restore(gone.id), /no longer in Recently Deleted/);
    assert.equal((await reopen()).get(gone.id), undefined);
  });

  test('unknown thread ids are refused with a clear error', async () => {
    const { store, clock } = await setup();
    const missing = /No thread with id "th_nope"/;
    await assert.rejects(store.append('th_nope', textMessage('th_nope', 'm', 'x', clock())), missing);
    await assert.rejects(store.update('th_nope', { title: 'x' }), missing);
    await assert.rejects(store.messages('th_nope'), missing);
    await assert.rejects(store.lastMessages('th_nope', 1), missing);
    await assert.rejects(store.delete('th_nope'), missing);
  });
});

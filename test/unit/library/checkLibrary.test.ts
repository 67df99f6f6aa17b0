import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ThreadStore } from '../../../src/core/library/threadStore';
import type { ThreadStoreOptions } from '../../../src/core/library/threadStore';
import { messageText } from '../../../src/core/model';
import { dropIndex, steppingClock, tempDir, textMessage } from '../fakes/fixtures';

async function setup() {
  const dir = await tempDir();
  const problems: string[] = [];
  const clock = steppingClock();
  const options: ThreadStoreOptions = { now: clock, onProblem: (m) => problems.push(m), indexDelayMs: 0 };
  const store = await ThreadStore.open(dir, options);
  return { dir, store, clock, problems, reopen: () => ThreadStore.open(dir, options) };
}

const threadFile = (dir: string, id: string) => path.join(dir, 'threads', `${id}.jsonl`);

/** Replaces `from` with `to` (same length) in a thread file: damage that keeps the file's size. */
async function damageInPlace(file: string, from: string, to: string): Promise<void> {
  assert.equal(Buffer.byteLength(from), Buffer.byteLength(to));
  const text = await fs.readFile(file, 'utf8');
  assert.ok(text.includes(from), `${from} is not in the file`);
  await fs.writeFile(file, text.replace(from, to));
}

describe('Check Library', () => {
  test('a record damaged in place is found by its checksum, kept in a side file, skipped quietly from then on, and the count corrected', async () => {
    const { dir, store, clock, problems, reopen } = await setup();
    const t = await store.create({ backend: 'responses', title: 'Damaged' });
    await store.append(t.id, textMessage(t.id, 'm1', 'first question', clock()));
    await store.append(t.id, textMessage(t.id, 'm2', 'an answer worth keeping', clock(), 'assistant'));
    await store.append(t.id, textMessage(t.id, 'm3', 'second question', clock()));
    await store.flush();
    await damageInPlace(threadFile(dir, t.id), 'an answer worth keeping', 'an answer worth kEeping');

    const opened = await reopen();
    assert.equal(opened.get(t.id)!.messageCount, 3, 'the index, of the same size, still counts it');
    const report = await opened.check();
    assert.equal(report.threads, 1);
    assert.equal(report.setAside.length, 1);
    assert.equal(report.setAside[0]!.records, 1);
    const aside = (await fs.readFile(report.setAside[0]!.file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { text: string; reason: string; start: number });
    assert.equal(aside.length, 1);
    assert.equal(aside[0]!.reason, 'checksum');
    assert.match(aside[0]!.text, /an answer worth kEeping/);
    assert.deepEqual(report.countsCorrected, [{ threadId: t.id, title: 'Damaged', from: 3, to: 2 }]);
    assert.equal(opened.get(t.id)!.messageCount, 2);
    assert.deepEqual((await opened.messages(t.id)).map(messageText), ['first question', 'second question']);

    // From now on every window skips it without a word, and a new check finds nothing to do.
    problems.length = 0;
    const later = await reopen();
    assert.deepEqual((await later.messages(t.id)).map(messageText), ['first question', 'second question']);
    assert.equal(later.get(t.id)!.messageCount, 2);
    await dropIndex(dir);
    const rebuilt = await reopen();
    assert.equal(rebuilt.get(t.id)!.messageCount, 2);
    assert.deepEqual(problems, []);
    const again = await rebuilt.check();
    assert.deepEqual(again.setAside, []);
    assert.deepEqual(again.countsCorrected, []);
    assert.deepEqual([...rebuilt.damagedThreads()], []);
  });

  for (const withIndex of [true, false]) {
    test(`a damaged header never changes the dialect (${withIndex ? 'the index remembers it' : 'no index: the records tell'}); Check Library writes it again`, async () => {
      const { dir, store, clock, reopen } = await setup();
      const t = await store.create({ backend: 'chat', title: 'Local only' });
      await store.append(t.id, textMessage(t.id, 'm1', 'hello', clock()));
      await store.append(t.id, textMessage(t.id, 'm2', 'hi there', clock(), 'assistant'));
      await store.flush();
      await damageInPlace(threadFile(dir, t.id), '"backend":"chat"', '"backend":"chbt"');
      if (!withIndex) await dropIndex(dir);

      const opened = await reopen();
      assert.equal(opened.get(t.id)!.backend, 'chat');
      assert.equal(opened.get(t.id)!.messageCount, 2);
      if (withIndex) assert.equal(opened.get(t.id)!.title, 'Local only');
      const report = await opened.check();
      assert.deepEqual(report.headersRepaired.map((h) => h.threadId), [t.id]);
      await dropIndex(dir);
      const repaired = await reopen();
      assert.equal(repaired.get(t.id)!.backend, 'chat');
      assert.equal(repaired.get(t.id)!.messageCount, 2);
      assert.deepEqual((await repaired.check()).headersRepaired, []);
    });
  }

  test('without a header or an index, a thread with a server conversation is inferred from its id', async () => {
    const { dir, store, clock, reopen } = await setup();
    const t = await store.create({ backend: 'assistants' });
    await store.update(t.id, { remoteId: 'thread_abc' });
    await store.append(t.id, textMessage(t.id, 'm1', 'hello', clock()));
    await store.flush();
    await damageInPlace(threadFile(dir, t.id), '"kind":"thread"', '"kind":"thrXad"');
    await dropIndex(dir);
    assert.equal((await reopen()).get(t.id)!.backend, 'assistants');
  });

  test('what crashes leave is cleared: a file where the index folder belongs, stale temp files, a trashed thread without its note', async () => {
    const { dir, store, clock, reopen } = await setup();
    const kept = await store.create({ backend: 'responses', title: 'kept' });
    await store.append(kept.id, textMessage(kept.id, 'm1', 'still here', clock()));
    const lost = await store.create({ backend: 'responses', title: 'half deleted' });
    await store.append(lost.id, textMessage(lost.id, 'm1', 'not lost', clock()));
    await store.delete(lost.id);
    await store.flush();
    const threads = path.join(dir, 'threads');
    // A crash after the move and before… the note is what makes it a trash entry: without it, an orphan.
    await fs.rm(path.join(threads, 'trash', `${lost.id}.json`));
    await fs.rm(path.join(threads, 'index'), { recursive: true });
    await fs.writeFile(path.join(threads, 'index'), 'something in the way');
    // Two minutes old: a crash's leftovers for Check Library, though not yet for a window's start-up sweep (ten minutes).
    const old = new Date(Date.now() - 2 * 60 * 1000);
    for (const name of ['.tmp-000000000009.json-deadbeef', 'index.json.tmp-1234abcd']) {
      await fs.writeFile(path.join(threads, name), '{"partial":');
      await fs.utimes(path.join(threads, name), old, old);
    }
    await fs.writeFile(path.join(threads, '.tmp-fresh-probe'), 'a writer right now');

    const opened = await reopen();
    assert.deepEqual(opened.list().map((t) => t.title), ['kept']);
    const report = await opened.check();
    assert.equal(report.movedAside.length, 1);
    assert.equal(report.movedAside[0]!.from, path.join(threads, 'index'));
    assert.equal(await fs.readFile(report.movedAside[0]!.to, 'utf8'), 'something in the way');
    assert.equal(report.tempFilesRemoved, 2);
    assert.ok((await fs.readdir(threads)).includes('.tmp-fresh-probe'), "a live writer's temp file is left alone");
    assert.deepEqual(report.recovered.map((r) => r.title), ['half deleted']);
    const after = await reopen();
    assert.deepEqual(after.list().map((t) => t.title).sort(), ['half deleted', 'kept']);
    assert.deepEqual((await after.messages(lost.id)).map(messageText), ['not lost']);
    assert.ok((await fs.stat(path.join(threads, 'index'))).isDirectory(), 'the index is written again');
  });
});

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { messageText } from '../../../src/core/model';
import type { Message } from '../../../src/core/model';
import { ThreadStore } from '../../../src/core/library/threadStore';
import type { LibraryEvent } from '../../../src/core/library/threadStore';
import { decodeLine, encodeRecordLine } from '../../../src/core/storage/recordLine';
import type { ThreadRecord } from '../../../src/core/storage/records';
import { dropIndex, steppingClock, tempDir, textMessage } from '../fakes/fixtures';

const messageRecord = (id: string, text: string, at = 1_700_000_000_000): ThreadRecord => ({ kind: 'message', at, message: textMessage('th_a', id, text, at) });

/** The record lines of `text` as decodeLine takes them (a line at a time, the last maybe unterminated). */
function decodeAll(text: string): ReturnType<typeof decodeLine>[] {
  const bytes = Buffer.from(text, 'utf8');
  const decoded: ReturnType<typeof decodeLine>[] = [];
  let start = 0;
  while (start < bytes.length) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl < 0 ? bytes.length : nl;
    decoded.push(decodeLine(bytes.subarray(start, end), start, nl >= 0));
    start = end + 1;
  }
  return decoded;
}

/** The same line with one character replaced by another of the same byte length. */
function flip(line: string, from: string, to: string): string {
  assert.equal(Buffer.byteLength(from), Buffer.byteLength(to));
  const at = line.indexOf(from);
  assert.ok(at > 0, `"${from}" is in the line`);
  return `${line.slice(0, at)}${to}${line.slice(at + from.length)}`;
}

interface Library {
  dir: string;
  store: ThreadStore;
  file: string;
  problems: string[];
  reopen(): Promise<ThreadStore>;
}

/** A library with one chat thread; `file` is its thread file, for writing records by hand. */
async function library(): Promise<Library> {
  const dir = await tempDir();
  const problems: string[] = [];
  const options = { now: steppingClock(), onProblem: (m: string) => problems.push(m) };
  const store = await ThreadStore.open(dir, options);
  const thread = await store.create({ backend: 'chat', title: 'By hand' });
  return { dir, store, file: path.join(dir, 'threads', `${thread.id}.jsonl`), problems, reopen: () => ThreadStore.open(dir, options) };
}

const texts = (messages: Message[]) => messages.map(messageText);

describe('record lines', () => {
  test('a record encodes to one checksummed line that decodes back to the same record', () => {
    const record = messageRecord('m1', 'héllo wörld 😀 "quoted" {"kind":"x"} \\ \n newline');
    const line = encodeRecordLine(record);
    assert.ok(!line.includes('\n'), 'one line');
    assert.match(line, /^\{"kind":"message",.*,"sum":"[0-9a-f]{8}"\}$/);
    const bytes = Buffer.from(line, 'utf8');
    const decoded = decodeLine(bytes, 100, true);
    assert.deepEqual(decoded, { records: [{ record, start: 100, end: 100 + bytes.length + 1 }], damaged: [], torn: 0, unknown: 0 });
  });

  test('a byte changed in place (the size stays the same) is caught by the checksum and reported as damage', () => {
    const line = encodeRecordLine(messageRecord('m1', 'pay 100 dollars'));
    const forged = flip(line, '100', '900');
    assert.equal(Buffer.byteLength(forged), Buffer.byteLength(line));
    JSON.parse(forged);
    const decoded = decodeLine(Buffer.from(forged), 0, true);
    assert.deepEqual(decoded.records, []);
    assert.deepEqual(decoded.damaged, [{ start: 0, end: Buffer.byteLength(forged) + 1, reason: 'checksum' }]);
  });

  test('in a thread, the changed record is left out, reported once, and the count drops to what is readable', async () => {
    const { dir, store, file, problems, reopen } = await library();
    const id = path.basename(file, '.jsonl');
    await store.append(id, textMessage(id, 'm1', 'pay 100 dollars', 1));
    await store.append(id, textMessage(id, 'm2', 'thanks', 2));
    await store.flush();
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, flip(text, 'pay 100', 'pay 900'));

    const reopened = await reopen();
    const events: LibraryEvent[] = [];
    reopened.onDidChange((e) => events.push(e));
    assert.deepEqual(texts(await reopened.messages(id)), ['thanks'], 'the forged message is never shown');
    assert.deepEqual(texts(await reopened.messages(id)), ['thanks']);
    assert.equal(problems.filter((p) => p.includes('checksum does not match')).length, 1, 'reported once');
    assert.deepEqual([...reopened.damagedThreads()], [[id, 1]]);
    assert.ok(events.some((e) => e.type === 'damage' && e.threadId === id));
    await waitFor(() => reopened.get(id)?.messageCount === 1, 'the count drops to the readable messages');
    await dropIndex(dir);
    assert.equal((await reopen()).get(id)?.messageCount, 1);
  });

  test('a fragment of a write that never finished, glued before a record, is skipped quietly and the record kept', async () => {
    const whole = encodeRecordLine(messageRecord('m2', 'made it'));
    const torn = encodeRecordLine(messageRecord('m1', 'cut short')).slice(0, 40);
    const decoded = decodeLine(Buffer.from(torn + whole), 0, true);
    assert.deepEqual(decoded.records.map((r) => r.record), [messageRecord('m2', 'made it')]);
    assert.equal(decoded.torn, 1);
    assert.deepEqual(decoded.damaged, []);

    const { store, file, problems, reopen } = await library();
    const id = path.basename(file, '.jsonl');
    await store.append(id, textMessage(id, 'm0', 'before', 1));
    // A write cut right inside its checksum, then another window's record.
    const cut = encodeRecordLine({ kind: 'message', at: 2, message: textMessage(id, 'mX', 'never acknowledged', 2) });
    await fs.appendFile(file, cut.slice(0, -5));
    await store.append(id, textMessage(id, 'm1', 'after', 3));
    assert.deepEqual(texts(await store.messages(id)), ['before', 'after']);
    const reopened = await reopen();
    assert.deepEqual(texts(await reopened.messages(id)), ['before', 'after']);
    assert.deepEqual(texts(await reopened.lastMessages(id, 5)), ['before', 'after']);
    assert.equal(await reopened.message(id, 'mX'), undefined);
    assert.equal(reopened.get(id)?.messageCount, 2);
    assert.deepEqual(problems, [], 'a torn write is not damage');
  });

  test('a whole record that only lost its newline is kept, and so is the record glued after it', async () => {
    const first = encodeRecordLine(messageRecord('m1', 'one'));
    const second = encodeRecordLine(messageRecord('m2', 'two'));
    const [line] = decodeAll(`${first}${second}\n`);
    assert.deepEqual(line?.records.map((r) => r.record), [messageRecord('m1', 'one'), messageRecord('m2', 'two')]);
    assert.equal(line?.torn, 0);
    assert.deepEqual(line?.damaged, []);
    // Alone at the end of the file it is already whole: no newline needed to read it.
    const [alone] = decodeAll(first);
    assert.deepEqual(alone?.records.map((r) => r.record), [messageRecord('m1', 'one')]);
    assert.equal(alone?.pendingFrom, undefined);

    const { dir, store, file, problems, reopen } = await library();
    const id = path.basename(file, '.jsonl');
    await fs.appendFile(file, encodeRecordLine({ kind: 'message', at: 5, message: textMessage(id, 'm1', 'no newline', 5) }));
    const reopened = await reopen();
    await reopened.append(id, textMessage(id, 'm2', 'glued after it', 6));
    assert.deepEqual(texts(await reopened.messages(id)), ['no newline', 'glued after it']);
    assert.deepEqual(texts(await store.messages(id)), ['no newline', 'glued after it']);
    await dropIndex(dir);
    assert.equal((await reopen()).get(id)?.messageCount, 2);
    assert.deepEqual(problems, []);
  });

  test('records written before checksums (no sum) are read as they are', async () => {
    const record = messageRecord('m1', 'from an older version');
    assert.deepEqual(decodeLine(Buffer.from(JSON.stringify(record)), 0, true).records.map((r) => r.record), [record]);

    const { dir, file, problems, reopen } = await library();
    const id = path.basename(file, '.jsonl');
    const legacy = [
      { kind: 'message', at: 10, message: textMessage(id, 'm1', 'old one', 10) },
      { kind: 'meta', at: 11, patch: { title: 'Renamed long ago', pinned: true } },
      { kind: 'message', at: 12, message: textMessage(id, 'm2', 'old two', 12, 'assistant') },
    ];
    await fs.appendFile(file, legacy.map((r) => `${JSON.stringify(r)}\n`).join(''));
    await dropIndex(dir);
    const reopened = await reopen();
    assert.deepEqual(texts(await reopened.messages(id)), ['old one', 'old two']);
    assert.equal(reopened.get(id)?.title, 'Renamed long ago');
    assert.equal(reopened.get(id)?.pinned, true);
    assert.equal(reopened.get(id)?.messageCount, 2);
    assert.deepEqual(problems, []);
  });

  test('a record of a kind this version does not know (a newer Threadline wrote it) is skipped quietly, not damage', async () => {
    const future = { kind: 'branch', at: 3, from: 'm1', to: 'm9' } as unknown as ThreadRecord;
    const line = encodeRecordLine(future);
    assert.deepEqual(decodeLine(Buffer.from(line), 0, true), { records: [], damaged: [], torn: 0, unknown: 1 });
    assert.equal(decodeLine(Buffer.from(JSON.stringify(future)), 0, true).unknown, 1, 'without a checksum too');

    const { dir, store, file, problems, reopen } = await library();
    const id = path.basename(file, '.jsonl');
    await store.append(id, textMessage(id, 'm1', 'one', 1));
    await fs.appendFile(file, `${line}\n`);
    await store.append(id, textMessage(id, 'm2', 'two', 2));
    await dropIndex(dir);
    const reopened = await reopen();
    assert.deepEqual(texts(await reopened.messages(id)), ['one', 'two']);
    assert.equal(reopened.get(id)?.messageCount, 2);
    assert.deepEqual([...reopened.damagedThreads()], []);
    assert.deepEqual(problems, []);
  });

  test('a message with a parent link (branches) keeps it through append, pages, lookups and a re-open, beside old messages without one', async () => {
    const { dir, store, file, reopen } = await library();
    const id = path.basename(file, '.jsonl');
    await store.append(id, textMessage(id, 'm1', 'root', 1));
    const child = { ...textMessage(id, 'm2', 'a reply on a branch', 2, 'assistant'), parentId: 'm1' };
    await store.append(id, child);
    const sibling = { ...textMessage(id, 'm3', 'another branch', 3), parentId: 'm1' };
    await store.append(id, sibling);
    const parents = (messages: Message[]) => messages.map((m) => (m as Message & { parentId?: string }).parentId);

    assert.deepEqual(parents((await store.page(id, { limit: 10 })).messages), [undefined, 'm1', 'm1']);
    assert.deepEqual(parents((await store.pageAfter(id, { after: 'm1', limit: 1 })).messages), ['m1']);
    assert.deepEqual(await store.message(id, 'm2'), child);
    await dropIndex(dir);
    const reopened = await reopen();
    assert.deepEqual(parents(await reopened.messages(id)), [undefined, 'm1', 'm1']);
    assert.deepEqual((await reopened.pageAround(id, 'm2', 3)).messages[1], child);
    assert.equal(reopened.get(id)?.messageCount, 3);
  });
});

/** Waits until `condition` holds (a background step of the store), failing after a generous while. */
async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), what);
}

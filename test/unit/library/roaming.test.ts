import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mergeRoaming, parseRoamingList, roamingEntry, serverOrigin } from '../../../src/core/library/roaming';
import type { MergeInput, RoamingList, RoamingThread } from '../../../src/core/library/roaming';
import type { ThreadMeta } from '../../../src/core/model';

const SERVER = 'https://api.openai.com';
const NOW = 1_800_000_000_000;
const DAY = 24 * 60 * 60 * 1000;

function thread(id: string, extra: Partial<ThreadMeta> = {}): ThreadMeta {
  return { id, title: `Thread ${id}`, createdAt: NOW - DAY, updatedAt: NOW - DAY, backend: 'responses', remoteId: `conv_${id}`, messageCount: 2, ...extra };
}

function list(threads: ThreadMeta[], deleted: RoamingList['deleted'] = []): RoamingList {
  return { version: 1, threads: threads.flatMap((t) => roamingEntry(t, SERVER) ?? []), deleted };
}

function merge(input: Partial<MergeInput> & Pick<MergeInput, 'local'>) {
  return mergeRoaming({ base: undefined, localBefore: undefined, incoming: undefined, inTrash: new Set(), serverOf: () => SERVER, now: NOW, ...input });
}

describe('roaming threads (Settings Sync)', () => {
  test('only server threads roam, with ids, title, pin and archive state: never messages, never a Chat Completions thread', () => {
    const local = [thread('a', { pinned: true }), thread('b', { archived: true }), thread('c', { backend: 'chat', remoteId: undefined }), thread('d', { remoteId: undefined })];
    const { outgoing } = merge({ local });
    assert.deepEqual(outgoing.threads.map((t) => t.id), ['a', 'b']);
    assert.deepEqual(outgoing.threads[0], { id: 'a', remoteId: 'conv_a', backend: 'responses', title: 'Thread a', createdAt: NOW - DAY, updatedAt: NOW - DAY, server: SERVER, pinned: true });
    assert.equal(outgoing.threads[1]!.archived, true);
    assert.deepEqual(Object.keys(outgoing.threads[1]!).sort(), ['archived', 'backend', 'createdAt', 'id', 'remoteId', 'server', 'title', 'updatedAt']);
  });

  test("another machine's thread shows as elsewhere here, and stays in what this machine writes back", () => {
    const laptop = thread('laptop');
    const { elsewhere, outgoing, patches, deleted } = merge({ local: [thread('a')], incoming: list([laptop]) });
    assert.deepEqual(elsewhere.map((t) => t.id), ['laptop']);
    assert.deepEqual(outgoing.threads.map((t) => t.id).sort(), ['a', 'laptop']);
    assert.deepEqual(patches, []);
    assert.deepEqual(deleted, []);
  });

  test('a rename, pin or archive made on another machine since the last merge is taken here; one made here goes out', () => {
    const a = thread('a');
    const b = thread('b');
    const base = list([a, b]);
    const incoming = list([{ ...a, title: 'Renamed on the laptop', pinned: true }, b]);
    const local = [a, { ...b, archived: true }];
    const { patches, outgoing } = merge({ base, localBefore: new Set(['a', 'b']), incoming, local });
    assert.deepEqual(patches, [{ id: 'a', patch: { title: 'Renamed on the laptop', titleLocked: true, pinned: true } }]);
    const out = new Map(outgoing.threads.map((t) => [t.id, t]));
    assert.equal(out.get('a')!.title, 'Renamed on the laptop');
    assert.equal(out.get('b')!.archived, true);
  });

  test('without a base neither side can tell who changed what: this machine keeps its own', () => {
    const a = thread('a', { title: 'Mine' });
    const { patches } = merge({ local: [a], incoming: list([{ ...a, title: 'Theirs' }]) });
    assert.deepEqual(patches, []);
  });

  test('a thread missing from what arrived was only never seen there: it is kept, not deleted', () => {
    const a = thread('a');
    const { deleted, outgoing } = merge({ base: list([a]), localBefore: new Set(['a']), incoming: list([]), local: [a] });
    assert.deepEqual(deleted, []);
    assert.deepEqual(outgoing.threads.map((t) => t.id), ['a']);
  });

  test('a tombstone deletes here (to the trash), and a thread deleted here leaves a tombstone', () => {
    const a = thread('a');
    const b = thread('b');
    const base = list([a, b]);
    const fromLaptop = merge({ base, localBefore: new Set(['a', 'b']), incoming: list([b], [{ id: 'a', at: NOW - 1000 }]), local: [a, b] });
    assert.deepEqual(fromLaptop.deleted, ['a']);
    assert.deepEqual(fromLaptop.outgoing.threads.map((t) => t.id), ['b']);

    const here = merge({ base, localBefore: new Set(['a', 'b']), incoming: base, local: [b], inTrash: new Set(['a']) });
    assert.deepEqual(here.outgoing.deleted, [{ id: 'a', at: NOW }]);
    assert.deepEqual(here.outgoing.threads.map((t) => t.id), ['b']);
  });

  test('a thread gone from a library that could not read it is not a deletion (only the trash says so)', () => {
    const a = thread('a');
    const { outgoing } = merge({ base: list([a]), localBefore: new Set(['a']), incoming: list([a]), local: [], inTrash: new Set() });
    assert.deepEqual(outgoing.deleted, []);
    assert.deepEqual(outgoing.threads.map((t) => t.id), ['a'], 'kept for the machines that have it');
  });

  test('a thread restored here wins over an older tombstone; tombstones expire after 30 days', () => {
    const a = thread('a');
    const restored = merge({ base: list([]), localBefore: new Set(), incoming: list([], [{ id: 'a', at: NOW - 1000 }]), local: [a] });
    assert.deepEqual(restored.deleted, []);
    assert.deepEqual(restored.outgoing.deleted, []);
    assert.deepEqual(restored.outgoing.threads.map((t) => t.id), ['a']);

    const old = merge({ local: [], incoming: list([], [{ id: 'x', at: NOW - 31 * DAY }, { id: 'y', at: NOW - DAY }]) });
    assert.deepEqual(old.outgoing.deleted.map((d) => d.id), ['y']);
  });

  test('a synced value that is malformed is dropped, not trusted', () => {
    assert.equal(parseRoamingList('nope'), undefined);
    assert.equal(parseRoamingList({ version: 2, threads: [] }), undefined);
    const good: RoamingThread = { id: 'th_ok', remoteId: 'conv_1', backend: 'responses', title: 'ok', createdAt: 1, updatedAt: 2, server: SERVER };
    const parsed = parseRoamingList({ version: 1, threads: [good, { ...good, id: '../escape' }, { ...good, backend: 'chat' }, { ...good, title: 3 }], deleted: [{ id: 'th_gone', at: 5 }, { id: 7 }] });
    assert.deepEqual(parsed, { version: 1, threads: [good], deleted: [{ id: 'th_gone', at: 5 }] });
  });

  test('a server is named by its origin', () => {
    assert.equal(serverOrigin('https://api.openai.com/v1'), 'https://api.openai.com');
    assert.equal(serverOrigin('http://127.0.0.1:8080/v1/'), 'http://127.0.0.1:8080');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APIError } from 'openai';
import type { Backend } from '../../src/core/backends/backend';
import type { ChatEvent } from '../../src/core/chat/chatEvents';
import { parseThreadJson, toJson } from '../../src/core/library/exportThread';
import type { BackendKind, ThreadMeta } from '../../src/core/model';
import { FakeBackend } from './fakes/fakeBackend';
import { chatHarness } from './fakes/chatHarness';
import { dropIndex } from './fakes/fixtures';

/** A dialect without server threads, so without threadExists (as Chat Completions). */
const chatBackend: Backend = {
  kind: 'chat',
  server: 'http://localhost:11434/v1',
  createThread: async () => ({}),
  async *reply() {},
  deleteThread: async () => undefined,
};

async function harness() {
  const backend = new FakeBackend();
  const base = await chatHarness(backend, (kind: BackendKind): Backend => (kind === 'chat' ? chatBackend : backend));
  const { chat, threads, store } = base;
  /** A thread with one exchange, so it has a server-side thread. */
  const sent = async (text: string): Promise<ThreadMeta & { remoteId: string }> => {
    const t = await threads.createThread();
    await chat.send(t.id, text);
    const meta = store.get(t.id);
    assert.ok(meta?.remoteId);
    return { ...meta, remoteId: meta.remoteId };
  };
  return { ...base, sent };
}

const listed = (events: ChatEvent[]) => events.filter((e) => e.type === 'threadsChanged').length;

describe('reconcile', () => {
  test('marks exactly the missing threads gone, moving their id aside, and nothing else', async () => {
    const { store, backend, threads, events, sent } = await harness();
    const kept = await sent('kept');
    const lost = await sent('lost');
    const local = await threads.createThread();
    const chatThread = await store.create({ backend: 'chat' });
    backend.remoteThreads.set(lost.remoteId, false);
    const before = store.get(lost.id);
    events.length = 0;

    const result = await threads.reconcile();

    assert.deepEqual(result, { checked: 2, gone: [lost.id], failed: [] });
    assert.deepEqual([...backend.existsChecks].sort(), [kept.remoteId, lost.remoteId].sort());
    const gone = store.get(lost.id);
    assert.equal(gone?.remoteGone, true);
    assert.equal(gone?.goneRemoteId, lost.remoteId);
    assert.equal(gone?.remoteId, undefined);
    // Found gone is not a change to the thread: it keeps its place among the recent threads.
    assert.equal(gone?.updatedAt, before?.updatedAt);
    assert.equal(gone?.messageCount, 2);
    assert.deepEqual(store.get(kept.id), kept);
    assert.ok(store.get(local.id));
    assert.ok(store.get(chatThread.id));
    assert.equal(store.list().length, 4);
    assert.deepEqual(backend.deletedThreads, []);
    assert.equal(listed(events), 1);
  });

  test('clears the flag and restores the id of a thread that exists again', async () => {
    const { store, backend, threads, sent } = await harness();
    const t = await sent('flaky');
    backend.remoteThreads.set(t.remoteId, false);
    assert.deepEqual((await threads.reconcile()).gone, [t.id]);
    // Still gone: reported again, re-checked under its old id.
    assert.deepEqual((await threads.reconcile()).gone, [t.id]);
    assert.equal(backend.existsChecks.at(-1), t.remoteId);

    backend.remoteThreads.set(t.remoteId, true);
    assert.deepEqual(await threads.reconcile(), { checked: 1, gone: [], failed: [] });
    const back = store.get(t.id);
    assert.equal(back?.remoteId, t.remoteId);
    assert.equal('remoteGone' in (back ?? {}), false);
    assert.equal('goneRemoteId' in (back ?? {}), false);
  });

  test('a thread that cannot be checked is reported, not thrown, and left as it was', async () => {
    const { store, backend, threads, events, sent } = await harness();
    const broken = await sent('broken');
    const lost = await sent('lost');
    backend.remoteThreads.set(broken.remoteId, { fail: APIError.generate(500, { message: 'boom' }, 'boom', new Headers()) });
    backend.remoteThreads.set(lost.remoteId, false);
    events.length = 0;

    const result = await threads.reconcile();

    assert.equal(result.checked, 1);
    assert.deepEqual(result.gone, [lost.id]);
    assert.equal(result.failed.length, 1);
    assert.equal(result.failed[0]?.threadId, broken.id);
    assert.match(result.failed[0]?.error ?? '', /server/i);
    assert.deepEqual(store.get(broken.id), broken);
    assert.equal(listed(events), 1);
  });

  test('the gone state survives a re-open, an index rebuild and an export round trip', async () => {
    const { dir, store, backend, threads, sent, reopen } = await harness();
    const t = await sent('persist me');
    backend.remoteThreads.set(t.remoteId, false);
    await threads.reconcile();
    const expected = store.get(t.id);

    assert.deepEqual((await reopen()).get(t.id), expected);
    await dropIndex(dir);
    assert.deepEqual((await reopen()).get(t.id), expected);
    assert.ok(expected);
    const doc = parseThreadJson(toJson(expected, await store.messages(t.id)));
    assert.equal(doc.thread.remoteGone, true);
  });

  test('the next send re-creates the server thread seeded with the local history', async () => {
    const { store, backend, chat, threads, sent } = await harness();
    const t = await sent('first question');
    backend.remoteThreads.set(t.remoteId, false);
    await threads.reconcile();
    const history = await store.messages(t.id);

    await chat.send(t.id, 'second question');

    assert.equal(backend.createThreadCalls.length, 2);
    assert.deepEqual(backend.seededWith.at(-1), history);
    const after = store.get(t.id);
    assert.ok(after?.remoteId);
    assert.notEqual(after.remoteId, t.remoteId);
    assert.equal('remoteGone' in after, false);
    assert.equal('goneRemoteId' in after, false);
    assert.equal(backend.requests.at(-1)?.thread.remoteId, after.remoteId);
    assert.equal(after.messageCount, 4);
  });

  test('moving a gone thread to another dialect forgets the old id', async () => {
    const { store, backend, threads, sent } = await harness();
    const t = await sent('hi');
    backend.remoteThreads.set(t.remoteId, false);
    await threads.reconcile();
    const moved = await threads.setBackend(t.id, 'assistants');
    assert.equal('remoteGone' in moved, false);
    assert.equal('goneRemoteId' in moved, false);
    assert.deepEqual((await threads.reconcile()).checked, 0);
    assert.equal(store.get(t.id)?.backend, 'assistants');
  });

  test('reports progress, and a stop ends it without failures', async () => {
    const { backend, threads, events, sent } = await harness();
    for (const text of ['a', 'b', 'c', 'd', 'e', 'f']) await sent(text);
    const progress: Array<[number, number]> = [];
    const result = await threads.reconcile({ onProgress: (done, total) => progress.push([done, total]) });
    assert.equal(result.checked, 6);
    assert.deepEqual(progress, [0, 1, 2, 3, 4, 5, 6].map((done) => [done, 6]));

    const controller = new AbortController();
    controller.abort();
    backend.existsChecks.length = 0;
    events.length = 0;
    assert.deepEqual(await threads.reconcile({ signal: controller.signal }), { checked: 0, gone: [], failed: [] });
    assert.deepEqual(backend.existsChecks, []);
    assert.equal(listed(events), 1);
  });
});

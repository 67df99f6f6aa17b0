import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { APIError } from 'openai';
import { SendError, stillStreaming } from '../../src/core/chat/chatEvents';
import type { ChatEvent } from '../../src/core/chat/chatEvents';
import { parseThreadJson, toJson } from '../../src/core/library/exportThread';
import type { ThreadStore } from '../../src/core/library/threadStore';
import { chatHarness } from './fakes/chatHarness';
import { dropIndex } from './fakes/fixtures';

const harness = chatHarness;

const listed = (events: ChatEvent[]) => events.filter((e) => e.type === 'threadsChanged').length;

describe('thread management', () => {
  test('pinned, archived, workspaceFolder and titleLocked survive a re-open and an index rebuild', async () => {
    const { dir, store, threads, reopen } = await harness();
    const a = await threads.createThread({ workspaceFolder: '/work/a' });
    const b = await threads.createThread();
    await threads.setPinned(a.id, true);
    await threads.setArchived(a.id, true);
    await threads.rename(a.id, 'Kept name');
    await threads.setArchived(b.id, true);
    await threads.setArchived(b.id, false);

    const expectedA = { pinned: true, archived: true, workspaceFolder: '/work/a', titleLocked: true, title: 'Kept name' };
    const check = (s: ThreadStore) => {
      const got = s.get(a.id);
      assert.deepEqual(
        { pinned: got?.pinned, archived: got?.archived, workspaceFolder: got?.workspaceFolder, titleLocked: got?.titleLocked, title: got?.title },
        expectedA,
      );
      // Clearing a flag removes the field rather than storing false.
      assert.equal('archived' in (s.get(b.id) ?? {}), false);
    };
    check(store);
    const reopened = await reopen();
    check(reopened);
    assert.deepEqual(reopened.list(), store.list());

    await dropIndex(dir);
    const rebuilt = await reopen();
    check(rebuilt);
    assert.deepEqual(rebuilt.list(), store.list());
  });

  test('pinning and archiving leave updatedAt alone; renaming counts as a change', async () => {
    const { store, threads } = await harness();
    const t = await threads.createThread();
    const before = store.get(t.id)?.updatedAt;
    await threads.setPinned(t.id, true);
    await threads.setArchived(t.id, true);
    assert.equal(store.get(t.id)?.updatedAt, before);
    await threads.rename(t.id, 'x');
    assert.ok((store.get(t.id)?.updatedAt ?? 0) > (before ?? 0));
  });

  test('rename trims, refuses an empty title, and stops the first-message auto-title', async () => {
    const { store, chat, threads, events } = await harness();
    const t = await threads.createThread();
    await assert.rejects(threads.rename(t.id, '   \n '), SendError);
    events.length = 0;
    const renamed = await threads.rename(t.id, '  My\n plan  ');
    assert.equal(renamed.title, 'My plan');
    assert.equal(renamed.titleLocked, true);
    assert.equal(listed(events), 1);

    // Even a rename back to the default title keeps auto-titling off.
    await threads.rename(t.id, 'New thread');
    await chat.send(t.id, 'What is the capital of France?');
    assert.equal(store.get(t.id)?.title, 'New thread');

    const other = await threads.createThread();
    await chat.send(other.id, 'Auto titled');
    assert.equal(store.get(other.id)?.title, 'Auto titled');
  });

  test('createThread stores the workspace folder', async () => {
    const { threads, reopen } = await harness();
    const t = await threads.createThread({ workspaceFolder: '/repo' });
    assert.equal(t.workspaceFolder, '/repo');
    assert.equal((await reopen()).get(t.id)?.workspaceFolder, '/repo');
    assert.equal((await threads.createThread()).workspaceFolder, undefined);
  });

  test('delete removes the thread locally, and remotely when asked', async () => {
    const { store, backend, chat, threads, events, reopen } = await harness();
    const local = await threads.createThread();
    await chat.send(local.id, 'hi');
    const remote = await threads.createThread();
    await chat.send(remote.id, 'hi');
    const remoteId = store.get(remote.id)?.remoteId;
    assert.ok(remoteId);

    events.length = 0;
    await threads.delete(local.id);
    assert.deepEqual(backend.deletedThreads, []);
    await threads.delete(remote.id, { remote: true });
    assert.deepEqual(backend.deletedThreads, [remoteId]);
    assert.deepEqual(store.list(), []);
    assert.deepEqual((await reopen()).list(), []);
    assert.equal(listed(events), 2);
    await assert.rejects(threads.delete(local.id), SendError);
  });

  test('a server thread that is already gone (404) does not stop the local delete', async () => {
    const { store, backend, chat, threads } = await harness();
    const t = await threads.createThread();
    await chat.send(t.id, 'hi');
    backend.deleteThreadError = APIError.generate(404, { message: 'No conversation found' }, 'No conversation found', new Headers());
    await threads.delete(t.id, { remote: true });
    assert.equal(backend.deletedThreads.length, 1);
    assert.equal(store.get(t.id), undefined);
  });

  test('any other server failure keeps the thread and its messages', async () => {
    const { store, backend, chat, threads, events, reopen } = await harness();
    const t = await threads.createThread();
    await chat.send(t.id, 'precious');
    backend.deleteThreadError = APIError.generate(500, { message: 'boom' }, 'boom', new Headers());
    events.length = 0;
    await assert.rejects(threads.delete(t.id, { remote: true }), (err: unknown) => err instanceof SendError && /server/.test(err.message));
    assert.equal(store.get(t.id)?.messageCount, 2);
    assert.equal((await reopen()).get(t.id)?.messageCount, 2);
    assert.equal(listed(events), 0);
    // The failed delete released the thread: sending still works.
    await chat.send(t.id, 'still here');
  });

  test('delete is refused while a reply streams', async () => {
    const { store, backend, chat, threads } = await harness();
    backend.script({ delta: 'partial' }, { waitForAbort: 'throw' });
    const t = await threads.createThread();
    const sending = chat.send(t.id, 'hi');
    while (!chat.isStreaming(t.id) || backend.requests.length === 0) await new Promise((r) => setTimeout(r, 1));
    await assert.rejects(threads.delete(t.id), (err: unknown) => err instanceof SendError && err.message === stillStreaming());
    chat.stop(t.id);
    await sending;
    assert.ok(store.get(t.id));
    await threads.delete(t.id);
    assert.equal(store.get(t.id), undefined);
  });
});

describe('bookmarks', () => {
  test('a bookmark toggles on and off, survives a reopen and an index rebuild, and follows an export/import', async () => {
    const { dir, store, chat, threads, reopen } = await harness();
    const thread = await threads.createThread();
    await chat.send(thread.id, 'keep this one');
    const [question, answer] = await store.messages(thread.id);
    assert.equal(await threads.toggleBookmark(thread.id, answer!.id), true);
    assert.equal(await threads.toggleBookmark(thread.id, question!.id), true);
    assert.equal(await threads.toggleBookmark(thread.id, question!.id), false);
    assert.deepEqual(store.get(thread.id)!.bookmarks, [answer!.id]);
    assert.deepEqual((await reopen()).get(thread.id)!.bookmarks, [answer!.id]);

    await fs.writeFile(path.join(dir, 'threads', 'index.json'), '{ not json');
    assert.deepEqual((await reopen()).get(thread.id)!.bookmarks, [answer!.id]);

    const copy = await threads.importThread(parseThreadJson(toJson(store.get(thread.id)!, await store.messages(thread.id))));
    const copied = await store.messages(copy.id);
    assert.deepEqual(store.get(copy.id)!.bookmarks, [copied[1]!.id]);
    await assert.rejects(threads.toggleBookmark(thread.id, 'msg_nope'), /not in this thread/);
  });
});

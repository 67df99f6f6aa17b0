// Deleting a Conversations thread end to end: the real SDK over HTTP against the stand-in, which
// (as OpenAI does) keeps a deleted conversation's items unless they were deleted first.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { NotFoundError } from 'openai';
import type { ConnectionSettings } from '../../src/core/backends/backend';
import { ConversationDeleteError } from '../../src/core/backends/responses/deletion';
import { ResponsesBackend } from '../../src/core/backends/responsesBackend';
import { createChat } from '../../src/core/chat/createChat';
import { SendError } from '../../src/core/chat/chatEvents';
import { THREAD_FORMAT, THREAD_FORMAT_VERSION } from '../../src/core/library/exportThread';
import type { Message, ThreadMeta } from '../../src/core/model';
import { ThreadStore } from '../../src/core/library/threadStore';
import type { RecordedRequest } from '../stand-in/index';
import { sdkClient, settingsFor, standInForFile } from './support';

const standIn = standInForFile();

function thread(id: string): ThreadMeta {
  return { id, title: 'Delete', createdAt: 0, updatedAt: 0, backend: 'responses', messageCount: 0 };
}

/** `n` messages, user and assistant in turn. */
function history(threadId: string, n: number): Message[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `m_${i}`,
    threadId,
    role: i % 2 ? 'assistant' : 'user',
    content: [{ type: 'text', text: `message ${i}` }],
    createdAt: i,
    status: 'complete',
  }));
}

/** A conversation on the stand-in holding `n` items. */
async function conversationWith(n: number, settings: ConnectionSettings = settingsFor(standIn.current)): Promise<string> {
  const th = thread(`th_delete_${n}`);
  const { remoteId } = await new ResponsesBackend(settings).createThread(th, history(th.id, n));
  assert.ok(remoteId);
  assert.equal(standIn.current.state.conversations.get(remoteId)?.items.length, n);
  return remoteId;
}

function requestsSince(first: number): RecordedRequest[] {
  return standIn.current.requests.slice(first);
}

/** Settings whose fetch counts the item deletes in flight, and runs `beforeItemDelete` ahead of each. */
function watched(beforeItemDelete: (url: string, nth: number) => Promise<void> = async () => undefined) {
  const seen = { inFlight: 0, maxInFlight: 0, itemDeletes: 0 };
  const settings = settingsFor(standIn.current, {
    fetch: async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (init?.method !== 'DELETE' || !/\/items\/[^/]+$/.test(url)) return fetch(input, init);
      await beforeItemDelete(url, seen.itemDeletes++);
      seen.inFlight += 1;
      seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
      try {
        return await fetch(input, init);
      } finally {
        seen.inFlight -= 1;
      }
    },
  });
  return { settings, seen };
}

describe('ResponsesBackend.deleteThread deletes the items, then the conversation', () => {
  test('130 items (two pages) are deleted four at a time, then the conversation; nothing is left', async () => {
    const remoteId = await conversationWith(130);
    const first = standIn.current.requests.length;
    const { settings, seen } = watched();
    const progress: number[] = [];

    await new ResponsesBackend(settings).deleteThread(remoteId, { onProgress: (deleted, total) => progress.push(deleted, total) });

    const sent = requestsSince(first);
    const pages = sent.filter((r) => r.method === 'GET');
    assert.deepEqual(
      pages.map((r) => ({ path: r.path, limit: r.query.limit, hasAfter: 'after' in r.query })),
      [
        { path: `/v1/conversations/${remoteId}/items`, limit: '100', hasAfter: false },
        { path: `/v1/conversations/${remoteId}/items`, limit: '100', hasAfter: true },
      ],
      'the SDK followed the second page',
    );
    const deletes = sent.filter((r) => r.method === 'DELETE');
    const itemDeletes = deletes.slice(0, -1);
    assert.equal(itemDeletes.length, 130);
    assert.equal(new Set(itemDeletes.map((r) => r.path)).size, 130, 'each item was deleted once');
    assert.ok(itemDeletes.every((r) => r.path.startsWith(`/v1/conversations/${remoteId}/items/msg_`)));
    assert.equal(deletes.at(-1)?.path, `/v1/conversations/${remoteId}`, 'the conversation goes last');
    assert.equal(seen.maxInFlight, 4, 'four item deletes at a time');
    assert.deepEqual(progress.slice(-2), [130, 130]);

    assert.equal(standIn.current.state.conversations.has(remoteId), false);
    assert.equal(standIn.current.state.itemsOfDeletedConversations.has(remoteId), false, 'items were left behind');
    await assert.rejects(sdkClient(standIn.current).conversations.retrieve(remoteId), NotFoundError);
  });

  test('an item someone else deleted meanwhile (404) counts as deleted', async () => {
    const remoteId = await conversationWith(6);
    const client = sdkClient(standIn.current);
    // Just before Threadline's third item delete goes out, the same item is deleted elsewhere.
    const { settings } = watched(async (url, nth) => {
      if (nth !== 2) return;
      const itemId = decodeURIComponent(url.split('/').at(-1) ?? '');
      await client.conversations.items.delete(itemId, { conversation_id: remoteId });
    });
    const first = standIn.current.requests.length;

    await new ResponsesBackend(settings).deleteThread(remoteId);

    const itemDeletes = requestsSince(first).filter((r) => r.method === 'DELETE' && r.path.includes('/items/'));
    assert.equal(itemDeletes.length, 7, "six of Threadline's, one from elsewhere");
    assert.equal(standIn.current.state.conversations.has(remoteId), false);
    assert.equal(standIn.current.state.itemsOfDeletedConversations.has(remoteId), false);
  });

  test('an empty conversation is deleted with one list and one delete', async () => {
    const remoteId = await conversationWith(0);
    const first = standIn.current.requests.length;
    await new ResponsesBackend(settingsFor(standIn.current)).deleteThread(remoteId);
    assert.deepEqual(
      requestsSince(first).map((r) => `${r.method} ${r.path}`),
      [`GET /v1/conversations/${remoteId}/items`, `DELETE /v1/conversations/${remoteId}`],
    );
  });

  test('a conversation that is already gone fails with the 404, which callers take as deleted', async () => {
    const remoteId = await conversationWith(2);
    await sdkClient(standIn.current).conversations.delete(remoteId);
    await assert.rejects(new ResponsesBackend(settingsFor(standIn.current)).deleteThread(remoteId), NotFoundError);
  });

  test('stopping part-way keeps the conversation and its remaining items, and says how far it got', async () => {
    const remoteId = await conversationWith(40);
    const abort = new AbortController();
    const error = await new ResponsesBackend(settingsFor(standIn.current))
      .deleteThread(remoteId, { signal: abort.signal, onProgress: (deleted) => deleted === 10 && abort.abort() })
      .then(() => assert.fail('the delete finished'), (err: unknown) => err);
    assert.ok(error instanceof ConversationDeleteError, String(error));
    assert.equal(error.total, 40);
    assert.ok(error.deleted >= 10 && error.deleted < 40);
    assert.equal(error.message, `Stopped after deleting ${error.deleted} of the conversation's 40 items (the few under way may have gone too); the conversation is still there.`);
    // Deletes aborted in flight may still have reached the server: at most the four under way.
    const left = standIn.current.state.conversations.get(remoteId)?.items.length ?? -1;
    assert.ok(left <= 40 - error.deleted && left >= 40 - error.deleted - 4, `${left} items left after ${error.deleted} deleted`);
  });

  test('the conversation itself failing after its items says the items are gone', async () => {
    const remoteId = await conversationWith(3);
    standIn.current.injectFault({ method: 'DELETE', path: `^/conversations/${remoteId}$`, status: 503 });
    await assert.rejects(new ResponsesBackend(settingsFor(standIn.current)).deleteThread(remoteId), (err: unknown) => {
      assert.ok(err instanceof ConversationDeleteError);
      assert.match(err.message, /^All 3 items were deleted, but the conversation itself could not be deleted: The server failed \(503/);
      return true;
    });
    assert.deepEqual(standIn.current.state.conversations.get(remoteId)?.items, []);
  });
});

describe('ChatService.delete on a Conversations thread', () => {
  async function library() {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'threadline-delete-'));
    after(() => fs.rm(dir, { recursive: true, force: true }));
    const store = await ThreadStore.open(dir);
    const backend = new ResponsesBackend(settingsFor(standIn.current));
    const { chat, threads } = createChat({ store, backendFor: () => backend, settings: () => ({ model: 'stand-in-echo', backend: 'responses' }) });
    return { store, chat, threads };
  }

  test('a 500 on one item keeps the local thread and says what happened; deleting again finishes the job', async () => {
    const { store, chat, threads } = await library();
    // An imported history of 40 messages, then one exchange: the conversation holds 42 items.
    const imported = await threads.importThread({ format: THREAD_FORMAT, version: THREAD_FORMAT_VERSION, thread: thread('th_source'), messages: history('th_source', 40) });
    assert.equal((await chat.send(imported.id, 'one more')).status, 'complete');
    const remoteId = store.get(imported.id)?.remoteId;
    assert.ok(remoteId);
    assert.equal(standIn.current.state.conversations.get(remoteId)?.items.length, 42);

    standIn.current.injectFault({ method: 'DELETE', path: `^/conversations/${remoteId}/items/`, status: 500, message: 'boom' });
    const error = await threads.delete(imported.id, { remote: true }).then(() => assert.fail('the delete succeeded'), (err: unknown) => err);
    assert.ok(error instanceof SendError, String(error));
    const match = /^Could not delete the thread on the server, so the local thread was kept\. Deleted (\d+) of the conversation's 42 items, then one could not be deleted, so the conversation is still there\. The server failed \(500: boom\)\./.exec(error.message);
    assert.ok(match, error.message);
    const deleted = Number(match[1]);
    assert.equal(store.get(imported.id)?.messageCount, 42, 'the local thread was kept whole');
    assert.equal(standIn.current.state.conversations.get(remoteId)?.items.length, 42 - deleted, 'the server lost exactly the items reported');

    await threads.delete(imported.id, { remote: true });
    assert.equal(store.get(imported.id), undefined);
    assert.equal(standIn.current.state.conversations.has(remoteId), false);
    assert.equal(standIn.current.state.itemsOfDeletedConversations.has(remoteId), false, 'items were left behind');
  });
});

// Reconcile end to end: ChatService with the real Responses and Assistants backends, the real
// SDK over HTTP against the stand-in; server threads are deleted behind Threadline's back.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { InternalServerError } from 'openai';
import type { Backend, ConnectionSettings } from '../../src/core/backends/backend';
import { AssistantsBackend } from '../../src/core/backends/assistantsBackend';
import { AssistantsApiGoneError } from '../../src/core/backends/assistants/gone';
import { ResponsesBackend } from '../../src/core/backends/responsesBackend';
import { createChat } from '../../src/core/chat/createChat';
import type { BackendKind } from '../../src/core/model';
import { ThreadStore } from '../../src/core/library/threadStore';
import { sdkClient, settingsFor, standInForFile, transcript } from './support';

const standIn = standInForFile();

async function library() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'threadline-reconcile-'));
  after(() => fs.rm(dir, { recursive: true, force: true }));
  const store = await ThreadStore.open(dir);
  const settings = settingsFor(standIn.current);
  const backends: Record<BackendKind, Backend> = {
    responses: new ResponsesBackend(settings),
    assistants: new AssistantsBackend(settings),
    // Never reached: no thread here speaks chat.
    chat: new ResponsesBackend(settings),
  };
  let dialect: BackendKind = 'responses';
  const { chat, threads } = createChat({ store, backendFor: (kind) => backends[kind], settings: () => ({ model: 'stand-in-echo', backend: dialect }) });
  /** A thread of `kind` with one exchange stored, so it has a server-side thread. */
  const sent = async (kind: BackendKind, text: string) => {
    dialect = kind;
    const t = await threads.createThread();
    const reply = await chat.send(t.id, text);
    assert.equal(reply.status, 'complete', reply.error);
    const remoteId = store.get(t.id)?.remoteId;
    assert.ok(remoteId);
    return { id: t.id, remoteId };
  };
  return { store, chat, threads, sent };
}

/** A server that answers every request with `status`, under the given base URL. */
function answering(status: number, baseUrl: string): ConnectionSettings {
  return {
    ...settingsFor(standIn.current),
    baseUrl,
    fetch: async () => new Response(JSON.stringify({ error: { message: 'No such thing', type: 'invalid_request_error', param: null, code: null } }), { status, headers: { 'content-type': 'application/json' } }),
  };
}

describe('reconcile against the stand-in', () => {
  test('exactly the conversations and Assistants threads deleted on the server are marked gone', async () => {
    const { store, threads, sent } = await library();
    const keptConversation = await sent('responses', 'kept conversation');
    const lostConversation = await sent('responses', 'lost conversation');
    const keptThread = await sent('assistants', 'kept thread');
    const lostThread = await sent('assistants', 'lost thread');
    const client = sdkClient(standIn.current);
    await client.conversations.delete(lostConversation.remoteId);
    await client.beta.threads.delete(lostThread.remoteId);

    const result = await threads.reconcile();

    assert.equal(result.checked, 4);
    assert.deepEqual([...result.gone].sort(), [lostConversation.id, lostThread.id].sort());
    assert.deepEqual(result.failed, []);
    for (const kept of [keptConversation, keptThread]) assert.equal(store.get(kept.id)?.remoteId, kept.remoteId);
    for (const lost of [lostConversation, lostThread]) {
      const meta = store.get(lost.id);
      assert.equal(meta?.remoteGone, true);
      assert.equal(meta?.goneRemoteId, lost.remoteId);
      assert.equal(meta?.remoteId, undefined);
    }
  });

  test('the next send to a gone conversation re-creates it with the local history', async () => {
    const { store, chat, threads, sent } = await library();
    const t = await sent('responses', 'remember this');
    const client = sdkClient(standIn.current);
    await client.conversations.delete(t.remoteId);
    await threads.reconcile();

    const reply = await chat.send(t.id, 'and this');

    assert.equal(reply.status, 'complete', reply.error);
    const remoteId = store.get(t.id)?.remoteId;
    assert.ok(remoteId && remoteId !== t.remoteId);
    assert.equal(store.get(t.id)?.remoteGone, undefined);
    const items = await client.conversations.items.list(remoteId, { order: 'asc' });
    assert.deepEqual(
      transcript(items.data).map(([role]) => role),
      ['user', 'assistant', 'user', 'assistant'],
    );
    assert.equal(transcript(items.data)[0]?.[1], 'remember this');
  });

  test('threadExists: true, false on a 404, other failures thrown, and the Assistants-gone 404 on api.openai.com as that error', async () => {
    const settings = settingsFor(standIn.current);
    const responses = new ResponsesBackend(settings);
    const assistants = new AssistantsBackend(settings);
    const client = sdkClient(standIn.current);
    const conversation = await client.conversations.create();
    const thread = await client.beta.threads.create();
    assert.equal(await responses.threadExists(conversation.id), true);
    assert.equal(await assistants.threadExists(thread.id), true);
    assert.equal(await responses.threadExists('conv_missing'), false);
    assert.equal(await assistants.threadExists('thread_missing'), false);

    await assert.rejects(new ResponsesBackend(answering(500, standIn.current.baseUrl)).threadExists('conv_x'), InternalServerError);
    await assert.rejects(new AssistantsBackend(answering(500, standIn.current.baseUrl)).threadExists('thread_x'), InternalServerError);
    await assert.rejects(new AssistantsBackend(answering(404, 'https://api.openai.com/v1')).threadExists('thread_x'), AssistantsApiGoneError);
    // A 404 for a conversation is just a missing conversation, wherever the server is.
    assert.equal(await new ResponsesBackend(answering(404, 'https://api.openai.com/v1')).threadExists('conv_x'), false);
  });
});

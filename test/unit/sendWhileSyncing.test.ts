// A send's request leaves once the user's message is in the thread file, while its fsync runs;
// nothing of the reply is shown, and no list is told, until the message is stored. A message the
// disk refuses sends nothing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SendError } from '../../src/core/chat/chatEvents';
import type { ChatEvent } from '../../src/core/chat/chatEvents';
import { createChat } from '../../src/core/chat/createChat';
import { ThreadStore } from '../../src/core/library/threadStore';
import { messageText } from '../../src/core/model';
import { FakeBackend } from './fakes/fakeBackend';
import { FaultyIo } from './fakes/faultyIo';
import { steppingClock, tempDir } from './fakes/fixtures';
import { waitFor } from './fakes/libraryChecks';

async function setUp() {
  const io = new FaultyIo();
  const store = await ThreadStore.open(await tempDir(), { now: steppingClock(), io, indexDelayMs: 60_000 });
  const backend = new FakeBackend();
  const { chat, threads, events: bus } = createChat({ store, backendFor: () => backend, settings: () => ({ model: 'test-model', backend: 'chat' }) });
  const events: ChatEvent['type'][] = [];
  bus.onEvent((e) => events.push(e.type));
  const thread = await threads.createThread();
  await chat.send(thread.id, 'Earlier question');
  events.length = 0;
  return { io, store, backend, chat, thread, events };
}

/** Holds every fsync of a thread file until `release` is called. */
function holdSyncs(io: FaultyIo) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held = 0;
  io.hook({ op: 'sync', path: /threads\/[^/]+\.jsonl$/, before: () => (held++, gate) });
  return { release, held: () => held };
}

describe('A send while its message is fsynced', () => {
  test('the request goes out before the sync ends; the message, the reply and the list follow it', async () => {
    const { io, store, backend, chat, thread, events } = await setUp();
    const sync = holdSyncs(io);
    backend.script({ delta: 'Answer' }, { done: { status: 'complete' } });
    const sent = chat.send(thread.id, 'New question');
    await waitFor(() => backend.requests.length === 2 && sync.held() === 1, 'the request while the message is being synced');
    // Asked with the earlier history only, and nothing shown yet: the message is not stored.
    assert.equal(messageText(backend.requests[1]!.input), 'New question');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(backend.requests[1]!.history.map(messageText), ['Earlier question', 'ok']);
    assert.deepEqual([...events], []);
    sync.release();
    const reply = await sent;
    assert.equal(messageText(reply), 'Answer');
    assert.deepEqual(
      events.filter((e) => e !== 'threadsChanged'),
      ['message', 'streamStart', 'streamDelta', 'streamEnd'],
    );
    assert.ok(events.indexOf('threadsChanged') > events.indexOf('streamDelta'), 'the list was told before the first delta');
    assert.deepEqual((await store.messages(thread.id)).map(messageText), ['Earlier question', 'ok', 'New question', 'Answer']);
  });

  test('a message the disk refuses is not sent, and the send fails with the reason', async () => {
    const { io, store, backend, chat, thread, events } = await setUp();
    io.fail('write', 'ENOSPC', { path: /threads\/[^/]+\.jsonl$/ });
    await assert.rejects(chat.send(thread.id, 'Will not fit'), (err: unknown) => err instanceof SendError && /space|full/i.test(err.message));
    assert.equal(backend.requests.length, 1, 'a request went out for a message that was not stored');
    assert.deepEqual(events.filter((e) => e === 'message' || e === 'streamStart'), []);
    io.heal();
    assert.deepEqual((await store.messages(thread.id)).map(messageText), ['Earlier question', 'ok']);
  });
});

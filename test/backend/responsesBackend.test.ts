// ResponsesBackend end to end: the real SDK over real HTTP against the stand-in.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ResponsesBackend } from '../../src/core/backends/responsesBackend';
import { historyFrom } from '../../src/core/backends/backend';
import type { ReplyRequest } from '../../src/core/backends/backend';
import type { Message, ThreadMeta } from '../../src/core/model';
import { expectedReply } from '../stand-in/index';
import { splitReply } from './replies';
import { collect, sdkClient, settingsFor, standInForFile, TEST_KEY, transcript } from './support';

const standIn = standInForFile();

function newThread(id = 'th_test'): ThreadMeta {
  return { id, title: 'Test', createdAt: 0, updatedAt: 0, backend: 'responses', messageCount: 0 };
}

function userMessage(text: string, threadId = 'th_test'): Message {
  return { id: `msg_local_${text.length}`, threadId, role: 'user', content: [{ type: 'text', text }], createdAt: 0, status: 'complete' };
}

function request(thread: ThreadMeta, text: string, signal = new AbortController().signal): ReplyRequest {
  return { thread, history: historyFrom([]), input: userMessage(text, thread.id), model: 'stand-in-echo', signal };
}

describe('ResponsesBackend', () => {
  test('createThread, two reply turns, then deleteThread', async () => {
    const backend = new ResponsesBackend(settingsFor(standIn.current));
    assert.equal(backend.kind, 'responses');
    const thread = newThread('th_two_turns');
    const { remoteId } = await backend.createThread(thread);
    assert.match(remoteId ?? '', /^conv_/);
    thread.remoteId = remoteId;
    const client = sdkClient(standIn.current);
    assert.deepEqual((await client.conversations.retrieve(remoteId!)).metadata, { threadline_thread: 'th_two_turns' });

    const first = splitReply(await collect(backend.reply(request(thread, 'What is a thread?'))));
    assert.equal(first.text, expectedReply('What is a thread?'));
    assert.equal(first.done.status, 'complete');
    assert.equal(first.done.model, 'stand-in-echo');
    assert.match(first.done.remoteId ?? '', /^msg_/);
    assert.ok(first.done.usage && first.done.usage.inputTokens > 0 && first.done.usage.outputTokens > 0);

    const events = await collect(backend.reply(request(thread, 'And a second question')));
    assert.ok(events.filter((e) => e.type === 'delta').length > 1, 'the reply streams in several deltas');
    const second = splitReply(events);
    assert.equal(second.text, expectedReply('And a second question'));

    const items = await client.conversations.items.list(remoteId!, { order: 'asc' });
    assert.deepEqual(transcript(items.data), [
      ['user', 'What is a thread?'],
      ['assistant', expectedReply('What is a thread?')],
      ['user', 'And a second question'],
      ['assistant', expectedReply('And a second question')],
    ]);
    assert.equal(items.data[3]?.id, second.done.remoteId);

    const sent = standIn.current.requests.filter((r) => r.method === 'POST' && r.path === '/v1/responses').at(-1);
    assert.deepEqual(sent?.body, {
      model: 'stand-in-echo',
      conversation: remoteId,
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'And a second question' }] }],
      stream: true,
    });

    await backend.deleteThread(remoteId!);
    await assert.rejects(client.conversations.retrieve(remoteId!), { status: 404 });
  });

  test('the key is read per request, so a new key applies at once', async () => {
    let key = 'sk-old-key-that-is-wrong';
    const backend = new ResponsesBackend(settingsFor(standIn.current, { getApiKey: async () => key }));
    await assert.rejects(backend.createThread(newThread()), { status: 401 });
    key = TEST_KEY;
    assert.match((await backend.createThread(newThread())).remoteId ?? '', /^conv_/);
  });

  test('organization and project are sent; OPENAI_* environment variables are not', async () => {
    const saved = process.env.OPENAI_PROJECT_ID;
    process.env.OPENAI_PROJECT_ID = 'proj_from_env';
    try {
      await new ResponsesBackend(settingsFor(standIn.current, { organization: 'org_set' })).createThread(newThread());
      const sent = standIn.current.requests.at(-1);
      assert.equal(sent?.headers['openai-organization'], 'org_set');
      assert.equal(sent?.headers['openai-project'], undefined);
      await new ResponsesBackend(settingsFor(standIn.current, { project: 'proj_set' })).createThread(newThread());
      assert.equal(standIn.current.requests.at(-1)?.headers['openai-project'], 'proj_set');
    } finally {
      if (saved === undefined) delete process.env.OPENAI_PROJECT_ID;
      else process.env.OPENAI_PROJECT_ID = saved;
    }
  });

  test('a thread without a conversation is refused before any request', async () => {
    const backend = new ResponsesBackend(settingsFor(standIn.current));
    const before = standIn.current.requests.length;
    await assert.rejects(collect(backend.reply(request(newThread(), 'hi'))), /no conversation/);
    assert.equal(standIn.current.requests.length, before);
  });
});

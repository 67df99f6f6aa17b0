// Flows 1 and 7 in the Responses dialect: a conversation created with history, then its
// messages listed back page by page. The real SDK over real HTTP against the stand-in.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InternalServerError, NotFoundError } from 'openai';
import { historyFrom } from '../../src/core/backends/backend';
import type { RemoteMessage } from '../../src/core/backends/backend';
import { ResponsesBackend } from '../../src/core/backends/responsesBackend';
import { expectedReply } from '../stand-in/index';
import { splitReply } from './replies';
import { alternating, assertShortHistoryListed, bodyArray, message, newThread, recorder, shortHistory, textOf, uploads, words } from './seedFixtures';
import { collect, sdkClient, settingsFor, standInForFile } from './support';

const standIn = standInForFile();

function backend(): ResponsesBackend {
  return new ResponsesBackend(settingsFor(standIn.current));
}

async function listAll(b: ResponsesBackend, remoteId: string): Promise<RemoteMessage[]> {
  return collect(b.listMessages(remoteId));
}

describe('Responses: a thread created with initial messages, listed back', () => {
  test('three initial messages go into conversations.create; the next reply sees them', async () => {
    const b = backend();
    const { image } = await uploads(b);
    const thread = newThread('responses', 'th_seed_three');
    const history = shortHistory(thread.id, image);
    const requests = recorder(standIn.current);

    thread.remoteId = (await b.createThread(thread, history)).remoteId;

    assert.match(thread.remoteId ?? '', /^conv_/);
    const creates = requests('POST', /^\/v1\/conversations$/);
    assert.equal(creates.length, 1);
    assert.deepEqual(bodyArray(creates[0], 'items'), [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What grows in my garden?' }] },
      { type: 'message', role: 'assistant', content: 'Tomatoes and basil.' },
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: 'And what is in this picture?' },
          { type: 'input_image', file_id: image.fileId, detail: 'auto' },
        ],
      },
    ]);
    assert.equal(requests('POST', /\/items$/).length, 0, 'three items need no append');

    const input = message(thread.id, 'user', 'Which of them needs more sun?');
    const { text, done } = splitReply(await collect(b.reply({ thread, history: historyFrom(history), input, model: 'stand-in-echo', signal: new AbortController().signal })));
    // Only the new message went out, yet the reply mentions the seeded image and the server
    // counted the seeded text into the prompt: the conversation held the history.
    const [sent] = requests('POST', /^\/v1\/responses$/);
    assert.equal(bodyArray(sent, 'input').length, 1);
    assert.equal(text, `${expectedReply('Which of them needs more sun?')} I see an image (image/png).`);
    assert.equal(done.usage?.inputTokens, words([...history, input]));

    assertShortHistoryListed(await listAll(b, thread.remoteId!), text, done.remoteId);
  });

  test('45 initial messages: created with 20, then appended 20 and 5; listed back in order', async () => {
    const b = backend();
    const thread = newThread('responses', 'th_seed_45');
    const history = alternating(thread.id, 45);
    const requests = recorder(standIn.current);

    const { remoteId } = await b.createThread(thread, history);

    assert.equal(bodyArray(requests('POST', /^\/v1\/conversations$/)[0], 'items').length, 20);
    const appends = requests('POST', /^\/v1\/conversations\/[^/]+\/items$/);
    assert.deepEqual(appends.map((r) => r.path), [`/v1/conversations/${remoteId}/items`, `/v1/conversations/${remoteId}/items`]);
    assert.deepEqual(appends.map((r) => bodyArray(r, 'items').length), [20, 5]);

    const listed = await listAll(b, remoteId!);
    assert.deepEqual(
      listed.map((m) => [m.role, textOf(m.content)]),
      history.map((m) => [m.role, textOf(m.content)]),
    );
    assert.equal(new Set(listed.map((m) => m.remoteId)).size, 45, 'every message has its own server id');
    // Assistant turns are stored as the model's output, so they read back as replies would.
    const items = await sdkClient(standIn.current).conversations.items.list(remoteId!, { order: 'asc', limit: 2 });
    assert.deepEqual(
      items.data.map((item) => (item.type === 'message' ? item.content.map((p) => p.type) : [])),
      [['input_text'], ['output_text']],
    );
  });

  test('listing 250 messages takes exactly three pages of 100, oldest first', async () => {
    const b = backend();
    const thread = newThread('responses', 'th_seed_250');
    const history = alternating(thread.id, 250);
    const { remoteId } = await b.createThread(thread, history);
    const requests = recorder(standIn.current);

    const listed = await listAll(b, remoteId!);

    assert.deepEqual(listed.map((m) => textOf(m.content)), history.map((m) => textOf(m.content)));
    const pages = requests('GET', /^\/v1\/conversations\/[^/]+\/items$/);
    assert.deepEqual(
      pages.map((r) => r.query),
      [
        { limit: '100', order: 'asc' },
        { limit: '100', order: 'asc', after: listed[99]?.remoteId },
        { limit: '100', order: 'asc', after: listed[199]?.remoteId },
      ],
    );
  });

  test('content types round-trip; tool calls and developer messages are left out', async () => {
    const b = backend();
    const { image, file } = await uploads(b);
    const thread = newThread('responses', 'th_seed_types');
    const dataUrl = `data:image/png;base64,${Buffer.from([0x89, 0x50]).toString('base64')}`;
    const { remoteId } = await b.createThread(thread, [
      message(thread.id, 'user', [{ type: 'text', text: 'Look at these' }, image, file, { type: 'image', name: 'inline.png', mime: 'image/png', dataUrl }]),
      // Never uploaded: resent as a note rather than refused.
      message(thread.id, 'user', [{ type: 'file', name: 'lost.pdf' }]),
    ]);
    // What a server adds on its own: tool work, a developer message, a cited answer and a refusal.
    await sdkClient(standIn.current).conversations.items.create(remoteId!, {
      items: [
        { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'ok' },
        { type: 'message', role: 'developer', content: 'Answer briefly.' },
        {
          type: 'message',
          role: 'assistant',
          id: 'msg_cited',
          status: 'completed',
          content: [
            { type: 'output_text', text: 'Basil likes sun.', annotations: [{ type: 'file_citation', file_id: file.fileId!, filename: 'notes.txt', index: 16 }] },
            { type: 'refusal', refusal: 'I cannot see the image.' },
          ],
        },
      ],
    });

    const listed = await listAll(b, remoteId!);

    assert.deepEqual(listed.map((m) => m.role), ['user', 'user', 'assistant']);
    assert.deepEqual(listed[0]?.content, [
      { type: 'text', text: 'Look at these' },
      { type: 'image', name: image.fileId, mime: '', fileId: image.fileId },
      { type: 'file', name: file.fileId, fileId: file.fileId },
      { type: 'image', name: 'image', mime: 'image/png', dataUrl },
    ]);
    assert.deepEqual(listed[1]?.content, [{ type: 'text', text: '[The file lost.pdf was attached here but cannot be sent again.]' }]);
    assert.deepEqual(listed[2], {
      remoteId: 'msg_cited',
      role: 'assistant',
      content: [
        { type: 'text', text: 'Basil likes sun.', annotations: [{ type: 'file_citation', start: 16, end: 16, fileId: file.fileId, filename: 'notes.txt' }] },
        { type: 'text', text: 'I cannot see the image.' },
      ],
    });
  });

  test('no initial messages: an empty conversation, as before', async () => {
    const b = backend();
    const requests = recorder(standIn.current);
    const { remoteId } = await b.createThread(newThread('responses', 'th_seed_none'), []);
    const [create] = requests('POST', /^\/v1\/conversations$/);
    assert.deepEqual(create?.body, { metadata: { threadline_thread: 'th_seed_none' } });
    assert.deepEqual(await listAll(b, remoteId!), []);
  });

  test('an append that fails removes the half-made conversation and reports the error', async () => {
    const b = backend();
    const requests = recorder(standIn.current);
    standIn.current.injectFault({ method: 'POST', path: '^/v1/conversations/[^/]+/items$', status: 500, shouldRetry: false });

    await assert.rejects(b.createThread(newThread('responses', 'th_seed_fail'), alternating('th_seed_fail', 30)), InternalServerError);

    const [deleted] = requests('DELETE', /^\/v1\/conversations\/[^/]+$/);
    assert.ok(deleted, 'the conversation was deleted');
    const id = deleted.path.split('/').at(-1)!;
    await assert.rejects(sdkClient(standIn.current).conversations.retrieve(id), NotFoundError);
  });

  test('listing stops with the signal', async () => {
    const b = backend();
    const thread = newThread('responses', 'th_seed_abort');
    const { remoteId } = await b.createThread(thread, alternating(thread.id, 120));
    const controller = new AbortController();
    const requests = recorder(standIn.current);
    const seen: RemoteMessage[] = [];
    await assert.rejects(async () => {
      for await (const m of b.listMessages(remoteId!, { signal: controller.signal })) {
        seen.push(m);
        if (seen.length === 100) controller.abort();
      }
    });
    assert.equal(seen.length, 100, 'nothing after the abort');
    assert.equal(requests('GET', /\/items$/).length, 1, 'the second page was never fetched');
  });
});

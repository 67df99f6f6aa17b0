// Flows 1 and 7 in the Assistants dialect: a thread created with history, then its messages
// listed back page by page. The real SDK over real HTTP against the stand-in.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { InternalServerError } from 'openai';
import { historyFrom } from '../../src/core/backends/backend';
import type { RemoteMessage } from '../../src/core/backends/backend';
import { AssistantsBackend } from '../../src/core/backends/assistantsBackend';
import { createChat } from '../../src/core/chat/createChat';
import { ThreadStore } from '../../src/core/library/threadStore';
import { expectedReply } from '../stand-in/index';
import { splitReply } from './replies';
import { alternating, assertShortHistoryListed, bodyArray, message, newThread, recorder, shortHistory, textOf, uploads, words } from './seedFixtures';
import { collect, sdkClient, settingsFor, standInForFile } from './support';

const standIn = standInForFile();
const MODEL = 'stand-in-echo';

function backend(): AssistantsBackend {
  return new AssistantsBackend(settingsFor(standIn.current));
}

async function listAll(b: AssistantsBackend, remoteId: string): Promise<RemoteMessage[]> {
  return collect(b.listMessages(remoteId));
}

describe('Assistants: a thread created with initial messages, listed back', () => {
  test('three initial messages go into threads.create; the next run sees them', async () => {
    const b = backend();
    const { image } = await uploads(b);
    const thread = newThread('assistants', 'th_seed_three');
    const history = shortHistory(thread.id, image);
    const requests = recorder(standIn.current);

    thread.remoteId = (await b.createThread(thread, history)).remoteId;

    assert.match(thread.remoteId ?? '', /^thread_/);
    const creates = requests('POST', /^\/v1\/threads$/);
    assert.equal(creates.length, 1);
    assert.deepEqual(bodyArray(creates[0], 'messages'), [
      { role: 'user', content: [{ type: 'text', text: 'What grows in my garden?' }] },
      { role: 'assistant', content: 'Tomatoes and basil.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'And what is in this picture?' },
          { type: 'image_file', image_file: { file_id: image.fileId, detail: 'auto' } },
        ],
      },
    ]);
    assert.equal(requests('POST', /\/messages$/).length, 0, 'three messages need no separate add');

    const input = message(thread.id, 'user', 'Which of them needs more sun?');
    const { text, done } = splitReply(await collect(b.reply({ thread, history: historyFrom(history), input, model: MODEL, signal: new AbortController().signal })));
    assert.equal(text, expectedReply('Which of them needs more sun?'));
    // Only the new message was added, yet the run's prompt counted the seeded text too.
    assert.equal(requests('POST', /\/messages$/).length, 1);
    assert.equal(done.usage?.inputTokens, words([...history, input]));

    assertShortHistoryListed(await listAll(b, thread.remoteId!), text, done.remoteId);
  });

  test('45 initial messages: 32 with the thread, 13 added one by one; listed back in order', async () => {
    const b = backend();
    const thread = newThread('assistants', 'th_seed_45');
    const history = alternating(thread.id, 45);
    const requests = recorder(standIn.current);

    const { remoteId } = await b.createThread(thread, history);

    assert.equal(bodyArray(requests('POST', /^\/v1\/threads$/)[0], 'messages').length, 32);
    const adds = requests('POST', /^\/v1\/threads\/[^/]+\/messages$/);
    assert.equal(adds.length, 13);
    assert.ok(adds.every((r) => r.path === `/v1/threads/${remoteId}/messages`));
    assert.deepEqual(
      adds.map((r) => r.body),
      history.slice(32).map((m) => ({ role: m.role, content: m.role === 'user' ? [{ type: 'text', text: textOf(m.content) }] : textOf(m.content) })),
    );

    const listed = await listAll(b, remoteId!);
    assert.deepEqual(
      listed.map((m) => [m.role, textOf(m.content)]),
      history.map((m) => [m.role, textOf(m.content)]),
    );
    assert.equal(new Set(listed.map((m) => m.remoteId)).size, 45, 'every message has its own server id');
    assert.ok(listed.every((m) => typeof m.createdAt === 'number' && m.createdAt > 1e12), 'created times are in milliseconds');
  });

  test('listing 250 messages takes exactly three pages of 100, oldest first', async () => {
    const b = backend();
    const thread = newThread('assistants', 'th_seed_250');
    const history = alternating(thread.id, 250);
    const { remoteId } = await b.createThread(thread, history);
    const requests = recorder(standIn.current);

    const listed = await listAll(b, remoteId!);

    assert.deepEqual(listed.map((m) => textOf(m.content)), history.map((m) => textOf(m.content)));
    const pages = requests('GET', /^\/v1\/threads\/[^/]+\/messages$/);
    assert.deepEqual(
      pages.map((r) => r.query),
      [
        { limit: '100', order: 'asc' },
        { limit: '100', order: 'asc', after: listed[99]?.remoteId },
        { limit: '100', order: 'asc', after: listed[199]?.remoteId },
      ],
    );
  });

  test('content types round-trip: text, image_file, image_url, attachments and citations', async () => {
    const b = backend();
    const { image, file } = await uploads(b);
    const thread = newThread('assistants', 'th_seed_types');
    thread.remoteId = (
      await b.createThread(thread, [
        message(thread.id, 'user', [{ type: 'text', text: 'Look at these' }, image, file]),
        // Never uploaded, or only inlined for another dialect: resent as notes rather than refused.
        message(thread.id, 'user', [{ type: 'image', name: 'inline.png', mime: 'image/png', dataUrl: 'data:image/png;base64,iVBO' }]),
      ])
    ).remoteId;
    await sdkClient(standIn.current).beta.threads.messages.create(thread.remoteId!, {
      role: 'user',
      content: [{ type: 'image_url', image_url: { url: 'https://example.com/basil.png' } }],
    });
    // The stand-in's assistant cites each file attached to the message it answers.
    const input = message(thread.id, 'user', [{ type: 'text', text: 'What do my notes say?' }, file]);
    const { done } = splitReply(await collect(b.reply({ thread, history: historyFrom([]), input, model: MODEL, signal: new AbortController().signal })));

    const listed = await listAll(b, thread.remoteId!);

    assert.deepEqual(listed.map((m) => m.role), ['user', 'user', 'user', 'user', 'assistant']);
    assert.deepEqual(listed[0]?.content, [
      { type: 'text', text: 'Look at these' },
      { type: 'image', fileId: image.fileId, name: image.fileId, mime: '' },
      { type: 'file', fileId: file.fileId, name: file.fileId },
    ]);
    assert.deepEqual(listed[1]?.content, [{ type: 'text', text: '[The image inline.png was attached here but cannot be sent again.]' }]);
    assert.deepEqual(listed[2]?.content, [{ type: 'image', name: 'https://example.com/basil.png', mime: '' }]);
    const [reply] = listed[4]?.content ?? [];
    assert.ok(reply?.type === 'text');
    assert.equal(reply.text, done.text);
    const [citation] = reply.annotations ?? [];
    assert.equal(citation?.type, 'file_citation');
    assert.equal(citation.fileId, file.fileId);
    assert.equal(reply.text.slice(citation.start, citation.end), '【4:0†notes.txt】');
  });

  test('no initial messages: an empty thread, as before', async () => {
    const b = backend();
    const requests = recorder(standIn.current);
    const { remoteId } = await b.createThread(newThread('assistants', 'th_seed_none'));
    const [create] = requests('POST', /^\/v1\/threads$/);
    assert.deepEqual(create?.body, { metadata: { threadline_thread: 'th_seed_none' } });
    assert.deepEqual(await listAll(b, remoteId!), []);
  });

  test('an add that fails removes the half-made thread and reports the error', async () => {
    const b = backend();
    const requests = recorder(standIn.current);
    standIn.current.injectFault({ method: 'POST', path: '^/v1/threads/[^/]+/messages$', status: 500, shouldRetry: false });

    await assert.rejects(b.createThread(newThread('assistants', 'th_seed_fail'), alternating('th_seed_fail', 40)), InternalServerError);

    const [deleted] = requests('DELETE', /^\/v1\/threads\/[^/]+$/);
    assert.ok(deleted, 'the thread was deleted');
    assert.equal(requests('POST', /\/messages$/).length, 1, 'no add after the failure');
  });
});

describe('Assistants: a thread opened by id shows file names, not ids', () => {
  test('attachments, images and citations are named with one lookup per distinct file', async () => {
    const b = backend();
    const { image, file } = await uploads(b);
    const thread = newThread('assistants', 'th_named');
    thread.remoteId = (await b.createThread(thread, [message(thread.id, 'user', [{ type: 'text', text: 'Look at these' }, image, file])])).remoteId;
    // Two replies cite the same file: still one lookup for it.
    for (const text of ['What do my notes say?', 'And again?']) {
      const input = message(thread.id, 'user', [{ type: 'text', text }, file]);
      await collect(b.reply({ thread, history: historyFrom([]), input, model: MODEL, signal: new AbortController().signal }));
    }
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'threadline-named-'));
    after(() => fs.rm(dir, { recursive: true, force: true }));
    const store = await ThreadStore.open(dir);
    const { threads } = createChat({ store, backendFor: () => b, settings: () => ({ model: MODEL, backend: 'assistants' }) });
    const requests = recorder(standIn.current);

    const opened = await threads.openRemote('assistants', thread.remoteId!);

    const parts = (await store.messages(opened.id)).flatMap((m) => m.content);
    const names = parts.flatMap((p) => (p.type === 'file' || p.type === 'image' ? [p.name] : p.type === 'text' ? (p.annotations ?? []).map((a) => a.filename) : []));
    assert.deepEqual(names, ['garden.png', 'notes.txt', 'notes.txt', 'notes.txt', 'notes.txt', 'notes.txt']);
    const lookups = requests('GET', /^\/v1\/files\/[^/]+$/).map((r) => r.path).sort();
    assert.deepEqual(lookups, [`/v1/files/${file.fileId}`, `/v1/files/${image.fileId}`].sort());
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Backend } from '../../src/core/backends/backend';
import { createChat } from '../../src/core/chat/createChat';
import { parseThreadJson, toJson, toMarkdown } from '../../src/core/library/exportThread';
import type { Message, ThreadMeta } from '../../src/core/model';
import { ThreadStore } from '../../src/core/library/threadStore';
import { FakeBackend } from './fakes/fakeBackend';
import { steppingClock, tempDir } from './fakes/fixtures';

const thread: ThreadMeta = { id: 'th_1', title: 'Trip plans', createdAt: 1, updatedAt: 3, backend: 'responses', remoteId: 'conv_1', messageCount: 2, pinned: true };

const messages: Message[] = [
  {
    id: 'm1',
    threadId: 'th_1',
    role: 'user',
    content: [{ type: 'file', name: 'itinerary.pdf', fileId: 'file_9', mime: 'application/pdf' }, { type: 'text', text: 'Where should I go?' }],
    createdAt: 2,
    status: 'complete',
  },
  {
    id: 'm2',
    threadId: 'th_1',
    role: 'assistant',
    content: [
      {
        type: 'text',
        text: 'Visit Lisbon【4:0†itinerary.pdf】 and see the docs.',
        annotations: [
          { type: 'file_citation', start: 12, end: 31, fileId: 'file_9', filename: 'itinerary.pdf' },
          { type: 'url_citation', start: 44, end: 48, url: 'https://example.com/docs', title: 'Docs' },
        ],
      },
    ],
    createdAt: 3,
    status: 'complete',
    remoteId: 'msg_r2',
    omittedMessageIds: ['m1'],
  },
];

describe('toMarkdown', () => {
  test('title and role headings, attachments as a list, citations as footnotes', () => {
    const md = toMarkdown(thread, messages);
    assert.ok(md.startsWith('# Trip plans\n\n## User\n\n'), md);
    assert.match(md, /Where should I go\?\n\nAttachments:\n\n- File: itinerary\.pdf \(application\/pdf, file_9\)/);
    assert.match(md, /## Assistant\n\nVisit Lisbon\[\^1\] and see the docs\[\^2\]\./);
    assert.match(md, /\[\^1\]: itinerary\.pdf\n\[\^2\]: \[Docs\]\(https:\/\/example\.com\/docs\)\n$/);
  });

  test('footnote numbers run through the whole document and unfinished replies say so', () => {
    const again: Message = { ...(messages[1] as Message), id: 'm3', status: 'cancelled', error: 'Stopped.' };
    const md = toMarkdown(thread, [...messages, again]);
    assert.match(md, /_\(cancelled: Stopped\.\)_\n\nVisit Lisbon\[\^3\] and see the docs\[\^4\]\./);
    assert.match(md, /\[\^4\]: \[Docs\]/);
  });
});

describe('toJson / parseThreadJson / importThread', () => {
  test('round trip: parse gives back the thread and messages; import makes a new local thread', async () => {
    const doc = parseThreadJson(toJson(thread, messages));
    assert.deepEqual(doc, { format: 'threadline.thread', version: 1, thread, messages });

    const now = steppingClock();
    const store = await ThreadStore.open(await tempDir(), { now });
    const backend = new FakeBackend();
    const { threads } = createChat({ store, backendFor: (): Backend => backend, settings: () => ({ model: 'm', backend: 'chat' }), now });
    const imported = await threads.importThread(doc, { workspaceFolder: '/ws' });
    assert.notEqual(imported.id, thread.id);
    assert.equal(imported.title, 'Trip plans');
    assert.equal(imported.backend, 'responses');
    assert.equal(imported.remoteId, undefined);
    assert.equal(imported.pinned, undefined);
    assert.equal(imported.workspaceFolder, '/ws');
    assert.equal(imported.messageCount, 2);
    const stored = await store.messages(imported.id);
    assert.deepEqual(stored.map((m) => m.content), messages.map((m) => m.content));
    assert.ok(stored.every((m) => m.threadId === imported.id && !messages.some((o) => o.id === m.id) && m.remoteId === undefined));
    // References between messages follow them to their new ids.
    assert.deepEqual(stored[1]?.omittedMessageIds, [stored[0]?.id]);
    // The exported Markdown of the copy reads the same.
    assert.equal(toMarkdown(imported, stored), toMarkdown(thread, messages));
  });

  test('parse errors name the bad field', () => {
    const good = toJson(thread, messages);
    const REMOVE = Symbol('remove');
    /** parseThreadJson of the good document with the field at `path` set to `value` (or removed). */
    const broken = (path: Array<string | number>, value: unknown) => () => {
      const doc: unknown = JSON.parse(good);
      const parent = path.slice(0, -1).reduce<unknown>((at, key) => (at as Record<string | number, unknown>)[key], doc) as Record<string | number, unknown>;
      const key = path.at(-1) as string | number;
      if (value === REMOVE) delete parent[key];
      else parent[key] = value;
      return parseThreadJson(JSON.stringify(doc));
    };
    assert.throws(() => parseThreadJson('{nope'), /not valid JSON/);
    assert.throws(broken(['format'], 'other'), /"format"/);
    assert.throws(broken(['version'], 2), /"version"/);
    assert.throws(broken(['thread', 'backend'], 'gopher'), /"thread\.backend"/);
    assert.throws(broken(['thread', 'pinned'], 'yes'), /"thread\.pinned"/);
    assert.throws(broken(['thread', 'title'], REMOVE), /"thread\.title"/);
    assert.throws(broken(['messages', 1, 'content', 0, 'annotations', 0, 'start'], -1), /"messages\[1\]\.content\[0\]\.annotations\[0\]\.start"/);
    assert.throws(broken(['messages', 0, 'content', 0, 'type'], 'video'), /"messages\[0\]\.content\[0\]\.type"/);
    assert.throws(broken(['messages', 0, 'threadId'], 'th_other'), /"messages\[0\]\.threadId"/);
    assert.throws(broken(['messages', 1, 'id'], 'm1'), /"messages\[1\]\.id"/);
    assert.throws(broken(['messages', 0, 'surprise'], 1), /"messages\[0\]\.surprise" is not a known field/);
    assert.throws(broken(['messages'], {}), /"messages"/);
  });
});

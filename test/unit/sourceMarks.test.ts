import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SourceChecker } from '../../src/core/attachments/attachmentSource';
import type { AttachmentSource, Message } from '../../src/core/model';
import { checkSources, markSources, sourcesOf } from '../../src/host/panel/sourceMarks';

const source = (uri: string, size: number): AttachmentSource => ({ uri, sha256: 'x'.repeat(64), size, mtime: 1 });
const message = (id: string, ...content: Message['content']): Message => ({ id, threadId: 't', role: 'user', createdAt: 1, status: 'complete', content });

// What the panel is sent: attachments whose file changed or went away carry a mark; nothing else changes.
describe('marking attachments whose file changed', () => {
  test('changed and missing files are marked, unchanged ones and other parts are left alone', async () => {
    const files: Record<string, number> = { 'file:///same.md': 3, 'file:///grown.md': 9 };
    const checker = new SourceChecker({
      stat: async (uri) => (uri in files ? { size: files[uri]!, mtime: 1 } : undefined),
      read: async () => new Uint8Array(),
    });
    const untouched = message('m1', { type: 'text', text: 'hi' }, { type: 'file', name: 'same.md', source: source('file:///same.md', 3) });
    const messages = [
      untouched,
      message('m2', { type: 'file', name: 'grown.md', source: source('file:///grown.md', 3) }, { type: 'file', name: 'gone.md', source: source('file:///gone.md', 3) }, { type: 'file', name: 'pasted.txt' }),
    ];
    const sources = sourcesOf(messages);
    assert.equal(sources.size, 3);
    await checkSources(sources, checker);
    const marked = markSources(messages, sources);
    assert.equal(marked[0], untouched, 'a message with nothing changed is passed on as it is');
    assert.deepEqual(marked[1]!.content.map((p) => p.type === 'file' && p.sourceState), ['changed', 'missing', undefined]);
    assert.equal(messages[1]!.content.some((p) => p.type === 'file' && p.sourceState), false, 'the stored messages were changed');
  });
});

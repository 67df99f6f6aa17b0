import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SourceChecker, sha256Hex } from '../../src/core/attachments/attachmentSource';
import type { SourceFiles } from '../../src/core/attachments/attachmentSource';
import { parseThreadJson, toJson } from '../../src/core/library/exportThread';
import type { AttachmentSource } from '../../src/core/model';
import { withoutSource } from '../../src/core/model';

/** An in-memory disk that counts how often each file is read. */
function disk(files: Record<string, { data: string; mtime: number }>): SourceFiles & { reads: Record<string, number>; files: typeof files } {
  const reads: Record<string, number> = {};
  return {
    files,
    reads,
    async stat(uri) {
      const f = files[uri];
      return f ? { size: Buffer.byteLength(f.data), mtime: f.mtime } : undefined;
    },
    async read(uri) {
      reads[uri] = (reads[uri] ?? 0) + 1;
      const f = files[uri];
      if (!f) throw new Error('ENOENT');
      return new TextEncoder().encode(f.data);
    },
  };
}

function attached(uri: string, data: string, mtime: number): AttachmentSource {
  return { uri, sha256: sha256Hex(new TextEncoder().encode(data)), size: Buffer.byteLength(data), mtime };
}

describe('SourceChecker: has an attached file changed since?', () => {
  test('same size and mtime: unchanged, without reading the file', async () => {
    const d = disk({ 'file:///a.md': { data: 'hello', mtime: 100 } });
    assert.equal(await new SourceChecker(d).check(attached('file:///a.md', 'hello', 100)), 'fresh');
    assert.equal(d.reads['file:///a.md'], undefined);
  });

  test('another size: changed, without reading the file', async () => {
    const d = disk({ 'file:///a.md': { data: 'hello, world', mtime: 200 } });
    assert.equal(await new SourceChecker(d).check(attached('file:///a.md', 'hello', 100)), 'changed');
    assert.equal(d.reads['file:///a.md'], undefined);
  });

  test('same size, new mtime: the hash decides, and is computed once per change', async () => {
    const d = disk({ 'file:///a.md': { data: 'HELLO', mtime: 200 } });
    const checker = new SourceChecker(d);
    const source = attached('file:///a.md', 'hello', 100);
    assert.equal(await checker.check(source), 'changed');
    assert.equal(await checker.check(source), 'changed');
    assert.equal(d.reads['file:///a.md'], 1, 'the unchanged file was hashed again');

    // Saved back to what was attached: a new mtime, the same bytes.
    d.files['file:///a.md'] = { data: 'hello', mtime: 300 };
    assert.equal(await checker.check(source), 'fresh');
    assert.equal(d.reads['file:///a.md'], 2);
  });

  test('a deleted file is missing', async () => {
    const d = disk({});
    assert.equal(await new SourceChecker(d).check(attached('file:///gone.md', 'x', 1)), 'missing');
  });

  test('a file that cannot be stat-ed is not reported as changed', async () => {
    const checker = new SourceChecker({ stat: async () => Promise.reject(new Error('EACCES')), read: async () => new Uint8Array() });
    assert.equal(await checker.check(attached('file:///locked.md', 'x', 1)), 'fresh');
  });
});

describe('withoutSource: exports leave where attachments came from behind', () => {
  test('an export of a message with a sourced file imports back once its source is dropped', () => {
    const thread = { id: 'th_1', title: 'T', createdAt: 1, updatedAt: 2, backend: 'responses' as const, messageCount: 1 };
    const message = {
      id: 'm1', threadId: 'th_1', role: 'user' as const, createdAt: 1, status: 'complete' as const,
      content: [{ type: 'file' as const, name: 'a.md', fileId: 'file-1', source: attached('file:///home/me/a.md', 'x', 1), sourceState: 'changed' as const }],
    };
    assert.throws(() => parseThreadJson(toJson(thread, [message])), /source/);
    const doc = parseThreadJson(toJson(thread, [{ ...message, content: message.content.map(withoutSource) }]));
    assert.deepEqual(doc.messages[0]!.content, [{ type: 'file', name: 'a.md', fileId: 'file-1' }]);
  });
});

import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ThreadMeta } from '../../src/core/model';
import { restoredThreadId } from '../../src/host/panel/restoredThread';

const thread = (id: string, title: string, updatedAt: number): ThreadMeta => ({ id, title, createdAt: 0, updatedAt, backend: 'responses', messageCount: 2 });
const threads = [thread('a', 'Plans', 10), thread('b', 'New thread', 20), thread('c', 'New thread', 30)];

// Which thread an editor tab shows again after a reload.
describe('restoredThreadId', () => {
  test('the thread the page saved, if it still exists', () => {
    assert.equal(restoredThreadId({ draft: '', threadId: 'a' }, 'whatever', threads, new Set()), 'a');
    assert.equal(restoredThreadId({ draft: '', threadId: 'deleted' }, 'Plans', threads, new Set()), undefined);
  });

  test('without saved state: the most recent thread with the tab title that no other tab shows', () => {
    assert.equal(restoredThreadId(undefined, 'Plans', threads, new Set()), 'a');
    assert.equal(restoredThreadId({ draft: 'x' }, 'New thread', threads, new Set()), 'c');
    assert.equal(restoredThreadId(undefined, 'New thread', threads, new Set(['c'])), 'b');
    assert.equal(restoredThreadId(undefined, 'Gone', threads, new Set()), undefined);
  });
});

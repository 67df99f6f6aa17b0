import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ThreadMeta } from '../../src/core/model';
import { relativeTime, summarizeThread } from '../../src/shared/threadSummary';

const NOW = Date.UTC(2026, 10, 25, 12);

function thread(patch: Partial<ThreadMeta>): ThreadMeta {
  return { id: 'th_1', title: 'Plans', createdAt: NOW - 1000, updatedAt: NOW - 1000, backend: 'responses', messageCount: 2, ...patch };
}

// The pieces the Switch Thread Quick Pick and the panel's switcher both show.
describe('summarizeThread', () => {
  test('title, last activity, message count, dialect and folder', () => {
    const s = summarizeThread(thread({ updatedAt: NOW - 5 * 60_000, messageCount: 1, backend: 'chat', workspaceFolder: '/home/me/project/' }), NOW);
    assert.equal(s.title, 'Plans');
    assert.equal(s.lastActivity, '5 min ago');
    assert.equal(s.messages, '1 message');
    assert.equal(s.backend, 'Chat Completions (this machine only)');
    assert.equal(s.folder, '/home/me/project/');
    assert.equal(s.folderName, 'project');
  });

  test('a thread of no folder has no folder name; Windows paths are split too', () => {
    assert.equal(summarizeThread(thread({}), NOW).folderName, undefined);
    assert.equal(summarizeThread(thread({ workspaceFolder: 'C:\\work\\site' }), NOW).folderName, 'site');
  });

  test('relative times', () => {
    assert.equal(relativeTime(10_000), 'just now');
    assert.equal(relativeTime(59 * 60_000), '59 min ago');
    assert.equal(relativeTime(3 * 3_600_000), '3 h ago');
    assert.equal(relativeTime(50 * 3_600_000), '2 d ago');
  });
});

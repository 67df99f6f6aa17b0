import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ThreadMeta } from '../../src/core/model';
import { idleThreads, listThreads } from '../../src/core/library/threadQuery';

const meta = (id: string, updatedAt: number, extra: Partial<ThreadMeta> = {}): ThreadMeta => ({
  id,
  title: id,
  createdAt: 0,
  updatedAt,
  backend: 'responses',
  messageCount: 0,
  ...extra,
});

const ids = (threads: ThreadMeta[]) => threads.map((t) => t.id);

describe('listThreads', () => {
  const threads = [
    meta('old', 1),
    meta('new', 5),
    meta('pinnedOld', 0, { pinned: true }),
    meta('pinnedNew', 3, { pinned: true }),
    meta('archived', 9, { archived: true }),
    meta('archivedPinned', 8, { archived: true, pinned: true }),
  ];

  test('pinned first, then most recently updated; archived hidden unless asked', () => {
    assert.deepEqual(ids(listThreads(threads)), ['pinnedNew', 'pinnedOld', 'new', 'old']);
    assert.deepEqual(ids(listThreads(threads, { includeArchived: true })), ['archivedPinned', 'pinnedNew', 'pinnedOld', 'archived', 'new', 'old']);
  });

  test('a workspace filter keeps that folder and threads of no folder', () => {
    const mixed = [meta('a', 3, { workspaceFolder: '/ws/a' }), meta('b', 2, { workspaceFolder: '/ws/b' }), meta('none', 1)];
    assert.deepEqual(ids(listThreads(mixed, { workspaceFolder: '/ws/a' })), ['a', 'none']);
    assert.deepEqual(ids(listThreads(mixed, { workspaceFolder: '/ws/b/' })), ['b', 'none']);
    assert.deepEqual(ids(listThreads(mixed, { workspaceFolder: 'all' })), ['a', 'b', 'none']);
    assert.deepEqual(ids(listThreads(mixed)), ['a', 'b', 'none']);
  });

  test('in a multi-root workspace, every one of its folders counts as this workspace', () => {
    const mixed = [meta('a', 4, { workspaceFolder: '/ws/a' }), meta('b', 3, { workspaceFolder: '/ws/b' }), meta('other', 2, { workspaceFolder: '/elsewhere' }), meta('none', 1)];
    assert.deepEqual(ids(listThreads(mixed, { workspaceFolder: ['/ws/a/', '/ws/b'] })), ['a', 'b', 'none']);
    assert.deepEqual(ids(listThreads(mixed, { workspaceFolder: [] })), ['none']);
  });

  test('does not reorder the input array', () => {
    const input = [meta('x', 1), meta('y', 2)];
    listThreads(input);
    assert.deepEqual(ids(input), ['x', 'y']);
  });
});

describe('idleThreads (retention)', () => {
  const day = 24 * 60 * 60 * 1000;
  const now = 100 * day;
  const t = (id: string, idleDays: number, extra: Partial<ThreadMeta> = {}): ThreadMeta => ({
    id, title: id, createdAt: 0, updatedAt: now - idleDays * day, backend: 'responses', messageCount: 1, ...extra,
  });

  test('archives threads idle for N days or more, never pinned or already archived ones', () => {
    const threads = [t('fresh', 2), t('edge', 30), t('old', 45), t('pinned', 90, { pinned: true }), t('archived', 90, { archived: true })];
    assert.deepEqual(idleThreads(threads, 30, now).map((x) => x.id), ['edge', 'old']);
  });

  test('is off by default (0 days)', () => {
    assert.deepEqual(idleThreads([t('ancient', 1000)], 0, now), []);
  });
});

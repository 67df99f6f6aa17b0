import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adoptRemoteIds, dialectOfRemoteId, parseRemoteIds } from '../../src/core/chat/adoptRemote';
import type { RemoteAdopter } from '../../src/core/chat/adoptRemote';
import type { BackendKind, ThreadMeta } from '../../src/core/model';

const meta = (id: string, extra: Partial<ThreadMeta> = {}): ThreadMeta => ({ id, title: id, createdAt: 0, updatedAt: 0, backend: 'responses', messageCount: 0, ...extra });

/** A library holding `threads`, whose server has `onServer`; records what it was asked to open. */
function library(threads: ThreadMeta[], onServer: Set<string>): RemoteAdopter & { opened: [BackendKind, string][] } {
  const opened: [BackendKind, string][] = [];
  return {
    opened,
    list: () => threads,
    async openRemote(kind, remoteId) {
      opened.push([kind, remoteId]);
      if (!onServer.has(remoteId)) throw new Error(`Not found (404: No conversation found with id '${remoteId}')`);
      const thread = meta(`local-${remoteId}`, { backend: kind, remoteId });
      threads.push(thread);
      return thread;
    },
  };
}

describe('adopting server threads by id', () => {
  test('ids come out of pasted text whatever separates them, once each', () => {
    assert.deepEqual(parseRemoteIds(' conv_a, conv_b;thread_c\nconv_a  '), ['conv_a', 'conv_b', 'thread_c']);
    assert.deepEqual(parseRemoteIds('  '), []);
    assert.equal(dialectOfRemoteId('conv_68a1'), 'responses');
    assert.equal(dialectOfRemoteId('thread_abc'), 'assistants');
    assert.equal(dialectOfRemoteId('asst_abc'), undefined);
  });

  test('unknown ids are read from the server in the dialect their prefix names; ids already here, live or gone, are not read again', async () => {
    const lib = library([meta('t1', { remoteId: 'conv_here' }), meta('t2', { goneRemoteId: 'conv_gone' })], new Set(['conv_new', 'thread_new']));
    const result = await adoptRemoteIds(lib, ['conv_here', 'conv_new', 'conv_gone', 'thread_new']);
    assert.deepEqual(result.adopted.map((t) => [t.backend, t.remoteId]), [['responses', 'conv_new'], ['assistants', 'thread_new']]);
    assert.deepEqual(result.known, [{ remoteId: 'conv_here', threadId: 't1' }, { remoteId: 'conv_gone', threadId: 't2' }]);
    assert.deepEqual(result.failed, []);
    assert.deepEqual(lib.opened, [['responses', 'conv_new'], ['assistants', 'thread_new']]);
  });

  test('one id the server does not have, or that is no thread id, stops nothing and says why', async () => {
    const lib = library([], new Set(['conv_ok']));
    const result = await adoptRemoteIds(lib, ['conv_missing', 'asst_nope', 'conv_ok']);
    assert.deepEqual(result.adopted.map((t) => t.remoteId), ['conv_ok']);
    assert.deepEqual(result.failed.map((f) => f.remoteId), ['conv_missing', 'asst_nope']);
    assert.match(result.failed[0]!.error, /404/);
    assert.match(result.failed[1]!.error, /conv_….*thread_…/);
  });

  test('a stop ends it between ids; what was adopted stays adopted', async () => {
    const abort = new AbortController();
    const lib = library([], new Set(['conv_1', 'conv_2']));
    const open = lib.openRemote.bind(lib);
    lib.openRemote = async (kind, id, signal) => {
      const thread = await open(kind, id, signal);
      abort.abort();
      return thread;
    };
    const result = await adoptRemoteIds(lib, ['conv_1', 'conv_2'], abort.signal);
    assert.deepEqual(result.adopted.map((t) => t.remoteId), ['conv_1']);
    assert.deepEqual(lib.opened.map(([, id]) => id), ['conv_1']);
  });
});

// The panel's table of requests waiting for the host (webview-ui/src/requests.ts): answers reach
// the request with their id, stale ones are dropped, and a request without an answer times out.
// Timers are mocked: time moves only when a test says so.
import * as assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import type { RequestMessage } from '../../src/shared/protocol';
import { REQUEST_TIMEOUT_MS, Requests } from '../../webview-ui/src/requests';

/** A table whose posts are kept, with the id of the last one. */
function table() {
  const posted: RequestMessage[] = [];
  const requests = new Requests((request) => posted.push(request));
  return { requests, posted, lastId: () => posted.at(-1)!.requestId };
}

const page = (requestId: number, threadId = 't') => ({ type: 'page' as const, requestId, threadId, messages: [], hasOlder: false, hasNewer: false });

describe('Requests', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  test('each request goes out with a fresh id, and each answer reaches the request with its id', () => {
    const { requests, posted } = table();
    const got: string[] = [];
    requests.send({ type: 'fetchImage', fileId: 'a' }, { answered: ({ src }) => got.push(`a:${src}`) });
    requests.send({ type: 'fetchImage', fileId: 'b' }, { answered: ({ src }) => got.push(`b:${src}`) });
    assert.deepEqual(posted, [
      { type: 'fetchImage', fileId: 'a', requestId: 1 },
      { type: 'fetchImage', fileId: 'b', requestId: 2 },
    ]);
    requests.answer({ type: 'imageReady', requestId: 2, src: 'B' });
    requests.answer({ type: 'imageReady', requestId: 1, src: 'A' });
    requests.answer({ type: 'imageReady', requestId: 1, src: 'again' });
    assert.deepEqual(got, ['b:B', 'a:A'], 'in the order the answers came, each once');
  });

  test('an answer nothing waits for, or of another type than its request expects, is dropped', () => {
    const { requests, lastId } = table();
    const got: unknown[] = [];
    requests.send({ type: 'find', query: 'x' }, { answered: (answer) => got.push(answer) });
    requests.answer({ type: 'findResults', requestId: 99, messageIds: ['m'] });
    requests.answer(page(lastId()));
    assert.deepEqual(got, []);
    assert.equal(requests.isWaiting(lastId()), true, 'still waiting for its own answer');
    requests.answer({ type: 'findResults', requestId: lastId(), messageIds: ['m'] });
    assert.deepEqual(got, [{ type: 'findResults', requestId: lastId(), messageIds: ['m'] }]);
  });

  test('a request that gets no answer times out: its waiter is told, and a late answer is dropped', () => {
    const { requests, lastId } = table();
    const events: string[] = [];
    requests.send({ type: 'searchThreads', query: 'zebra' }, { answered: () => events.push('answered'), timedOut: () => events.push('timed out') });
    mock.timers.tick(REQUEST_TIMEOUT_MS.searchThreads - 1);
    assert.deepEqual(events, []);
    mock.timers.tick(1);
    assert.deepEqual(events, ['timed out']);
    assert.equal(requests.isWaiting(lastId()), false);
    requests.answer({ type: 'searchResults', requestId: lastId(), hits: [] });
    assert.deepEqual(events, ['timed out'], 'too late');
  });

  test('an answered request does not time out', () => {
    const { requests, lastId } = table();
    const events: string[] = [];
    requests.send({ type: 'loadLatest' }, { answered: () => events.push('answered'), timedOut: () => events.push('timed out') });
    requests.answer(page(lastId()));
    mock.timers.tick(REQUEST_TIMEOUT_MS.loadLatest * 2);
    assert.deepEqual(events, ['answered']);
  });

  test('each kind waits as long as it is given (an image may have to be downloaded first)', () => {
    const { requests } = table();
    const timedOut: string[] = [];
    requests.send({ type: 'find', query: 'x' }, { answered: () => {}, timedOut: () => timedOut.push('find') });
    requests.send({ type: 'fetchImage', fileId: 'f' }, { answered: () => {}, timedOut: () => timedOut.push('image') });
    assert.ok(REQUEST_TIMEOUT_MS.fetchImage > REQUEST_TIMEOUT_MS.find);
    mock.timers.tick(REQUEST_TIMEOUT_MS.find);
    assert.deepEqual(timedOut, ['find']);
    mock.timers.tick(REQUEST_TIMEOUT_MS.fetchImage - REQUEST_TIMEOUT_MS.find);
    assert.deepEqual(timedOut, ['find', 'image']);
  });
});

describe('RequestSlot', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  test('a newer request replaces the one waiting: the stale answer is dropped, and the stale one never times out', () => {
    const { requests, posted } = table();
    const searches = requests.slot<'searchThreads'>();
    const events: string[] = [];
    for (const query of ['ze', 'zebra']) searches.send({ type: 'searchThreads', query }, { answered: ({ hits }) => events.push(`${query}: ${hits.length}`), timedOut: () => events.push(`${query} timed out`) });
    const [first, second] = posted.map((p) => p.requestId);
    requests.answer({ type: 'searchResults', requestId: first!, hits: [] });
    assert.deepEqual(events, [], 'the answer to the query typed over');
    requests.answer({ type: 'searchResults', requestId: second!, hits: [] });
    mock.timers.tick(REQUEST_TIMEOUT_MS.searchThreads);
    assert.deepEqual(events, ['zebra: 0']);
  });

  test('a dropped request (the panel moved on) is not answered, nor times out', () => {
    const { requests, lastId } = table();
    const older = requests.slot<'loadOlder'>();
    const events: string[] = [];
    older.send({ type: 'loadOlder', beforeId: 'm_100' }, { answered: () => events.push('answered'), timedOut: () => events.push('timed out') });
    assert.equal(older.waiting, true);
    older.drop();
    assert.equal(older.waiting, false);
    requests.answer(page(lastId()));
    mock.timers.tick(REQUEST_TIMEOUT_MS.loadOlder);
    assert.deepEqual(events, []);
  });

  test('waits until its request is answered or times out, then may ask again', () => {
    const { requests, lastId } = table();
    const older = requests.slot<'loadOlder'>();
    older.send({ type: 'loadOlder', beforeId: 'm_100' }, { answered: () => {} });
    requests.answer(page(lastId()));
    assert.equal(older.waiting, false, 'answered');
    older.send({ type: 'loadOlder', beforeId: 'm_0' }, { answered: () => {} });
    mock.timers.tick(REQUEST_TIMEOUT_MS.loadOlder);
    assert.equal(older.waiting, false, 'timed out');
  });
});

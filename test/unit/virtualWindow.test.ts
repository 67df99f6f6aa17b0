// What the panel holds of a long thread (webview-ui/src/virtual/loadedWindow.ts): where to ask for
// the next page at each end, pages that still fit, the far end let go past the bound; plus the
// height estimate and the cache of drawn elements.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JSDOM } from 'jsdom';
import type { Message } from '../../src/core/model';
import { estimateHeight } from '../../webview-ui/src/virtual/estimate';
import { LoadedWindow } from '../../webview-ui/src/virtual/loadedWindow';
import { NodeCache } from '../../webview-ui/src/virtual/nodeCache';

const message = (n: number, text = `message ${n}`): Message => ({
  id: `msg_${n}`, threadId: 't', role: n % 2 ? 'assistant' : 'user', content: [{ type: 'text', text }], createdAt: n, status: 'complete',
});
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => message(from + i));
const ids = (w: LoadedWindow<Message>) => w.items.map((m) => m.id);

describe('LoadedWindow', () => {
  test('holds the newest page, and takes the page before it', () => {
    const w = new LoadedWindow<Message>(1000);
    w.reset(range(900, 1000), true);
    assert.equal(w.olderBoundary, 'msg_900');
    assert.equal(w.newerBoundary, undefined, 'nothing newer exists');
    const page = w.prepend(range(800, 900), true, 'msg_900');
    assert.deepEqual(page, { accepted: true, dropped: [] });
    assert.equal(w.length, 200);
    assert.equal(w.indexOf('msg_900'), 100);
    assert.equal(w.olderBoundary, 'msg_800');
  });

  test('a whole thread asks for nothing', () => {
    const w = new LoadedWindow<Message>();
    w.reset(range(0, 10), false);
    assert.equal(w.olderBoundary, undefined);
    assert.equal(w.newerBoundary, undefined);
  });

  test('a page that no longer fits (the panel moved on) is refused', () => {
    const w = new LoadedWindow<Message>();
    w.reset(range(900, 1000), true);
    w.reset(range(500, 600), true, true);
    assert.equal(w.prepend(range(800, 900), true, 'msg_900').accepted, false);
    assert.deepEqual(ids(w), range(500, 600).map((m) => m.id));
    assert.equal(w.append(range(1000, 1100), true, 'msg_999').accepted, false);
    assert.equal(w.append(range(600, 700), true, 'msg_599').accepted, true, 'after the last one held');
  });

  test('past the bound, an older page lets the newest go (and they can be asked for again)', () => {
    const w = new LoadedWindow<Message>(250);
    w.reset(range(900, 1000), true);
    w.prepend(range(800, 900), true, 'msg_900');
    const { dropped } = w.prepend(range(700, 800), true, 'msg_800');
    assert.equal(w.length, 250);
    assert.deepEqual(dropped.map((m) => m.id), range(950, 1000).map((m) => m.id));
    assert.equal(w.items[0]!.id, 'msg_700');
    assert.equal(w.items.at(-1)!.id, 'msg_949');
    assert.equal(w.hasNewer, true);
    assert.equal(w.has('msg_999'), false);
    assert.equal(w.newerBoundary, 'msg_949');
    const back = w.append(range(950, 1000), false, 'msg_949');
    assert.equal(back.accepted, true);
    assert.deepEqual(back.dropped.map((m) => m.id), range(700, 750).map((m) => m.id), 'the oldest go to make room');
    assert.equal(w.hasNewer, false);
    assert.equal(w.hasOlder, true);
    assert.equal(w.items.at(-1)!.id, 'msg_999');
  });

  test('a state longer than the bound keeps its newest messages', () => {
    const w = new LoadedWindow<Message>(100);
    const dropped = w.reset(range(0, 150), false);
    assert.equal(dropped.length, 50);
    assert.equal(w.items[0]!.id, 'msg_50');
    assert.equal(w.hasOlder, true);
  });

  test('a stored message replaces its copy, is added at the end, or waits for its page when the end is not held', () => {
    const w = new LoadedWindow<Message>(100);
    w.reset(range(0, 100), false);
    assert.equal(w.upsert(message(5, 'edited')).change, 'replaced');
    assert.equal((w.items[5]!.content[0] as { text: string }).text, 'edited');
    const added = w.upsert(message(100));
    assert.equal(added.change, 'appended');
    assert.deepEqual(added.dropped.map((m) => m.id), ['msg_0'], 'the oldest goes past the bound');
    assert.equal(w.hasOlder, true);
    w.reset(range(0, 50), false, true);
    assert.equal(w.upsert(message(200)).change, 'ignored');
    assert.equal(w.has('msg_200'), false);
  });

  test('a page never holds a message twice', () => {
    const w = new LoadedWindow<Message>();
    w.reset(range(10, 20), true);
    w.prepend(range(5, 12), true, 'msg_10');
    assert.deepEqual(ids(w), range(5, 20).map((m) => m.id));
  });
});

describe('estimateHeight', () => {
  test('grows with the text, with a narrower panel, with code blocks and pictures', () => {
    const short = estimateHeight(message(1, 'hello'), 400);
    const long = estimateHeight(message(1, 'word '.repeat(400)), 400);
    assert.ok(long > short * 5, `${short} vs ${long}`);
    assert.ok(estimateHeight(message(1, 'word '.repeat(400)), 200) > long, 'narrower is taller');
    const code = estimateHeight(message(1, 'x\n\n```ts\nconst a = 1;\n```\n'), 400);
    assert.ok(code > estimateHeight(message(1, 'x\n\nconst a = 1;\n'), 400));
    const picture: Message = { ...message(2), content: [{ type: 'image', name: 'p.png', mime: 'image/png', dataUrl: 'data:image/png;base64,AAAA' }] };
    assert.ok(estimateHeight(picture, 400) >= 140);
  });
});

describe('NodeCache', () => {
  test('keeps the most recently let go elements, up to its limit', () => {
    const { window } = new JSDOM('');
    const cache = new NodeCache(2);
    const node = () => window.document.createElement('div');
    const a = node();
    cache.keep('a', a);
    cache.keep('b', node());
    cache.keep('a', a);
    cache.keep('c', node());
    assert.equal(cache.peek('b'), undefined, 'the least recently kept went first');
    assert.equal(cache.take('a'), a);
    assert.equal(cache.take('a'), undefined);
    assert.equal(cache.size, 1);
  });
});

// The virtual list's math (webview-ui/src/virtual/virtualList.ts on @tanstack/virtual-core) in
// plain Node: jsdom for the elements, and a stand-in layout — the scroll element's size and
// position, each row's true height, frames and ResizeObserver deliveries — driven step by step,
// so offsets, measurement and anchoring are checked exactly.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JSDOM } from 'jsdom';
import type { VirtualItem } from '@tanstack/virtual-core';
import type { RowSource } from '../../webview-ui/src/virtual/virtualList';
import { VirtualList, keepViewOnResize, rowsToDraw } from '../../webview-ui/src/virtual/virtualList';

const GAP = 10;
const OVERSCAN = 3;

/** A page with a scroll element whose layout the test decides. */
function layout(viewport = 500, width = 400) {
  const dom = new JSDOM('<!doctype html><html><body></body></html>');
  const win = dom.window as unknown as Window & typeof globalThis;
  let frames = new Map<number, FrameRequestCallback>();
  let nextFrame = 1;
  win.requestAnimationFrame = (callback) => {
    frames.set(nextFrame, callback);
    return nextFrame++;
  };
  win.cancelAnimationFrame = (id) => void frames.delete(id);
  /** Each ResizeObserver with what it observes and the sizes it last reported. */
  const observers = new Set<{ callback: ResizeObserverCallback; self: ResizeObserver; targets: Map<Element, number | undefined> }>();
  win.ResizeObserver = class {
    private readonly entry;
    constructor(callback: ResizeObserverCallback) {
      this.entry = { callback, self: this as unknown as ResizeObserver, targets: new Map<Element, number | undefined>() };
      observers.add(this.entry);
    }
    observe(target: Element) {
      if (!this.entry.targets.has(target)) this.entry.targets.set(target, undefined);
    }
    unobserve(target: Element) {
      this.entry.targets.delete(target);
    }
    disconnect() {
      this.entry.targets.clear();
    }
  } as unknown as typeof ResizeObserver;

  const document = win.document;
  const scroller = document.createElement('div');
  const list = document.createElement('div');
  scroller.append(list);
  document.body.append(scroller);
  let top = 0;
  let scrolled = false;
  const contentHeight = () => {
    let end = parseFloat(list.style.height || '0');
    for (const row of list.children) end = Math.max(end, offsetOf(row as HTMLElement) + (row as HTMLElement).offsetHeight);
    return Math.max(end, viewport);
  };
  const clamp = (value: number) => Math.max(0, Math.min(value, contentHeight() - viewport));
  Object.defineProperties(scroller, {
    clientHeight: { get: () => viewport },
    clientWidth: { get: () => width },
    scrollHeight: { get: contentHeight },
    scrollTop: {
      get: () => top,
      set: (value: number) => {
        const next = clamp(value);
        if (next !== top) scrolled = true;
        top = next;
      },
    },
  });
  scroller.scrollTo = ((options: ScrollToOptions) => {
    scroller.scrollTop = options.top ?? top;
  }) as typeof scroller.scrollTo;

  /** One frame: the scroll event, animation frames, then ResizeObserver deliveries. */
  const frame = () => {
    if (scrolled) {
      scrolled = false;
      scroller.dispatchEvent(new win.Event('scroll'));
    }
    const due = frames;
    frames = new Map();
    for (const callback of due.values()) callback(0);
    for (const o of observers) {
      const entries: ResizeObserverEntry[] = [];
      for (const [target, last] of o.targets) {
        const size = target === scroller ? viewport : (target as HTMLElement).offsetHeight;
        if (size === last) continue;
        o.targets.set(target, size);
        entries.push({ target, borderBoxSize: [{ blockSize: size, inlineSize: width }], contentRect: { height: size, width } } as unknown as ResizeObserverEntry);
      }
      if (entries.length) o.callback(entries, o.self);
    }
  };
  const settle = (n = 4) => {
    for (let i = 0; i < n; i++) frame();
  };
  return {
    document, scroller, list, frame, settle,
    get viewport() { return viewport; },
    /** The scroll element gets another height (the panel resized, the composer grew). */
    resize(height: number) { viewport = height; scroller.scrollTop = top; },
    get scrollTop() { return top; },
    scrollTo: (value: number) => { scroller.scrollTop = value; settle(); },
  };
}

function offsetOf(node: HTMLElement): number {
  return Number(/translateY\(([-\d.]+)px\)/.exec(node.style.transform)?.[1] ?? NaN);
}

/** Rows with true heights (the test's "layout"), estimated at 100px until drawn. */
class Rows implements RowSource {
  keys: string[];
  readonly heights = new Map<string, number>();
  pinnedRows: number[] = [];

  constructor(private readonly document: Document, from: number, to: number) {
    this.keys = [];
    this.add(from, to, 'end');
  }

  add(from: number, to: number, where: 'start' | 'end'): void {
    const keys = Array.from({ length: to - from }, (_, i) => `m${from + i}`);
    for (const key of keys) this.heights.set(key, 40 + (Number(key.slice(1)) % 9) * 15);
    this.keys = where === 'start' ? [...keys, ...this.keys] : [...this.keys, ...keys];
  }

  count = () => this.keys.length;
  keyAt = (index: number) => this.keys[index]!;
  estimate = () => 100;
  pinned = () => this.pinnedRows;
  unmount = () => {};
  mount = (key: string) => {
    const node = this.document.createElement('div');
    node.dataset.key = key;
    Object.defineProperty(node, 'offsetHeight', { get: () => this.heights.get(key) ?? 100 });
    return node;
  };
}

function setup(count = 1000, options: { viewport?: number; drawAllUpTo?: number } = {}) {
  const page = layout(options.viewport);
  const rows = new Rows(page.document, 0, count);
  const list = new VirtualList(page.scroller, page.list, rows, () => {}, { gap: GAP, overscan: OVERSCAN, drawAllUpTo: options.drawAllUpTo ?? 0 });
  const drawn = () => [...page.list.children].map((n) => ({ key: (n as HTMLElement).dataset.key!, top: offsetOf(n as HTMLElement), height: (n as HTMLElement).offsetHeight }));
  /** The first row in view and where it is on screen (its top minus the scroll position). */
  const firstVisible = () => {
    const row = drawn().filter((r) => r.top + r.height > page.scrollTop).sort((a, b) => a.top - b.top)[0]!;
    return { key: row.key, screen: row.top - page.scrollTop };
  };
  const screenOf = (key: string) => {
    const row = drawn().find((r) => r.key === key);
    return row === undefined ? undefined : row.top - page.scrollTop;
  };
  const atEnd = () => page.scroller.scrollHeight - page.scrollTop - page.viewport;
  return { page, rows, list, drawn, firstVisible, screenOf, atEnd };
}

describe('VirtualList', () => {
  test('places rows one after another, a gap apart, at their measured heights; the list is as tall as all rows', () => {
    const { page, rows, list, drawn } = setup();
    list.refresh();
    page.settle();
    // A list first shown starts at its end (a conversation); this one is read from the top.
    page.scrollTo(0);
    const shown = drawn();
    assert.ok(shown.length > 0);
    assert.equal(shown[0]!.key, 'm0');
    assert.equal(shown[0]!.top, 0);
    for (let i = 1; i < shown.length; i++) assert.equal(shown[i]!.top, shown[i - 1]!.top + shown[i - 1]!.height + GAP, `row ${shown[i]!.key}`);
    // Rows measured (drawn now or before) count at their height, the rest at the estimate.
    const sizes = list.virtualizer.itemSizeCache;
    for (const r of shown) assert.equal(sizes.get(r.key) ?? 100, r.height);
    const expected = rows.keys.reduce((sum, key) => sum + (sizes.get(key) ?? 100), 0) + (rows.count() - 1) * GAP;
    assert.ok(sizes.size < rows.count() / 10, 'rows never drawn were measured');
    assert.equal(parseFloat(page.list.style.height), expected);
    assert.equal(list.virtualizer.getTotalSize(), expected);
  });

  test('draws only the rows in view plus overscan, in index order, and the pinned ones wherever the view is', () => {
    const { page, rows, list, drawn } = setup();
    rows.pinnedRows = [999];
    list.refresh();
    page.settle();
    page.scrollTo(30_000);
    const keys = drawn().map((r) => r.key);
    const inView = drawn().filter((r) => r.top + r.height > page.scrollTop && r.top < page.scrollTop + page.viewport).length;
    // The library's range may take one row more at an edge it touches.
    assert.ok(keys.length <= inView + 2 * OVERSCAN + 2 + 1, `${keys.length} rows drawn for ${inView} in view`);
    assert.equal(keys.at(-1), 'm999', 'the pinned row is drawn');
    const indexes = keys.map((k) => Number(k.slice(1)));
    assert.deepEqual(indexes, [...indexes].sort((a, b) => a - b), 'the DOM is in index order');
    assert.equal(list.mountedCount, keys.length);
  });

  test('draws a short list whole', () => {
    const { page, list, drawn } = setup(40, { drawAllUpTo: 60 });
    list.refresh();
    page.settle();
    assert.equal(drawn().length, 40);
  });

  test('scrolls to the end with the last rows drawn and measured', () => {
    const { page, list, drawn, atEnd } = setup();
    list.refresh('end');
    page.settle(6);
    assert.equal(atEnd(), 0);
    assert.equal(drawn().at(-1)!.key, 'm999');
    assert.ok(!drawn().some((r) => r.key === 'm0'), 'the first rows were drawn on the way');
  });

  test('an older page put in front keeps the first visible row where it was on screen', () => {
    const { page, rows, list, firstVisible, screenOf } = setup();
    list.refresh('end');
    page.settle(6);
    page.scrollTo(page.scrollTop - 3_000);
    const before = firstVisible();
    for (let round = 0; round < 3; round++) {
      const first = Number(rows.keys[0]!.slice(1));
      rows.add(first - 200, first, 'start');
      list.refresh();
      page.settle();
      assert.equal(screenOf(before.key), before.screen, `round ${round}: ${before.key} moved`);
    }
    // Scrolling up into the new rows measures them; what is on screen stays put as they are.
    const anchor = firstVisible();
    page.scroller.scrollTop -= 1;
    page.settle();
    assert.equal(screenOf(anchor.key), anchor.screen + 1);
  });

  test('letting the far end go keeps the view', () => {
    const { page, rows, list, firstVisible, screenOf } = setup();
    list.refresh();
    page.settle();
    page.scrollTo(40_000);
    const before = firstVisible();
    rows.keys = rows.keys.slice(0, 900); // the newest 100 go
    list.refresh();
    page.settle();
    assert.equal(screenOf(before.key), before.screen);
    const start = firstVisible();
    rows.keys = rows.keys.slice(100); // and the oldest 100
    list.refresh();
    page.settle();
    assert.equal(screenOf(start.key), start.screen);
  });

  test('a row above the view that changes height moves the view by the change', () => {
    const { page, rows, list, drawn, firstVisible, screenOf } = setup();
    list.refresh();
    page.settle();
    page.scrollTo(20_000);
    const view = firstVisible();
    const above = drawn().find((r) => r.top + r.height <= page.scrollTop)!;
    assert.ok(above, 'an overscan row above the view is drawn');
    const scrollTop = page.scrollTop;
    rows.heights.set(above.key, above.height + 37);
    page.settle();
    assert.equal(page.scrollTop, scrollTop + 37);
    assert.equal(screenOf(view.key), view.screen);
  });

  test('a row spanning the top of the view that grows at its bottom does not move the view', () => {
    const { page, rows, list, drawn } = setup();
    list.refresh();
    page.settle();
    page.scrollTo(20_000);
    const spanning = drawn().find((r) => r.top < page.scrollTop && r.top + r.height > page.scrollTop)!;
    assert.ok(spanning, 'a row spans the top edge');
    const scrollTop = page.scrollTop;
    rows.heights.set(spanning.key, spanning.height + 200);
    page.settle();
    assert.equal(page.scrollTop, scrollTop);
  });

  test('a growing last row keeps the view at the end only when the view was at the end', () => {
    const { page, rows, list, firstVisible, screenOf, atEnd } = setup();
    list.refresh('end');
    page.settle(6);
    assert.equal(atEnd(), 0);
    for (let i = 0; i < 5; i++) {
      rows.heights.set('m999', rows.heights.get('m999')! + 120);
      page.settle(2);
      assert.equal(atEnd(), 0, `growth ${i}`);
    }
    page.scrollTo(page.scrollTop - 800);
    const view = firstVisible();
    const scrollTop = page.scrollTop;
    rows.heights.set('m999', rows.heights.get('m999')! + 500);
    page.settle();
    assert.equal(page.scrollTop, scrollTop);
    assert.equal(screenOf(view.key), view.screen);
  });

  test('a view at the end stays there when it gets shorter or taller; one scrolled up stays put', () => {
    const { page, list, atEnd, firstVisible, screenOf } = setup();
    list.refresh('end');
    page.settle(6);
    page.resize(300);
    page.settle();
    assert.equal(atEnd(), 0);
    page.resize(700);
    page.settle();
    assert.equal(atEnd(), 0);
    page.scrollTo(page.scrollTop - 2_000);
    const view = firstVisible();
    page.resize(400);
    page.settle();
    assert.equal(screenOf(view.key), view.screen);
  });

  test('a row added at the end is followed only from the end', () => {
    const { page, rows, list, atEnd } = setup(200);
    list.refresh('end');
    page.settle(6);
    rows.add(200, 201, 'end');
    list.refresh();
    page.settle(6);
    assert.equal(atEnd(), 0);
    page.scrollTo(page.scrollTop - 600);
    const scrollTop = page.scrollTop;
    rows.add(201, 202, 'end');
    list.refresh();
    page.settle(6);
    assert.equal(page.scrollTop, scrollTop);
  });

  test('scrolls a far row to the middle of the view, corrected as rows around it are measured', () => {
    const { page, list, screenOf } = setup();
    list.refresh('end');
    page.settle(6);
    list.scrollToIndex(300);
    page.settle(8);
    const screen = screenOf('m300');
    assert.ok(screen !== undefined && screen > 0 && screen < page.viewport, `m300 at ${screen}`);
    const height = 40 + (300 % 9) * 15;
    assert.ok(Math.abs(screen + height / 2 - page.viewport / 2) <= 1, `m300 is not centred (${screen})`);
  });
});

describe('keepViewOnResize', () => {
  const item = (start: number, size: number, key = 'k'): VirtualItem => ({ key, index: 0, start, size, end: start + size, lane: 0 });
  const virtualizer = (scrollOffset: number, measured: string[] = []) => ({ scrollOffset, itemSizeCache: new Map(measured.map((k) => [k, 1])) }) as unknown as Parameters<typeof keepViewOnResize>[2];

  test('a first measurement moves the view when the row starts above it', () => {
    assert.equal(keepViewOnResize(item(0, 100), 20, virtualizer(50)), true);
    assert.equal(keepViewOnResize(item(60, 100), 20, virtualizer(50)), false);
  });

  test('a measured row moves the view only when wholly above it', () => {
    assert.equal(keepViewOnResize(item(0, 40), 20, virtualizer(50, ['k'])), true);
    assert.equal(keepViewOnResize(item(0, 100), 20, virtualizer(50, ['k'])), false);
  });
});

describe('rowsToDraw', () => {
  const range = { startIndex: 10, endIndex: 14, overscan: 2, count: 100 };
  test('the range with overscan, then the pinned rows, sorted and without repeats', () => {
    assert.deepEqual(rowsToDraw(range, [], 0), [8, 9, 10, 11, 12, 13, 14, 15, 16]);
    assert.deepEqual(rowsToDraw(range, [99, 12, 0], 0), [0, 8, 9, 10, 11, 12, 13, 14, 15, 16, 99]);
    assert.deepEqual(rowsToDraw(range, [100, -1], 0), [8, 9, 10, 11, 12, 13, 14, 15, 16], 'rows outside the list are ignored');
  });

  test('every row of a short list', () => {
    assert.equal(rowsToDraw({ ...range, count: 30 }, [], 30).length, 30);
  });
});

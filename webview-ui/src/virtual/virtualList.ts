// A vertical list that keeps DOM elements only for the rows near the viewport, on
// @tanstack/virtual-core: it measures each drawn row (ResizeObserver), keeps the height per row
// key, estimates the rest, and anchors the view. With `anchorTo: 'end'` a change of rows at
// either end (an older page put in front, the far end let go) keeps the first visible row where
// it was, and a row growing while the view is at the end keeps the view at the end
// (`followOnAppend` does the same for a row added there). Everything else is ours: drawing the
// rows (absolutely placed, in index order in the DOM), the rows that stay drawn wherever the view
// is (a streaming reply, the row holding focus), and when a row that changed height moves the view.
import { Virtualizer, defaultRangeExtractor, elementScroll, observeElementOffset, observeElementRect } from '@tanstack/virtual-core';
import type { Range, VirtualItem, VirtualizerOptions } from '@tanstack/virtual-core';

/** What the list shows: its rows by index, and how a row's element is made and let go. */
export interface RowSource {
  count(): number;
  /** A row's key (a message id): heights are kept per key, so they survive rows added in front. */
  keyAt(index: number): string;
  /** The height of row `key` if it was never measured. */
  estimate(key: string): number;
  /** The element for row `key`: made now, or one kept from before. */
  mount(key: string): HTMLElement;
  /** Row `key` left the DOM (scrolled away, or its row was replaced). */
  unmount(key: string, node: HTMLElement): void;
  /** Rows drawn wherever the view is, e.g. a streaming reply or the row holding focus. */
  pinned(): number[];
  /** Called for each drawn row after it was placed, e.g. to set its position in the set. */
  place?(node: HTMLElement, index: number): void;
}

export interface VirtualListOptions {
  /** Pixels between rows. */
  gap?: number;
  /** Rows drawn beyond each edge of the viewport. */
  overscan?: number;
  /** A list of at most this many rows is drawn whole. */
  drawAllUpTo?: number;
  /** How near the end (px) still counts as "at the end", so growth at the end follows. */
  endThreshold?: number;
  /** How the scroll element is watched and scrolled (tests pass stand-ins). */
  observeElementRect?: VirtualizerOptions<HTMLElement, HTMLElement>['observeElementRect'];
  observeElementOffset?: VirtualizerOptions<HTMLElement, HTMLElement>['observeElementOffset'];
  scrollToFn?: VirtualizerOptions<HTMLElement, HTMLElement>['scrollToFn'];
}

type AnyVirtualizer = Virtualizer<HTMLElement, HTMLElement>;

/**
 * Whether a row whose height changed moves the view by the change, so what is on screen stays.
 * A row measured for the first time replaces an estimate for all of itself: compensate when it
 * starts above the view. A measured row that changed compensates only when it is wholly above
 * the view: one spanning the top edge changes at its bottom, below the reader. (The library's
 * own rule skips rows above while scrolling up; ours compensates then too, so scrolling up into
 * rows whose kept height went stale never shifts what is read.)
 */
export function keepViewOnResize(item: VirtualItem, _delta: number, virtualizer: AnyVirtualizer): boolean {
  const offset = virtualizer.scrollOffset ?? 0;
  if (!virtualizer.itemSizeCache.has(item.key)) return item.start < offset;
  return item.end <= offset;
}

/** The library's range plus the pinned rows, or every row for a short list; sorted, no repeats. */
export function rowsToDraw(range: Range, pinned: readonly number[], drawAllUpTo: number): number[] {
  if (range.count <= drawAllUpTo) return Array.from({ length: range.count }, (_, i) => i);
  const rows = defaultRangeExtractor(range);
  const first = rows[0] ?? 0;
  const last = rows.at(-1) ?? -1;
  const extra = pinned.filter((i) => i >= 0 && i < range.count && (i < first || i > last));
  if (!extra.length) return rows;
  return [...new Set([...rows, ...extra])].sort((a, b) => a - b);
}

export class VirtualList {
  readonly virtualizer: AnyVirtualizer;
  private readonly mounted = new Map<string, HTMLElement>();
  private readonly settings: Required<Pick<VirtualListOptions, 'gap' | 'overscan' | 'drawAllUpTo' | 'endThreshold'>>;
  private updating = false;
  private again = false;
  /** The view was at the end when last seen (or has not been shown yet): a resize keeps it there. */
  private atEnd = true;
  private height = 0;

  constructor(
    private readonly scroller: HTMLElement,
    private readonly list: HTMLElement,
    private readonly source: RowSource,
    private readonly afterUpdate: () => void,
    private readonly options: VirtualListOptions = {},
  ) {
    this.settings = { gap: options.gap ?? 10, overscan: options.overscan ?? 4, drawAllUpTo: options.drawAllUpTo ?? 0, endThreshold: options.endThreshold ?? 4 };
    this.virtualizer = new Virtualizer(this.virtualizerOptions());
    this.virtualizer.shouldAdjustScrollPositionOnItemSizeChange = keepViewOnResize;
    this.virtualizer._didMount();
    // The first update attaches the scroll and resize observers and moves the element to the
    // library's offset: done now, so it never lands on top of a first scroll to the end.
    this.virtualizer._willUpdate();
  }

  private virtualizerOptions(): VirtualizerOptions<HTMLElement, HTMLElement> {
    const source = this.source;
    // The keys as of now: the library reads the previous options' keys after the rows changed
    // (to find the row to keep in place), so they must not follow the source.
    const keys = Array.from({ length: source.count() }, (_, i) => source.keyAt(i));
    return {
      count: keys.length,
      getScrollElement: () => this.scroller,
      getItemKey: (index) => keys[index]!,
      estimateSize: (index) => source.estimate(keys[index]!),
      rangeExtractor: (range) => rowsToDraw(range, source.pinned(), this.settings.drawAllUpTo),
      overscan: this.settings.overscan,
      gap: this.settings.gap,
      anchorTo: 'end',
      followOnAppend: true,
      scrollEndThreshold: this.settings.endThreshold,
      observeElementRect: (instance, report) => (this.options.observeElementRect ?? observeElementRect)(instance, (rect) => {
        // Whether the view was at the end is decided before the library redraws for the new size.
        const atEnd = this.atEnd;
        report(rect);
        this.resized(rect.height, atEnd);
      }),
      observeElementOffset: this.options.observeElementOffset ?? observeElementOffset,
      scrollToFn: this.options.scrollToFn ?? elementScroll,
      onChange: () => this.update(),
    };
  }

  /**
   * Rows were added, removed or reordered: the list takes the new rows, keeping the view, or
   * moving it to the end or to row `to` (then the rows drawn are those there, not those the view
   * left).
   */
  refresh(to?: 'end' | number): void {
    this.virtualizer.setOptions(this.virtualizerOptions());
    if (to === 'end') this.scrollToEnd();
    else if (to !== undefined) this.scrollToIndex(to);
    else this.update();
  }

  /** Draws the rows for where the view is now, and lets the library settle the scroll position. */
  update(): void {
    if (this.updating) {
      this.again = true;
      return;
    }
    this.updating = true;
    try {
      // Measuring a new row can change what is in range; a few passes settle it.
      for (let pass = 0; pass < 8; pass++) {
        this.again = false;
        this.draw();
        this.virtualizer._willUpdate();
        if (!this.again) break;
      }
    } finally {
      this.updating = false;
    }
    this.noteEnd();
    this.afterUpdate();
  }

  /** Remembers whether the view is at the end (not while it has no size: hidden). */
  noteEnd(): void {
    if (this.scroller.clientHeight > 0) this.atEnd = this.distanceFromEnd() <= this.settings.endThreshold;
  }

  /**
   * The view changed height (shown after being hidden, the panel resized, the composer grew):
   * a view that was at the end stays there.
   */
  private resized(height: number, atEnd: boolean): void {
    const before = this.height;
    this.height = height;
    if (height > 0 && height !== before && atEnd && !this.updating) this.scrollToEnd();
  }

  private draw(): void {
    const v = this.virtualizer;
    const items = v.getVirtualItems();
    this.list.style.height = `${v.getTotalSize()}px`;
    const wanted = new Set<string>();
    const fresh: HTMLElement[] = [];
    for (const item of items) {
      const key = String(item.key);
      wanted.add(key);
      let node = this.mounted.get(key);
      if (!node) {
        node = this.source.mount(key);
        this.mounted.set(key, node);
        fresh.push(node);
      }
      node.setAttribute('data-index', String(item.index));
      node.style.transform = `translateY(${item.start}px)`;
      this.source.place?.(node, item.index);
    }
    let removed = false;
    for (const [key, node] of this.mounted) {
      if (wanted.has(key)) continue;
      node.remove();
      this.mounted.delete(key);
      this.source.unmount(key, node);
      removed = true;
    }
    // The DOM keeps index order, so reading order, Tab order and find follow the thread.
    let cursor = this.list.firstElementChild;
    for (const item of items) {
      const node = this.mounted.get(String(item.key))!;
      if (node === cursor) cursor = cursor.nextElementSibling;
      else this.list.insertBefore(node, cursor);
    }
    if (removed) v.measureElement(null);
    for (const node of fresh) v.measureElement(node);
  }

  /** Drops the drawn element of `key` (its content changed); the next update draws it afresh. */
  replace(key: string): void {
    const node = this.mounted.get(key);
    if (!node) return;
    node.remove();
    this.mounted.delete(key);
    this.source.unmount(key, node);
  }

  /**
   * Measures the drawn element of `key` now, not when the ResizeObserver reports: the list (and a
   * view at its end) follows a row changed outside a frame before anything else reads the layout.
   */
  measure(key: string): void {
    const node = this.mounted.get(key);
    if (!node) return;
    const atEnd = this.atEnd;
    this.virtualizer.measureElement(node);
    if (atEnd) this.scrollToEnd();
  }

  /** The drawn element of `key`, if it is drawn. */
  nodeOf(key: string): HTMLElement | undefined {
    return this.mounted.get(key);
  }

  /** Row elements in the DOM now. */
  get mountedCount(): number {
    return this.mounted.size;
  }

  get mountedKeys(): string[] {
    return [...this.mounted.keys()];
  }

  /**
   * Scrolls to the end. The view is moved at once (before the rows are drawn, so the rows at the
   * end are the ones drawn and measured); the library then follows the end as they are measured.
   */
  scrollToEnd(): void {
    this.atEnd = true;
    const v = this.virtualizer;
    this.list.style.height = `${v.getTotalSize()}px`;
    v.scrollOffset = Math.max(0, v.getTotalSize() - this.scroller.clientHeight);
    v.scrollToEnd();
    this.update();
  }

  /** Scrolls row `index` to the middle of the view (corrected as rows around it are measured). */
  scrollToIndex(index: number): void {
    const v = this.virtualizer;
    this.list.style.height = `${v.getTotalSize()}px`;
    const target = v.getOffsetForIndex(index, 'center');
    if (target) v.scrollOffset = target[0];
    v.scrollToIndex(index, { align: 'center' });
    this.update();
  }

  /** Pixels between the bottom of the view and the end of the list. */
  distanceFromEnd(): number {
    return Math.max(0, this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight);
  }

  /** Forgets measured heights of rows no longer in the list (keys not in `keep`). */
  forgetHeights(keep: (key: string) => boolean): void {
    for (const key of [...this.virtualizer.itemSizeCache.keys()]) if (!keep(String(key))) this.virtualizer.itemSizeCache.delete(key);
  }
}

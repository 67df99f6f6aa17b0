// Which part of a thread the panel holds: a run of consecutive messages, whether older and newer
// ones exist beyond it, and the page requests in flight. At most `max` messages are held: a page
// that would go over lets go of the far end (the end away from the page), which then reloads
// when the user scrolls back to it. Plain data, no DOM: the transcript draws what this holds.

export interface Identified {
  id: string;
}

/** A request may be sent again after this long without an answer (the host may have dropped it). */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface PageResult<T> {
  /** False when the page answered a request that no longer applies (the window moved since). */
  accepted: boolean;
  /** Messages let go to stay within `max`. */
  dropped: T[];
}

export class LoadedWindow<T extends Identified> {
  private list: T[] = [];
  private index = new Map<string, number>();
  /** Older messages exist before the first one held. */
  hasOlder = false;
  /** Newer messages exist after the last one held (they were let go). */
  hasNewer = false;
  private older: { beforeId: string; at: number } | undefined;
  private newer: { afterId: string; at: number } | undefined;

  constructor(readonly max = 2000, private readonly now: () => number = () => Date.now()) {}

  get items(): readonly T[] {
    return this.list;
  }

  get length(): number {
    return this.list.length;
  }

  indexOf(id: string): number {
    return this.index.get(id) ?? -1;
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  /** Holds `items` instead of what was held; keeps the newest `max` when there are more. */
  reset(items: readonly T[], hasOlder: boolean, hasNewer = false): T[] {
    const dropped = items.length > this.max ? items.slice(0, items.length - this.max) : [];
    this.list = items.slice(dropped.length);
    this.hasOlder = hasOlder || dropped.length > 0;
    this.hasNewer = hasNewer;
    this.older = undefined;
    this.newer = undefined;
    this.reindex();
    return dropped;
  }

  /**
   * The id to ask older messages before, once: undefined when there are none, when a request
   * is already out (until it times out), or when nothing is held.
   */
  requestOlder(): string | undefined {
    const first = this.list[0];
    if (!this.hasOlder || !first) return undefined;
    if (this.older && this.older.beforeId === first.id && this.now() - this.older.at < REQUEST_TIMEOUT_MS) return undefined;
    this.older = { beforeId: first.id, at: this.now() };
    return first.id;
  }

  /** Like `requestOlder`, at the newest end. */
  requestNewer(): string | undefined {
    const last = this.list.at(-1);
    if (!this.hasNewer || !last) return undefined;
    if (this.newer && this.newer.afterId === last.id && this.now() - this.newer.at < REQUEST_TIMEOUT_MS) return undefined;
    this.newer = { afterId: last.id, at: this.now() };
    return last.id;
  }

  /** Whether a request for older (or newer) messages is out. */
  get loadingOlder(): boolean {
    return this.older !== undefined;
  }

  get loadingNewer(): boolean {
    return this.newer !== undefined;
  }

  /** The page before the first held message, answering `requestOlder`. */
  prepend(page: readonly T[], hasOlder: boolean): PageResult<T> {
    const request = this.older;
    if (!request || request.beforeId !== this.list[0]?.id) return { accepted: false, dropped: [] };
    this.older = undefined;
    const fresh = page.filter((m) => !this.index.has(m.id));
    this.list = [...fresh, ...this.list];
    this.hasOlder = hasOlder;
    let dropped: T[] = [];
    if (this.list.length > this.max) {
      dropped = this.list.splice(this.max);
      this.hasNewer = true;
      this.newer = undefined;
    }
    this.reindex();
    return { accepted: true, dropped };
  }

  /** The page after the last held message, answering `requestNewer`. */
  append(page: readonly T[], hasNewer: boolean): PageResult<T> {
    const request = this.newer;
    if (!request || request.afterId !== this.list.at(-1)?.id) return { accepted: false, dropped: [] };
    this.newer = undefined;
    this.hasNewer = hasNewer;
    return { accepted: true, dropped: this.push(page.filter((m) => !this.index.has(m.id))) };
  }

  /**
   * A message stored in the thread: replaces the one held with its id, or is added at the end
   * when the newest messages are held ('ignored' otherwise: it will come with their page).
   */
  upsert(item: T): { change: 'replaced' | 'appended' | 'ignored'; dropped: T[] } {
    const at = this.index.get(item.id);
    if (at !== undefined) {
      this.list[at] = item;
      return { change: 'replaced', dropped: [] };
    }
    if (this.hasNewer) return { change: 'ignored', dropped: [] };
    return { change: 'appended', dropped: this.push([item]) };
  }

  private push(items: readonly T[]): T[] {
    this.list.push(...items);
    let dropped: T[] = [];
    if (this.list.length > this.max) {
      dropped = this.list.splice(0, this.list.length - this.max);
      this.hasOlder = true;
      this.older = undefined;
    }
    this.reindex();
    return dropped;
  }

  private reindex(): void {
    this.index = new Map(this.list.map((m, i) => [m.id, i]));
  }
}

// Which part of a thread the panel holds: a run of consecutive messages, and whether older and
// newer ones exist beyond it. At most `max` messages are held: a page that would go over lets go
// of the far end (the end away from the page), which then reloads when the user scrolls back to
// it. Plain data, no DOM: the transcript draws what this holds (and asks for the pages).

export interface Identified {
  id: string;
}

export interface PageResult<T> {
  /** False when the page no longer fits (the window moved since it was asked for). */
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

  constructor(readonly max = 2000) {}

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
    this.reindex();
    return dropped;
  }

  /** The id to ask older messages before: undefined when there are none, or nothing is held. */
  get olderBoundary(): string | undefined {
    return this.hasOlder ? this.list[0]?.id : undefined;
  }

  /** Like `olderBoundary`, at the newest end. */
  get newerBoundary(): string | undefined {
    return this.hasNewer ? this.list.at(-1)?.id : undefined;
  }

  /** The page asked for before `beforeId`, if that is still the first message held. */
  prepend(page: readonly T[], hasOlder: boolean, beforeId: string): PageResult<T> {
    if (beforeId !== this.list[0]?.id) return { accepted: false, dropped: [] };
    const fresh = page.filter((m) => !this.index.has(m.id));
    this.list = [...fresh, ...this.list];
    this.hasOlder = hasOlder;
    let dropped: T[] = [];
    if (this.list.length > this.max) {
      dropped = this.list.splice(this.max);
      this.hasNewer = true;
    }
    this.reindex();
    return { accepted: true, dropped };
  }

  /** The page asked for after `afterId`, if that is still the last message held. */
  append(page: readonly T[], hasNewer: boolean, afterId: string): PageResult<T> {
    if (afterId !== this.list.at(-1)?.id) return { accepted: false, dropped: [] };
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
    }
    this.reindex();
    return dropped;
  }

  private reindex(): void {
    this.index = new Map(this.list.map((m, i) => [m.id, i]));
  }
}

// Drawn message elements that scrolled out of view, kept for a while so that scrolling back does
// not render their markdown again. Bounded: the least recently let go are dropped first.

export class NodeCache {
  private readonly nodes = new Map<string, HTMLElement>();

  constructor(readonly limit = 60) {}

  /** Takes the element kept for `key` out of the cache. */
  take(key: string): HTMLElement | undefined {
    const node = this.nodes.get(key);
    if (node) this.nodes.delete(key);
    return node;
  }

  /** The element kept for `key`, left in the cache. */
  peek(key: string): HTMLElement | undefined {
    return this.nodes.get(key);
  }

  keep(key: string, node: HTMLElement): void {
    this.nodes.delete(key);
    this.nodes.set(key, node);
    while (this.nodes.size > this.limit) this.nodes.delete(this.nodes.keys().next().value!);
  }

  delete(key: string): void {
    this.nodes.delete(key);
  }

  clear(): void {
    this.nodes.clear();
  }

  values(): IterableIterator<HTMLElement> {
    return this.nodes.values();
  }

  get size(): number {
    return this.nodes.size;
  }
}

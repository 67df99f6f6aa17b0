// Draws the open block of a streaming reply (the one still arriving, see streamingBlocks.ts) so
// that a frame's work follows what the frame added, not the size of the block. Four shapes that
// grow long without a blank line are drawn piece by piece:
//   - a code fence: its frame is drawn once, finished lines are added as plain text and only the
//     line still arriving is redrawn; it is highlighted once, when the fence closes and the block
//     is rendered whole;
//   - a list: each finished item is rendered once and its <li> moved into the live list (runs of
//     <ul>/<ol> that look like one); only the item still arriving is rendered again;
//   - a table: each finished row is rendered once (with the header, for its alignment) and its
//     <tr> moved into one live table;
//   - a paragraph: its older text is rendered once, in pieces cut where nothing can change them
//     any more, and only the rest is rendered again (openParagraph.ts).
// Anything else, or a block that turns out not to render as its shape (a rule after a list, a
// paragraph after a table), is rendered whole on each frame; a paragraph may still turn out a
// table. The pieces are for drawing only: when the block finishes it is rendered whole, once, so
// the reply ends as correct markdown.
import type { RenderBlock, Shape } from './blockShape';
import { type InlineClosed, OpenParagraph, startsParagraph } from './openParagraph';
import { LIST_ITEM, marginFence } from './streamingBlocks';

const joined = (lines: readonly string[], from: number, partial: string) => [...lines.slice(from), partial].join('\n');

/** The one element a render produced, if it produced exactly one element with one of `tags`. */
function single(fragment: DocumentFragment, tags: readonly string[]): Element | undefined {
  const [first, ...rest] = fragment.children;
  return first && !rest.length && tags.includes(first.tagName) ? first : undefined;
}

/** The fallback: the whole block, rendered again on every frame. */
class WholeBlock implements Shape {
  constructor(private readonly element: HTMLElement, private readonly render: RenderBlock) {}

  draw(lines: readonly string[], partial: string): boolean {
    const text = joined(lines, 0, partial);
    if (text.trim()) this.element.replaceChildren(this.render(text));
    else this.element.replaceChildren();
    return true;
  }
}

/** Finished code lines are kept in runs of about this many characters, each laid out apart (panel.css). */
const RUN_CHARS = 4096;

class OpenFence implements Shape {
  private readonly code: Element;
  private readonly arriving: Text;
  private run: HTMLElement | undefined;
  private runChars = 0;
  private drawnLines = 1;
  /** A line still arriving that may be the closing fence is not shown as code. */
  private readonly mayClose: RegExp;

  constructor(element: HTMLElement, render: RenderBlock, opening: string, closing: string) {
    this.mayClose = new RegExp(`^[ \\t]*\\${closing[0]}+[ \\t]*$`);
    // The empty fence gives the frame, language label and buttons; Copy reads the code when pressed.
    const frame = render(`${opening}\n${closing}`);
    this.code = frame.querySelector('pre code')!;
    this.arriving = element.ownerDocument.createTextNode('');
    this.code.append(this.arriving);
    element.replaceChildren(frame);
  }

  draw(lines: readonly string[], partial: string): boolean {
    // The splitter ends the block at the closing line, so every line here is code.
    for (; this.drawnLines < lines.length; this.drawnLines++) {
      if (!this.run || this.runChars > RUN_CHARS) {
        this.run = this.code.ownerDocument.createElement('span');
        this.run.className = 'code-run';
        this.arriving.before(this.run);
        this.runChars = 0;
      }
      const line = `${lines[this.drawnLines]}\n`;
      this.run.append(line);
      this.runChars += line.length;
    }
    this.arriving.data = this.mayClose.test(partial) ? '' : partial;
    return true;
  }
}

/** Finished list items are kept in runs of this many, each its own <ul>/<ol> laid out apart (panel.css). */
const RUN_ITEMS = 64;

/**
 * A list drawn as runs of <ul>/<ol> that look like one list (an <ol> run starts where the one
 * before it ended); finished items are moved into the last run and not drawn again.
 */
class OpenList implements Shape {
  private run: Element | undefined;
  private start = 1;
  private itemsBefore = 0;
  private arriving: Element[] = [];
  private itemStart = 0;
  private scanned = 1;

  constructor(private readonly element: HTMLElement, private readonly render: RenderBlock, private readonly isSibling: (line: string) => boolean) {}

  draw(lines: readonly string[], partial: string): boolean {
    for (; this.scanned < lines.length; this.scanned++) {
      if (!this.isSibling(lines[this.scanned]!)) continue;
      // The item before this line is finished: rendered a last time and left alone.
      if (!this.put(lines.slice(this.itemStart, this.scanned).join('\n'))) return false;
      this.arriving = [];
      this.itemStart = this.scanned;
    }
    return this.put(joined(lines, this.itemStart, partial));
  }

  /** Renders one or more items and puts their <li> where the arriving item's were. */
  private put(markdown: string): boolean {
    const list = single(this.render(markdown), this.run ? [this.run.tagName] : ['UL', 'OL']);
    if (!list || [...list.children].some((child) => child.tagName !== 'LI')) return false;
    for (const item of this.arriving) item.remove();
    this.arriving = [...list.children];
    if (!this.run) {
      this.run = list;
      this.run.classList.add('list-run');
      this.start = Number(list.getAttribute('start') ?? 1);
      this.element.replaceChildren(list);
      return true;
    }
    for (const item of this.arriving) this.lastRun().append(item);
    return true;
  }

  private lastRun(): Element {
    const run = this.run!;
    if (run.childElementCount < RUN_ITEMS) return run;
    this.itemsBefore += run.childElementCount;
    this.run = run.ownerDocument.createElement(run.tagName);
    this.run.className = 'list-run';
    if (run.tagName === 'OL') this.run.setAttribute('start', String(this.start + this.itemsBefore));
    run.after(this.run);
    return this.run;
  }
}

/** Whether a line starts another item of the same list as `first` (same bullet, or same delimiter after the number). */
function siblingOf(first: string): (line: string) => boolean {
  const m = /^(?:([-*+])|\d{1,9}([.)]))/.exec(first)!;
  const marker = m[1] ? new RegExp(`^\\${m[1]}(?:[ \\t]|$)`) : new RegExp(`^\\d{1,9}\\${m[2]}(?:[ \\t]|$)`);
  return (line) => marker.test(line);
}

const TABLE_DELIMITER = /^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

/** A table kept as one live <table>; finished rows are moved into its body and not drawn again. */
class OpenTable implements Shape {
  private body: Element | undefined;
  private arriving: Element | undefined;
  private drawnLines = 2;
  private ended = false;

  private constructor(private readonly table: Element, private readonly render: RenderBlock, private readonly header: string) {}

  /** The table whose header and delimiter rows are `header`, or none when they do not make one. */
  static start(element: HTMLElement, render: RenderBlock, header: string): OpenTable | undefined {
    const table = single(render(header), ['TABLE']);
    if (!table) return undefined;
    element.replaceChildren(table);
    return new OpenTable(table, render, header);
  }

  draw(lines: readonly string[], partial: string): boolean {
    for (; this.drawnLines < lines.length; this.drawnLines++) {
      const line = lines[this.drawnLines]!;
      // A blank line ends the table; only an indented line can follow it in this block, and that is not a row.
      if (!line.trim()) this.ended = true;
      else if (this.ended || !this.put(line)) return false;
      this.arriving = undefined;
    }
    if (partial.trim()) return !this.ended && this.put(partial);
    this.arriving?.remove();
    this.arriving = undefined;
    return true;
  }

  /** Renders one row under the header (for its columns and alignment) and puts its <tr> where the arriving row's was. */
  private put(row: string): boolean {
    const rows = single(this.render(`${this.header}\n${row}`), ['TABLE'])?.querySelectorAll(':scope > tbody > tr');
    if (rows?.length !== 1) return false;
    this.arriving?.remove();
    this.arriving = rows[0]!;
    if (!this.body) {
      this.body = this.table.ownerDocument.createElement('tbody');
      this.table.append(this.body);
    }
    this.body.append(this.arriving);
    return true;
  }
}

/** The open block, drawn in the cheapest shape that fits it. */
export class OpenBlockView {
  private shape: Shape | undefined;
  /** False once the block turned out not to be a paragraph. */
  private paragraph = true;

  constructor(private readonly element: HTMLElement, private readonly render: RenderBlock, private readonly closed: InlineClosed) {}

  /** Draws the open block: its complete lines (the same array, grown, until `restart`) and the line still arriving. */
  draw(lines: readonly string[], partial: string): void {
    this.shape ??= this.pick(lines, partial);
    if (this.shape?.draw(lines, partial)) return;
    if (this.shape instanceof OpenParagraph) {
      // Not a paragraph after all (a heading, list or table delimiter row came under it): picked again.
      this.paragraph = false;
      this.shape = this.pick(lines, partial);
      if (this.shape?.draw(lines, partial)) return;
    }
    if (this.shape) this.shape = new WholeBlock(this.element, this.render);
    (this.shape ?? new WholeBlock(this.element, this.render)).draw(lines, partial);
  }

  /** The block finished (it is drawn whole elsewhere): the next draw starts the next block. */
  restart(): void {
    this.shape = undefined;
    this.paragraph = true;
    this.element.replaceChildren();
  }

  /** The shape for a block starting with `lines` and `partial`, or none while too little of it has arrived to tell. */
  private pick(lines: readonly string[], partial: string): Shape | undefined {
    const first = lines[0];
    if (first !== undefined) {
      const fence = marginFence(first);
      if (fence) return new OpenFence(this.element, this.render, first, fence.char.repeat(fence.length));
      if (LIST_ITEM.test(first)) return new OpenList(this.element, this.render, siblingOf(first));
      if (first.includes('|') && lines.length >= 2 && TABLE_DELIMITER.test(lines[1]!)) {
        const table = OpenTable.start(this.element, this.render, `${first}\n${lines[1]}`);
        if (table) return table;
      }
    }
    if (this.paragraph) {
      // The first line's first word tells; a table is told by the line after it, which the paragraph watches for.
      const paragraph = startsParagraph(first ?? partial, first !== undefined);
      if (paragraph) return new OpenParagraph(this.element, this.render, this.closed);
      if (paragraph === undefined) return undefined;
    }
    if (first === undefined || (first.includes('|') && lines.length < 2)) return undefined;
    return new WholeBlock(this.element, this.render);
  }
}

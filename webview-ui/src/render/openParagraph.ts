// Draws an open paragraph (the block still arriving, see openBlock.ts) so that a frame's work
// follows what arrived, not the paragraph's length. The paragraph is one live <p>: a settled
// prefix, rendered once, piece by piece, then the unsettled tail, rendered again on each frame.
// When the tail reaches SETTLE_AT characters its older part is settled: cut at a space, rendered
// alone, and its nodes moved into the <p>, followed by the space. The <p> holds at every frame
// exactly what rendering the paragraph so far whole gives, and the block is rendered whole once
// more when it finishes (by StreamingMarkdown), as every block is.
//
// Why the pieces equal the whole. Say the text is A + ' ' + B: A everything before a cut, B what
// follows it, now or later.
//   Blocks. The block's first line starts a paragraph whatever follows (startsParagraph), and no
//   later line would end or change a paragraph (breaksParagraph: a heading, quote, fence, list
//   item, rule or setext underline, as markdown-it decides for a line after a paragraph line; a
//   table's delimiter row after a line with a `|`; a lone \r, which markdown-it reads as a line
//   break; a line after a blank one). Each looks at one line, and a delimiter row at a `|` in the
//   line before, which a piece starting in that line holds only if the whole line does. A cut is
//   one space between a non-blank and a letter, so B starts a paragraph (a letter begins nothing
//   else), A's last line cut short is checked again (`=== x` cut after `===` would be an
//   underline), and the trimming of a paragraph's text takes nothing at the cut. So A, B and the
//   whole are each one paragraph, with the same lines.
//   Inline. markdown-it reads left to right, and a rule at a position in A reads past the cut only
//   for a code span, emphasis, strikethrough, link or image whose closing part is not in A
//   (inlineClosed in markdown.ts refuses A then); a pair closed inside A is found the same in the
//   whole, as the search stops at the first match. Autolinks, entities, escapes, bare URLs and line
//   breaks never span a space, and the flanking of `*`, `_` and `~` runs sees the start and the
//   end of the text as a space, which is what is there in the whole.
// So A's tokens, a space, then B's are the whole's (adjacent text merged), and the HTML, sanitized
// element by element, is the concatenation. A piece is probed alone: the settled text before it is
// closed, so nothing in it pairs with the piece.
//
// What stays slow: an opener that never closes (the `*` in `2*3`, say) may still pair with text
// to come, which would change everything after it, so nothing after it settles and the tail is
// drawn whole on each frame, as before; so does a link whose target is refused (`[x](command:…)`
// stays text, and is taken as a link not finished). Text with no spaces between letters (Chinese,
// Japanese) has no cut either.
import { continuesParagraph } from './markdown';
import type { RenderBlock, Shape } from './blockShape';

/** Whether inline markdown is closed: text after it and a space cannot change how it renders. */
export type InlineClosed = (markdown: string) => boolean;

/** Tail length at which its older part is settled. */
const SETTLE_AT = 1024;
/**
 * Settled text a paragraph part holds before the next settled piece starts a new part. A browser
 * lays out a paragraph's whole inline flow again whenever its end changes (about 100 ms a frame at
 * 1 MB), so while it streams a long paragraph is drawn as a run of parts, each one block of at
 * most this much text, styled to read as one paragraph (a part after the first has no top margin,
 * a part before another none below); the line before a seam may end short of the margin, as
 * each part breaks its own lines (test/screens/streaming.screens.mjs shows one). The whole paragraph, rendered once when it finishes, is one
 * <p> again; joining the parts' children gives exactly it at every frame.
 */
export const PART_CHARS = 16 * 1024;
/** Characters at the end of the tail left unsettled: a code span or link there may not be finished. */
const KEEP = 256;

/**
 * A line that, after a paragraph's first, may end or change it: markdown-it's block rules that
 * interrupt a paragraph (heading, quote, fence, list item, rule, table delimiter row) and setext
 * underlines. Conservative (indentation is not counted, nor whether a list item may interrupt):
 * a line it matches is looked at again by markdown-it (breaksParagraph).
 */
const BREAKS_PARAGRAPH = /^[ \t]*(?:#{1,6}(?:[ \t]|$)|>|`{3}|~{3}|[*+-](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|[-*_=|:][-*_=|: \t]*$)/;
/** A line that may be a table's delimiter row: one when the line before holds a `|`. */
const DELIMITER_ROW = /^[ \t]*[|:-][|:\- \t]*$/;

/** Whether `line`, after a paragraph line (`afterPipe`: one with a `|`), ends or changes the paragraph. */
function breaksParagraph(line: string, afterPipe: boolean): boolean {
  return BREAKS_PARAGRAPH.test(line) && ((afterPipe && DELIMITER_ROW.test(line)) || !continuesParagraph(line));
}

/** A first word that begins a heading, list item, rule, quote or fence rather than a paragraph. */
const NOT_A_PARAGRAPH = /^(?:#{1,6}|\+|\d{1,9}[.)]|([*_-])\1*|>.*|`{3}.*|~{3}.*)$/;

const LETTER = /\p{L}/u;

/**
 * Whether a block whose first line is `first` (the line complete, or still arriving) is a
 * paragraph whatever comes after; undefined while too little of it has arrived to tell.
 */
export function startsParagraph(first: string, complete: boolean): boolean | undefined {
  const word = /^\S*/.exec(first)![0];
  // An indented first line is left to the whole-block drawing.
  if (!word) return false;
  if (word.length === first.length && !complete) return undefined;
  if (NOT_A_PARAGRAPH.test(word)) return false;
  return first[0] === '[' ? notReference(first, complete) : true;
}

/**
 * Whether a first line starting with `[` is not a link reference definition: markdown-it's rule
 * takes it when the first `]` is followed by `:`; a label holds no `[`, and past 1,998 characters
 * is none. A line that ends inside a label may go on in the next: not taken as a paragraph.
 */
function notReference(first: string, complete: boolean): boolean | undefined {
  const end = Math.min(first.length, 2000);
  for (let i = 1; i < end; i++) {
    const ch = first[i];
    if (ch === '\\') i++;
    else if (ch === '[') return true;
    else if (ch === ']') return i + 1 < first.length ? first[i + 1] !== ':' : complete || undefined;
  }
  return end === 2000 ? true : complete ? false : undefined;
}

/** Characters that open or close inline markdown (and a link's destination). */
const MARKUP = /[`*_~[\]()<>\\&]/;

/** Whether the words on both sides of `at` (their nearest 32 characters) hold no markup. */
function plainAround(text: string, at: number): boolean {
  const left = /\S*$/.exec(text.slice(Math.max(0, at - 32), at))![0];
  const right = /^\S*/.exec(text.slice(at + 1, at + 33))![0];
  return !MARKUP.test(left) && !MARKUP.test(right);
}

/**
 * The last place at or before `before` where `text` may be cut: one space between a non-blank and
 * a letter, with the line up to it still plain text; -1 when there is none. A place between plain
 * words is preferred: one inside a code span or link (`[two words](…)`) would not settle.
 */
function lastCut(text: string, before: number): number {
  let any = -1;
  for (let at = text.lastIndexOf(' ', before); at > 0; at = text.lastIndexOf(' ', at - 1)) {
    if (/\s/.test(text[at - 1]!) || !LETTER.test(text[at + 1] ?? '')) continue;
    if (BREAKS_PARAGRAPH.test(text.slice(text.lastIndexOf('\n', at) + 1, at))) continue;
    if (plainAround(text, at)) return at;
    if (any === -1) any = at;
  }
  return any;
}

/** The paragraph a render produced, if it produced exactly one. */
function paragraphOf(fragment: DocumentFragment): Element | undefined {
  const [first, ...rest] = fragment.childNodes;
  return first?.nodeName === 'P' && !rest.length ? (first as Element) : undefined;
}

/** Moves `from`'s children to the end of `to` (one at a time: a long paragraph has too many to spread into a call). */
function moveChildren(from: Node, to: Node): void {
  while (from.firstChild) to.appendChild(from.firstChild);
}

export class OpenParagraph implements Shape {
  /** The paragraph's parts (see PART_CHARS); the last is being filled: settled pieces, then the tail. */
  private readonly parts: Element[];
  /** Characters settled into the last part. */
  private partChars = 0;
  /** The tail's nodes in the paragraph, replaced on each frame. */
  private tail: ChildNode[] = [];
  /** Where the tail starts: a line (lines.length for the line still arriving) and a column. */
  private tailLine = 0;
  private tailColumn = 0;
  /** Complete lines looked at; whether one of them was blank (only blank lines may follow), and whether the last holds a `|`. */
  private checked = 0;
  private blank = false;
  private pipe = false;
  /** The line still arriving, and how much of it was looked at for \r. */
  private arrivingLine = 0;
  private arrivingChecked = 0;
  /** Tail length at which to try settling: SETTLE_AT, or more after a try found nothing to settle. */
  private settleAt = SETTLE_AT;

  constructor(private readonly element: HTMLElement, private readonly render: RenderBlock, private readonly closed: InlineClosed) {
    this.parts = [element.ownerDocument.createElement('p')];
  }

  private get paragraph(): Element {
    return this.parts.at(-1)!;
  }

  draw(lines: readonly string[], partial: string): boolean {
    if (!this.stillOneParagraph(lines, partial)) return false;
    // A line arriving that may end or change the paragraph: the block is drawn whole meanwhile.
    // Complete, such a line makes the block something else; growing, it may turn out plain text
    // (`-1 degrees` begins as `-`).
    if (lines.length && (this.blank ? /[^ \t]/.test(partial) : breaksParagraph(partial, this.pipe))) {
      this.element.replaceChildren(this.render([...lines, partial].join('\n')));
      return true;
    }
    let tail = this.tailText(lines, partial);
    const doc = this.element.ownerDocument;
    const settled = doc.createDocumentFragment();
    // A long tail (a large delta, a panel opened on a long reply) settles in pieces of at most a
    // part each, so no part ends up longer than PART_CHARS.
    while (tail.length >= this.settleAt) {
      const cut = this.settleCut(tail);
      if (cut === -1) {
        // Something in it is still open (or there is no place to cut): tried again when the tail
        // has grown by a quarter, so an opener that never closes costs a bounded share of the work.
        this.settleAt = Math.ceil(1.25 * tail.length);
        break;
      }
      const piece = paragraphOf(this.render(tail.slice(0, cut)));
      if (!piece) return false;
      if (this.partChars + cut > PART_CHARS && this.partChars > 0) {
        for (const node of this.tail) node.remove();
        this.tail = [];
        this.paragraph.append(settled);
        this.nextPart();
      }
      this.partChars += cut + 1;
      moveChildren(piece, settled);
      settled.append(' ');
      this.advance(tail, cut + 1);
      tail = tail.slice(cut + 1);
      this.settleAt = SETTLE_AT;
    }
    const drawn = paragraphOf(this.render(tail));
    if (!drawn) return false;
    for (const node of this.tail) node.remove();
    this.tail = [...drawn.childNodes];
    moveChildren(drawn, settled);
    this.paragraph.append(settled);
    // Back from a frame that drew the block whole (a line that might have changed it), or the first frame.
    if (this.paragraph.parentNode !== this.element) this.element.replaceChildren(...this.parts);
    return true;
  }

  /**
   * Where to settle `tail`: the last cut within a part's length whose text before it is closed,
   * else the last cut before the KEEP characters at its end, if closed; -1 for none.
   */
  private settleCut(tail: string): number {
    const end = tail.length - KEEP;
    if (end > PART_CHARS) {
      const cut = lastCut(tail, PART_CHARS);
      if (cut > 0 && this.closed(tail.slice(0, cut))) return cut;
    }
    const cut = lastCut(tail, end);
    return cut > 0 && this.closed(tail.slice(0, cut)) ? cut : -1;
  }

  /** Closes the part being filled (its settled pieces stay) and starts the next one after it. */
  private nextPart(): void {
    for (const node of this.tail) node.remove();
    this.tail = [];
    const next = this.element.ownerDocument.createElement('p');
    this.paragraph.classList.add('paragraph-continues');
    next.classList.add('paragraph-continued');
    if (this.paragraph.parentNode === this.element) this.paragraph.after(next);
    this.parts.push(next);
    this.partChars = 0;
  }

  /** Looks at what arrived since the last frame (each line once): false when the block is no longer one paragraph. */
  private stillOneParagraph(lines: readonly string[], partial: string): boolean {
    for (; this.checked < lines.length; this.checked++) {
      const line = lines[this.checked]!;
      if (line.includes('\r')) return false;
      if (/^[ \t]*$/.test(line)) this.blank = true;
      else if (this.blank || (this.checked > 0 && breaksParagraph(line, this.pipe))) return false;
      this.pipe = line.includes('|');
    }
    if (this.arrivingLine !== lines.length) {
      this.arrivingLine = lines.length;
      this.arrivingChecked = 0;
    }
    if (partial.includes('\r', this.arrivingChecked)) return false;
    this.arrivingChecked = partial.length;
    return true;
  }

  /** The text from the tail's start to the end. */
  private tailText(lines: readonly string[], partial: string): string {
    if (this.tailLine >= lines.length) return partial.slice(this.tailColumn);
    return [lines[this.tailLine]!.slice(this.tailColumn), ...lines.slice(this.tailLine + 1), partial].join('\n');
  }

  /** Moves the tail's start `by` characters into `tail`. */
  private advance(tail: string, by: number): void {
    const lastBreak = tail.lastIndexOf('\n', by - 1);
    if (lastBreak === -1) {
      this.tailColumn += by;
      return;
    }
    for (let at = tail.indexOf('\n'); at !== -1 && at <= lastBreak; at = tail.indexOf('\n', at + 1)) this.tailLine++;
    this.tailColumn = by - lastBreak - 1;
  }
}

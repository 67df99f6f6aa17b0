// Splits streamed markdown into blocks at boundaries that later text cannot change, so each block
// renders the same alone as inside the whole reply:
//   - a blank line outside a code fence, followed by a line that is not indented (an indented
//     line may continue a list item or an indented code block);
//   - before a code fence that starts at the margin, and right after the line that closes it;
//   - before a list item at the margin that interrupts a paragraph (not inside a list).
// Finished blocks are rendered once; only the open block is drawn again as text arrives
// (openBlock.ts). The splitter works a line at a time on the text that arrived, so a delta costs
// the same at the end of a long block as at its start.

export interface Fence {
  char: '`' | '~';
  length: number;
}

const FENCE = /^[ \t]*(`{3,}|~{3,})/;

function fenceOpening(line: string): Fence | undefined {
  const m = FENCE.exec(line);
  if (!m) return undefined;
  const run = m[1]!;
  // A backtick fence's info string may not contain a backtick (CommonMark).
  if (run[0] === '`' && line.slice(m[0].length).includes('`')) return undefined;
  return { char: run[0] as Fence['char'], length: run.length };
}

/** A fence opened at the margin: nothing before or after it changes how it renders. */
export function marginFence(line: string): Fence | undefined {
  return line[0] === '`' || line[0] === '~' ? fenceOpening(line) : undefined;
}

function closesFence(line: string, fence: Fence): boolean {
  const m = FENCE.exec(line);
  return !!m && m[1]![0] === fence.char && m[1]!.length >= fence.length && !line.slice(m[0].length).trim();
}

const isBlank = (line: string) => !line.trim();
const isIndented = (line: string) => /^[ \t]/.test(line);

/** A list item at the margin (its marker and the space after it). */
export const LIST_ITEM = /^(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
const THEMATIC_BREAK = /^([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
/** A list item that may interrupt a paragraph (CommonMark: not empty, and numbered lists only from 1). */
const INTERRUPTING_ITEM = /^(?:[-*+]|1[.)])[ \t]+\S/;

export class BlockSplitter {
  /** Complete lines of the open block (a new array for each block). */
  private lines: string[] = [];
  /** The line still arriving: no newline yet. */
  private partial = '';
  private fence: Fence | undefined;
  /** The open fence began the block at the margin: the line that closes it ends the block. */
  private fenceEndsBlock = false;
  /** The block began with a list item: another item at the margin belongs to it. */
  private inList = false;
  /** Lines of the open block before the blank line(s) that may end it, once a line that is not indented follows. */
  private boundary: number | undefined;

  /** The open block as text: everything after the last boundary, still subject to change. */
  get tail(): string {
    return [...this.lines, this.partial].join('\n');
  }

  /** The open block: its complete lines (the same array, growing, until a block finishes) and the line still arriving. */
  get open(): { lines: readonly string[]; partial: string } {
    return { lines: this.lines, partial: this.partial };
  }

  /** Adds streamed text; returns the blocks it finished, in order. */
  append(text: string): string[] {
    const finished: string[] = [];
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      const line = this.partial + text.slice(from, nl);
      this.partial = '';
      from = nl + 1;
      this.addLine(line, finished);
    }
    this.partial += text.slice(from);
    // After a blank line, the first character of the next tells: a line not indented ends the
    // block, so it goes now rather than when that line is complete (a paragraph's first line may
    // be long, and the finished block would be drawn again with it on each frame meanwhile).
    if (this.boundary !== undefined && /^\S/.test(this.partial)) this.endBlock(finished, this.boundary);
    return finished;
  }

  /** The stream ended: the open block is finished too. */
  finish(): string[] {
    const finished: string[] = [];
    // The last line has no newline: it is complete now.
    if (this.partial) this.addLine(this.partial, finished);
    const last = this.lines.join('\n').replace(/\n+$/, '');
    this.lines = [];
    this.partial = '';
    this.fence = undefined;
    this.boundary = undefined;
    if (last.trim()) finished.push(last);
    return finished;
  }

  /** Takes one complete line, pushing to `finished` the block(s) it ends. */
  private addLine(line: string, finished: string[]): void {
    if (this.boundary !== undefined && !isBlank(line)) {
      if (!isIndented(line)) this.endBlock(finished, this.boundary);
      this.boundary = undefined;
    }
    if (this.fence) {
      this.lines.push(line);
      if (closesFence(line, this.fence)) {
        this.fence = undefined;
        if (this.fenceEndsBlock) this.endBlock(finished, this.lines.length);
      }
      return;
    }
    const started = this.lines.length > 0;
    if (isBlank(line)) {
      // Blank lines between blocks belong to neither; within a block they are kept.
      if (started) {
        this.boundary ??= this.lines.length;
        this.lines.push(line);
      }
      return;
    }
    const fence = fenceOpening(line);
    const atMargin = !isIndented(line);
    const interrupts = atMargin && (fence !== undefined || (!this.inList && INTERRUPTING_ITEM.test(line) && !THEMATIC_BREAK.test(line)));
    if (started && interrupts) this.endBlock(finished, this.lines.length);
    if (this.lines.length === 0) {
      this.inList = LIST_ITEM.test(line) && !THEMATIC_BREAK.test(line);
      this.fenceEndsBlock = fence !== undefined && marginFence(line) !== undefined;
    }
    this.fence = fence;
    this.lines.push(line);
  }

  /** Finishes the open block at its first `count` lines (the rest are blank); the next line starts a new one. */
  private endBlock(finished: string[], count: number): void {
    finished.push(this.lines.slice(0, count).join('\n'));
    this.lines = [];
    this.boundary = undefined;
    this.inList = false;
    this.fenceEndsBlock = false;
  }
}

/** The blocks of a whole text, as a stream of it would produce them. */
export function splitBlocks(text: string): string[] {
  const splitter = new BlockSplitter();
  return [...splitter.append(text), ...splitter.finish()];
}

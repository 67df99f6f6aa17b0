// Splits streamed markdown into blocks at boundaries that later text cannot change: a blank line
// outside a code fence, followed by a line that is not indented (an indented line may continue
// a list item or an indented code block). Finished blocks are rendered once; only the open tail
// is rendered again as text arrives. Each character is scanned once: the fence state and the
// pending boundary are carried from one append to the next.

interface Fence {
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

function closesFence(line: string, fence: Fence): boolean {
  const m = FENCE.exec(line);
  return !!m && m[1]![0] === fence.char && m[1]!.length >= fence.length && !line.slice(m[0].length).trim();
}

const isBlank = (line: string) => !line.trim();

export class BlockSplitter {
  /** Text of the open block: everything after the last boundary. */
  private block = '';
  /** Where the first line of `block` not yet scanned starts. */
  private lineStart = 0;
  private fence: Fence | undefined;
  /** Start of the blank line(s) that may end the open block, once a line that is not indented follows. */
  private boundary: number | undefined;
  private hasContent = false;

  /** The open block: text after the last boundary, still subject to change. */
  get tail(): string {
    return this.block;
  }

  /** Adds streamed text; returns the blocks it finished, in order. */
  append(text: string): string[] {
    const finished: string[] = [];
    let scanFrom = this.block.length;
    this.block += text;
    for (let nl = this.block.indexOf('\n', scanFrom); nl !== -1; nl = this.block.indexOf('\n', scanFrom)) {
      const line = this.block.slice(this.lineStart, nl);
      const done = this.scanLine(line);
      if (done !== undefined) {
        finished.push(done);
        // The block restarts at the line just scanned; `nl` moves with it.
        nl -= this.lineStart;
        this.block = this.block.slice(this.lineStart);
        this.lineStart = 0;
      }
      this.lineStart = nl + 1;
      scanFrom = nl + 1;
    }
    return finished;
  }

  /** The stream ended: the open block is finished too. */
  finish(): string[] {
    const finished: string[] = [];
    if (this.lineStart < this.block.length) {
      // The last line has no newline: it is complete now.
      const done = this.scanLine(this.block.slice(this.lineStart));
      if (done !== undefined) {
        finished.push(done);
        this.block = this.block.slice(this.lineStart);
      }
    }
    const last = this.block.replace(/\n+$/, '');
    this.block = '';
    this.lineStart = 0;
    this.fence = undefined;
    this.boundary = undefined;
    this.hasContent = false;
    if (last.trim()) finished.push(last);
    return finished;
  }

  /** Looks at one complete line; returns the block it finished, if any (the line starts the next). */
  private scanLine(line: string): string | undefined {
    let finished: string | undefined;
    if (this.boundary !== undefined && !isBlank(line)) {
      if (!/^[ \t]/.test(line)) {
        finished = this.block.slice(0, this.boundary);
        this.hasContent = false;
      }
      this.boundary = undefined;
    }
    if (this.fence) {
      if (closesFence(line, this.fence)) this.fence = undefined;
    } else if (isBlank(line)) {
      // The block ends before the newline that ends its last line.
      if (this.hasContent && this.boundary === undefined) this.boundary = this.lineStart - 1;
    } else {
      this.fence = fenceOpening(line);
      this.hasContent = true;
    }
    return finished;
  }
}

/** The blocks of a whole text, as a stream of it would produce them. */
export function splitBlocks(text: string): string[] {
  const splitter = new BlockSplitter();
  return [...splitter.append(text), ...splitter.finish()];
}

// A reply as it streams: deltas are gathered and drawn at most once per animation frame; finished
// blocks (see streamingBlocks.ts) are rendered once and left alone, and the open tail block is
// drawn piece by piece (openBlock.ts: a long code fence, list, table or paragraph is not rendered
// again on each frame). So the work per frame follows what arrived, not the size of the reply.
import { inlineClosed } from './markdown';
import type { RenderBlock } from './blockShape';
import { OpenBlockView } from './openBlock';
import type { InlineClosed } from './openParagraph';
import { BlockSplitter } from './streamingBlocks';

/** Runs `callback` once, soon; returns a function that cancels it. */
export type FrameScheduler = (callback: () => void) => () => void;

/**
 * The next animation frame, or a timer when frames do not come: a hidden page gets no frames,
 * and the text must still arrive (and be in the render report) while the panel is out of sight.
 */
export const nextFrame: FrameScheduler = (callback) => {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    callback();
  };
  const frame = requestAnimationFrame(run);
  const timer = setTimeout(run, document.visibilityState === 'hidden' ? 0 : 100);
  return () => {
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
};

export interface StreamingOptions {
  /** Renders one block of markdown. */
  render: RenderBlock;
  /** Whether a paragraph's text so far is closed (markdown.ts's inlineClosed unless given, e.g. counted). */
  inlineClosed?: InlineClosed;
  schedule?: FrameScheduler;
  /** Called before each drawing (e.g. to note whether the view is scrolled to the end). */
  beforeDraw?(): void;
  /** Called after each drawing. */
  afterDraw?(): void;
}

const BLOCKS_PER_CHUNK = 24;

export class StreamingMarkdown {
  private readonly splitter = new BlockSplitter();
  private readonly tailElement: HTMLElement;
  private readonly open: OpenBlockView;
  private pending = '';
  private cancel: (() => void) | undefined;
  private disposed = false;
  private chunk: HTMLElement | undefined;

  constructor(private readonly container: HTMLElement, private readonly options: StreamingOptions) {
    this.tailElement = container.ownerDocument.createElement('div');
    this.tailElement.className = 'markdown-tail';
    container.append(this.tailElement);
    this.open = new OpenBlockView(this.tailElement, options.render, options.inlineClosed ?? inlineClosed);
  }

  /** Queues `text` for the next frame. */
  append(text: string): void {
    if (this.disposed || !text) return;
    this.pending += text;
    this.cancel ??= (this.options.schedule ?? nextFrame)(() => {
      this.cancel = undefined;
      this.draw();
    });
  }

  /** Draws what is queued now (e.g. the text a stream had when the panel was opened). */
  flush(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.draw();
  }

  /** Stops drawing: the stream ended or its element was replaced. */
  dispose(): void {
    this.disposed = true;
    this.cancel?.();
    this.cancel = undefined;
  }

  /**
   * Where the next finished block goes: groups of BLOCKS_PER_CHUNK, each skipped by layout while
   * off screen (`content-visibility: auto` in panel.css), so a growing tail does not lay out a
   * megabyte of finished text again on every frame.
   */
  private doneChunk(): HTMLElement {
    if (!this.chunk || this.chunk.childNodes.length >= BLOCKS_PER_CHUNK) {
      this.chunk = this.container.ownerDocument.createElement('div');
      this.chunk.className = 'markdown-done';
      this.tailElement.before(this.chunk);
    }
    return this.chunk;
  }

  private draw(): void {
    if (this.disposed || !this.pending) return;
    this.options.beforeDraw?.();
    const finished = this.splitter.append(this.pending);
    this.pending = '';
    if (finished.length) this.open.restart();
    for (const block of finished) this.doneChunk().append(this.options.render(block));
    const { lines, partial } = this.splitter.open;
    this.open.draw(lines, partial);
    this.options.afterDraw?.();
  }
}

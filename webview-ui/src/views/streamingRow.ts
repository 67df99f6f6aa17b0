// The row of a reply while it streams: its markdown is drawn at most once a frame, only its open
// tail block again (render/streamingMarkdown.ts), except the reply's first text, drawn at once:
// the first word is what the user waits for, and one frame is a sixth of the wait.
import { renderMarkdown } from '../render/markdown';
import { StreamingMarkdown } from '../render/streamingMarkdown';
import { el } from '../ui/toolkit';
import type { MessageBodyActions } from './messageBody';
import { markdownActions } from './messageBody';
import { messageShell } from './messageRow';

export interface StreamingRowActions extends MessageBodyActions {
  /** The row drew something on its own (a streamed frame), outside any host message. */
  rendered?(): void;
}

export class StreamingRow {
  readonly node: HTMLElement;
  private readonly markdown: StreamingMarkdown;
  /** Some of its text is drawn (later text waits for a frame). */
  private drawn: boolean;

  constructor(
    readonly id: string,
    textSoFar: string,
    actions: StreamingRowActions,
  ) {
    this.node = messageShell(id, 'assistant', 'streaming');
    this.node.setAttribute('aria-busy', 'true');
    const text = el('div', 'message-text markdown');
    this.node.append(text);
    this.markdown = new StreamingMarkdown(text, {
      render: (source) => renderMarkdown(source, window, markdownActions(actions)),
      // The list measures the row (ResizeObserver) and keeps the view at the end if it was there.
      afterDraw: () => actions.rendered?.(),
    });
    this.drawn = textSoFar !== '';
    this.markdown.append(textSoFar);
    this.markdown.flush();
  }

  /** Queues `text` for the next frame; true when it was drawn at once (the reply's first text). */
  append(text: string): boolean {
    this.markdown.append(text);
    if (this.drawn) return false;
    this.drawn = true;
    this.markdown.flush();
    return true;
  }

  dispose(): void {
    this.markdown.dispose();
  }
}

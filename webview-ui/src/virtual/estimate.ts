// A message's height before it has been drawn: from its text, its code blocks and its
// attachments at the list's width. Only rows never measured use it (a measured row's height is
// kept per message id), so it needs to be close, not exact: the closer it is, the steadier the
// scrollbar when pages of unmeasured messages arrive above.
import type { Message } from '../../../src/core/model';

/** What the estimate assumes about the panel's type (panel.css: 13px font, line-height 1.45). */
export interface EstimateMetrics {
  /** Height of one line of text. */
  lineHeight: number;
  /** Average advance of one character. */
  charWidth: number;
  /** Author line, padding and border of a message box. */
  chrome: number;
  /** Header and padding a code block adds. */
  codeBlock: number;
  /** A row of attachment chips. */
  attachments: number;
  /** A picture shown in the message. */
  image: number;
}

export const DEFAULT_METRICS: EstimateMetrics = { lineHeight: 19, charWidth: 7, chrome: 44, codeBlock: 44, attachments: 28, image: 140 };

/** Lines `text` takes when wrapped at `perLine` characters (markdown paragraphs keep their breaks). */
function wrappedLines(text: string, perLine: number): number {
  let lines = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lines += Math.max(1, Math.ceil((end - start) / perLine));
    start = end + 1;
  }
  return lines;
}

/** The estimated height in pixels of `message` drawn `width` pixels wide. */
export function estimateHeight(message: Message, width: number, metrics: EstimateMetrics = DEFAULT_METRICS): number {
  const perLine = Math.max(16, Math.floor((Math.max(width, 120) - 20) / metrics.charWidth));
  let height = metrics.chrome;
  let parts = 0;
  for (const part of message.content) {
    if (part.type === 'text') {
      const text = part.text;
      height += wrappedLines(text, perLine) * metrics.lineHeight;
      // Each fence opens and closes a block with a header (``` counted twice per block).
      const fences = text.match(/^[ \t]*(```|~~~)/gm)?.length ?? 0;
      height += Math.floor(fences / 2) * metrics.codeBlock;
    } else if (part.type === 'image' && part.dataUrl) {
      height += metrics.image;
    } else {
      parts++;
    }
  }
  if (parts) height += metrics.attachments;
  return Math.round(height);
}
